"""1,600-character and emoji messages by SMS: saved exactly as sent; every reply still plain GSM-7 within Twilio's limit."""

from __future__ import annotations

import pytest

from bot.content import gsm7, load_content
from tests.sms.helpers import answers, outbound, sms_question
from tests.support.activity import ABOUT, FACTORS

pytestmark = [pytest.mark.e2e]

# Exactly 1,600 characters, ending in a full stop (Rasa trims outer spaces from every message, on every channel).
LONG_GSM = ("I have worked in kitchens, warehouses and retail for ten years; " * 30)[:1599] + "."
LONG_EMOJI = ("Team lunches \U0001f355 and a boss who listens \U0001f44d\U0001f3fd. " * 60)[:1599] + "."
EMOJI_WORDS = "Feeling \U0001f60a about teamwork \U0001f91d \u2014 \u201cgood people\u201d matter"


def _to_first_reflection(phone) -> None:
    """To the first factor's question (its words): consent, role, clarity, confidence, the work sought."""
    for text in ("hi", "yes", "Looking for work", "2", "1", ABOUT["work_seeker"]["work_sought"]):
        phone.text(text)


@pytest.mark.parametrize("text", [LONG_GSM, LONG_EMOJI, EMOJI_WORDS], ids=["1600-gsm7", "1600-emoji", "emoji-in-words"])
def test_long_and_emoji_answers_are_saved_verbatim(sms_stack, new_phone, text: str) -> None:
    phone = new_phone()
    _to_first_reflection(phone)
    assert phone.text(text) == [sms_question("skills_rating", "work_seeker")]  # the words state no rating
    saved = answers(sms_stack.db_url, phone.number)[-1]
    assert (saved.question_id, saved.text, saved.value) == ("skills_reflection", text, None)


def test_emoji_only_message_gets_a_plain_gsm7_reply(sms_stack, new_phone) -> None:
    content = load_content()
    phone = new_phone()
    _to_first_reflection(phone)
    bodies = phone.text("\U0001f44d\U0001f44d")
    assert bodies == [
        "\n\n".join([gsm7.to_gsm7(content.message("no_words")), sms_question("skills_reflection", "work_seeker")])
    ]
    assert all(gsm7.is_gsm7(b) for b in bodies)


def test_activity_with_1600_character_emoji_answers_stays_gsm7_and_within_limits(sms_stack, new_phone) -> None:
    phone = new_phone()
    about = ABOUT["employer"]
    texts = ["hi", "yes", "Hiring", "1", about["business_name"], about["hiring_role"]]
    for rating in ("1", "2", "3", "4", "1", "2"):  # the long words state no rating: each is asked after them
        texts += [LONG_EMOJI, rating]
    texts += ["1 2", "5", LONG_EMOJI]  # priorities, clarity now, and the closing reflection
    bodies = [body for text in texts for body in phone.text(text)]
    summary = bodies[-1]
    assert summary.startswith(load_content().message("summary_title") + "\n")
    assert summary.endswith(sms_question("review", "employer"))
    assert all(gsm7.is_gsm7(b) and len(b) <= gsm7.MAX_BODY for b in bodies)
    assert gsm7.segments(summary) <= 4
    saved = answers(sms_stack.db_url, phone.number)
    assert [(a.question_id, a.value) for a in saved if a.text == LONG_EMOJI] == [
        *((f"{f}_reflection", None) for f in FACTORS),
        ("closing_reflection", None),
    ]
    assert [a.value for a in saved if a.question_id.endswith("_rating")] == [
        "strength",
        "stressor",
        "both",
        "unsure",
        "strength",
        "stressor",
    ]
    assert sum(r.segments for r in outbound(sms_stack.db_url, phone.number)) == sum(gsm7.segments(b) for b in bodies)


def test_picture_only_mms_gets_asked_again_and_saves_nothing(sms_stack, new_phone) -> None:
    content = load_content()
    phone = new_phone()
    _to_first_reflection(phone)
    bodies = phone.text("")  # an MMS with a photo and no text arrives with an empty Body
    assert bodies == [
        "\n\n".join([gsm7.to_gsm7(content.message("empty_input")), sms_question("skills_reflection", "work_seeker")])
    ]
    assert [a.question_id for a in answers(sms_stack.db_url, phone.number)] == [
        "consent",
        "role",
        "clarity_before",
        "confidence_before",
        "work_sought",
    ]
