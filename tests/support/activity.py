"""The scripted complete activity per role, for the engine tests and for every channel's end-to-end tests alike: what the
participant sends, the question the bot asks next, the saved values, and the exact question texts (from the content)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional, Protocol

from bot.content import load_content
from bot.content.model import Content

FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")
ROLE_LABEL = {"work_seeker": "Looking for work", "employer": "Hiring"}

# Reflections deliberately contain request words (help, stop, break, skip), markup, accents, emoji and newlines:
# all are answers, kept as typed.
REFLECTIONS = {
    "work_seeker": {
        "skills": "Forklift, Excel & customer service; I can help train people",
        "capacity": "I need to stop working nights",
        "pay": "help with childcare, and at least $22/hour",
        "arrangements": "Day shifts only,\nclose to the bus (route 1)",
        "values": "Respect <b>and</b> honesty \U0001f4aa",
        "culture": "Un milieu o\u00f9 je peux poser des questions sans \u00eatre jug\u00e9e",
    },
    "employer": {
        "skills": "Driver's licence on day one; we teach the rest",
        "capacity": "Fast on weekends, back office is calm. Break times matter",
        "pay": "$17/h + tips, free meals, 2 weeks off",
        "arrangements": "We can't flex weekend shifts; skip breakfast shifts are optional",
        "values": "Reliability, care for customers <script>alert(1)</script>",
        "culture": "Family business \u2014 everyone pitches in \U0001f600",
    },
}
# Each factor's rating as sent (a number, a label, a lower-case label, the label with a slash) and its saved value.
RATING_REPLIES = {
    "skills": ("1", "strength"),
    "capacity": ("2", "stressor"),
    "pay": ("3", "both"),
    "arrangements": ("Stressor", "stressor"),
    "values": ("strength", "strength"),
    "culture": ("Both/not sure", "both"),
}


@dataclass(frozen=True)
class ScriptedTurn:
    """One message the participant sends and the question id the bot should ask next (None: the activity ends)."""

    text: str
    question_id: Optional[str]
    value: Optional[str] = None  # the saved answer's normalised value, where the answer is a choice


def reflection(role: str, factor_id: str) -> str:
    return REFLECTIONS[role][factor_id]


def activity_script(role: str) -> list[ScriptedTurn]:
    """Every turn of a complete activity for ``role``, from the first hello to the handoff."""
    turns = [
        ScriptedTurn("hi", "consent"),
        ScriptedTurn("yes", "role", "yes"),
        ScriptedTurn(ROLE_LABEL[role], "clarity_before", role),
        ScriptedTurn("2", "skills_rating", "2"),
    ]
    for i, factor in enumerate(FACTORS):
        reply, value = RATING_REPLIES[factor]
        turns.append(ScriptedTurn(reply, f"{factor}_reflection", value))
        following = f"{FACTORS[i + 1]}_rating" if i + 1 < len(FACTORS) else "priorities"
        turns.append(ScriptedTurn(reflection(role, factor), following))
    turns += [
        ScriptedTurn("3 4", "clarity_after", "pay,arrangements"),
        ScriptedTurn("4", "review", "4"),
        ScriptedTurn("1", "share", "yes"),
        ScriptedTurn("Yes", None, "yes"),
    ]
    return turns


class Participant(Protocol):
    """Anything that sends a message and tells which step the bot is asking (the engine tests' Chat)."""

    def say(self, text: str) -> Any: ...

    def step(self) -> str: ...


def drive(chat: Participant, until: str, role: str = "work_seeker") -> None:
    """Answer the standard script until the bot is asking ``until`` (checking each step it asks on the way)."""
    for turn in activity_script(role):
        chat.say(turn.text)
        assert chat.step() == turn.question_id
        if turn.question_id == until:
            return
    raise AssertionError(f"{until} is not on the path")


def expected_prompt(question_id: str, role: Optional[str], content: Optional[Content] = None) -> str:
    """The exact question text the bot asks for ``question_id`` (the engine's own rendering)."""
    content = content or load_content()
    return content.question_text(question_id, role)


def question_texts(replies: list[dict]) -> list[str]:
    """Texts of REST replies that carry buttons or plain text (the summary custom payload excluded)."""
    return [r["text"] for r in replies if r.get("text") and not r.get("custom")]


def closing_texts(content: Content, role: str, *, shared: bool = True) -> list[str]:
    """What the bot says once the share question is answered: done (shared or not), then the optional research question."""
    done = (
        content.message("completed_shared", practitioner=content.practitioner(role))
        if shared
        else content.message("completed_not_shared")
    )
    return [done, content.message("research_offer")]
