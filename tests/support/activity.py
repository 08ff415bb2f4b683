"""A scripted complete activity per role, with the texts the bot is expected to ask, derived from the content."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.content import load_content
from bot.content.model import Content

# Reflections deliberately contain command words, markup, accents, emoji and newlines: all are answers.
REFLECTIONS = {
    "work_seeker": {
        "skills": "Forklift, Excel & customer service; I can help train people",
        "capacity": "I need to stop working nights",
        "pay": "help with childcare, and at least $22/hour",
        "arrangements": "Day shifts only,\nclose to the bus (route 1)",
        "values": "Respect <b>and</b> honesty \U0001f4aa",
        "culture": "Un milieu où je peux poser des questions sans être jugée",
    },
    "employer": {
        "skills": "Driver's licence on day one; we teach the rest",
        "capacity": "Fast on weekends, we pair new people with a buddy. Back office is calm",
        "pay": "$17/h + tips, free meals, 2 weeks off",
        "arrangements": "We can't flex weekend shifts; weekdays are flexible",
        "values": "Reliability, care for customers <script>alert(1)</script>",
        "culture": "Family business \u2014 everyone pitches in \U0001f600",
    },
}
RATINGS = {"skills": "1", "capacity": "2", "pay": "3", "arrangements": "Stressor", "values": "strength", "culture": "2"}
RATING_VALUES = {"1": "strength", "2": "stressor", "3": "both", "Stressor": "stressor", "strength": "strength"}
ROLE_LABEL = {"work_seeker": "Looking for work", "employer": "Hiring"}


@dataclass(frozen=True)
class ScriptedTurn:
    """One message the participant sends and the question id the bot should ask next (None: the activity ends)."""

    text: str
    question_id: Optional[str]
    value: Optional[str] = None  # the saved answer's normalised value, where the answer is a choice


def activity_script(role: str) -> list[ScriptedTurn]:
    """Every turn of a complete activity for ``role``, from the first hello to the handoff."""
    turns = [
        ScriptedTurn("hi", "consent"),
        ScriptedTurn("yes", "role", "yes"),
        ScriptedTurn(ROLE_LABEL[role], "clarity_before", role),
        ScriptedTurn("2", "skills_rating", "2"),
    ]
    factors = ["skills", "capacity", "pay", "arrangements", "values", "culture"]
    for i, factor in enumerate(factors):
        turns.append(ScriptedTurn(RATINGS[factor], f"{factor}_reflection", RATING_VALUES[RATINGS[factor]]))
        following = f"{factors[i + 1]}_rating" if i + 1 < len(factors) else "priorities"
        turns.append(ScriptedTurn(REFLECTIONS[role][factor], following))
    turns += [
        ScriptedTurn("3 4", "clarity_after", "pay,arrangements"),
        ScriptedTurn("4", "review", "4"),
        ScriptedTurn("1", "share", "yes"),
        ScriptedTurn("Yes", None, "yes"),
    ]
    return turns


def expected_prompt(question_id: str, role: Optional[str], content: Optional[Content] = None) -> str:
    """The exact question text the bot asks for ``question_id``."""
    content = content or load_content()
    return content.question_text(question_id, role)


def question_texts(replies: list[dict]) -> list[str]:
    """Texts of REST replies that carry buttons or plain text (the summary custom payload excluded)."""
    return [r["text"] for r in replies if r.get("text")]
