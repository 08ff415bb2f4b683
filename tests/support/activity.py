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
# all are answers, kept as typed. Some state their rating in words (first or last part: "Strength: ...", "... - a bit
# of both"), and the rating is saved from them; the others get the short rating question after them.
REFLECTIONS = {
    "work_seeker": {
        "skills": "Strength: Forklift, Excel & customer service; I can help train people",
        "capacity": "I need to stop working nights",
        "pay": "help with childcare, and at least $22/hour - a bit of both",
        "arrangements": "Day shifts only,\nclose to the bus (route 1)",
        "values": "Respect <b>and</b> honesty \U0001f4aa - strength",
        "culture": "Un milieu o\u00f9 je peux poser des questions sans \u00eatre jug\u00e9e",
    },
    "employer": {
        "skills": "Strength - Driver's licence on day one; we teach the rest",
        "capacity": "Fast on weekends, back office is calm. Break times matter",
        "pay": "$17/h + tips, free meals, 2 weeks off. A bit of both",
        "arrangements": "We can't flex weekend shifts; skip breakfast shifts are optional",
        "values": "Reliability, care for customers <script>alert(1)</script>. Strength",
        "culture": "Family business \u2014 everyone pitches in \U0001f600",
    },
}
# The rating question asked after the words that state none: the reply as sent (a number, a label) and its value.
RATING_REPLIES = {
    "capacity": ("2", "stressor"),
    "arrangements": ("Stressor", "stressor"),
    "culture": ("Not sure", "unsure"),
}
# Every factor's saved rating at the end of the script (from the words, or from the rating question).
RATINGS = {
    "skills": "strength",
    "capacity": "stressor",
    "pay": "both",
    "arrangements": "stressor",
    "values": "strength",
    "culture": "unsure",
}
# The answers outside the six factors, as typed.
ABOUT = {
    "work_seeker": {
        "work_sought": "Warehouse or delivery driver",
        "barriers": "No car yet, I take the bus",
        "closing_reflection": "I feel clearer about the job I want",
    },
    "employer": {
        "business_name": "Harbour Diner & Grill",
        "hiring_role": "Line cook, part time",
        "closing_reflection": "I see why people left, and what to put in the ad",
    },
}
CONTACT = "Sam, 902-555-0142 after 3pm"  # the reply to the contact question after a share


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
    about = ABOUT[role]
    turns = [ScriptedTurn("hi", "consent"), ScriptedTurn("yes", "role", "yes")]
    if role == "work_seeker":
        turns += [
            ScriptedTurn(ROLE_LABEL[role], "clarity_before", role),
            ScriptedTurn("2", "confidence_before", "2"),
            ScriptedTurn("3", "work_sought", "3"),
            ScriptedTurn(about["work_sought"], "skills_reflection"),
        ]
    else:
        turns += [
            ScriptedTurn(ROLE_LABEL[role], "clarity_before", role),
            ScriptedTurn("2", "business_name", "2"),
            ScriptedTurn(about["business_name"], "hiring_role"),
            ScriptedTurn(about["hiring_role"], "skills_reflection"),
        ]
    for i, factor in enumerate(FACTORS):
        following = f"{FACTORS[i + 1]}_reflection" if i + 1 < len(FACTORS) else "priorities"
        if factor in RATING_REPLIES:
            reply, value = RATING_REPLIES[factor]
            turns.append(ScriptedTurn(reflection(role, factor), f"{factor}_rating"))
            turns.append(ScriptedTurn(reply, following, value))
        else:
            turns.append(ScriptedTurn(reflection(role, factor), following))
    if role == "work_seeker":
        turns += [
            ScriptedTurn("3 4", "barriers", "pay,arrangements"),
            ScriptedTurn(about["barriers"], "clarity_after"),
            ScriptedTurn("4", "confidence_after", "4"),
            ScriptedTurn("4", "closing_reflection", "4"),
        ]
    else:
        turns += [
            ScriptedTurn("3 4", "clarity_after", "pay,arrangements"),
            ScriptedTurn("4", "closing_reflection", "4"),
        ]
    turns += [
        ScriptedTurn(about["closing_reflection"], "review"),
        ScriptedTurn("1", "share", "yes"),
        ScriptedTurn("Yes", None, "yes"),
    ]
    return turns


class Participant(Protocol):
    """Anything that sends a message and tells which step the bot is asking (the engine tests' Chat)."""

    def say(self, text: str) -> Any: ...

    def step(self) -> str: ...


# Words that state no rating, for reaching the rating question of a factor whose scripted words state one.
UNRATED_WORDS = "I have thought about it a little"


def drive(chat: Participant, until: str, role: str = "work_seeker") -> None:
    """Answer the standard script until the bot is asking ``until`` (checking each step it asks on the way).

    A rating question the script does not reach (its words state the rating) is reached by answering that factor's
    question with words that state none."""
    factor = until.removesuffix("_rating")
    if until.endswith("_rating") and factor in FACTORS and factor not in RATING_REPLIES:
        drive(chat, f"{factor}_reflection", role)
        chat.say(UNRATED_WORDS)
        assert chat.step() == until
        return
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


def closing_texts(content: Content, role: str, *, shared: bool = True, by_phone: bool = False) -> list[str]:
    """What the bot says once the share question is answered: done and how to reach you (shared), or done and the
    optional research question (not shared). ``by_phone``: the channel's address is a phone number (SMS)."""
    practitioner = content.practitioner(role)
    if shared:
        key = "contact_question_sms" if by_phone else "contact_question"
        return [
            content.message("completed_shared", practitioner=practitioner),
            content.message(key, practitioner=practitioner),
        ]
    return [content.message("completed_not_shared"), content.message("research_offer")]


def contact_texts(content: Content, role: str) -> list[str]:
    """What the bot says once the contact question is answered with details: thanks, then the uses question
    (matching and research, each on its own)."""
    return [
        content.message("contact_saved", practitioner=content.practitioner(role)),
        content.message(f"uses_offer_{role}"),
    ]
