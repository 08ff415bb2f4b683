"""1,600-character and emoji messages by SMS: saved exactly as sent; every reply still plain GSM-7 within Twilio's limit."""

from __future__ import annotations

import pytest

from bot.content import gsm7, load_content
from tests.sms.helpers import answers, outbound, sms_question

pytestmark = [pytest.mark.e2e]

# Exactly 1,600 characters, ending in a full stop (Rasa trims outer spaces from every message, on every channel).
LONG_GSM = ("I have worked in kitchens, warehouses and retail for ten years; " * 30)[:1599] + "."
LONG_EMOJI = ("Team lunches \U0001f355 and a boss who listens \U0001f44d\U0001f3fd. " * 60)[:1599] + "."
EMOJI_WORDS = "Feeling \U0001f60a about teamwork \U0001f91d \u2014 \u201cgood people\u201d matter"


def _to_first_reflection(phone) -> None:
    for text in ("hi", "yes", "Looking for work", "2", "1"):
        phone.text(text)


@pytest.mark.parametrize("text", [LONG_GSM, LONG_EMOJI, EMOJI_WORDS], ids=["1600-gsm7", "1600-emoji", "emoji-in-words"])
def test_long_and_emoji_answers_are_saved_verbatim(sms_stack, new_phone, text: str) -> None:
    phone = new_phone()
    _to_first_reflection(phone)
    assert phone.text(text) == [sms_question("capacity_rating", "work_seeker")]
    saved = answers(sms_stack.db_url, phone.number)[-1]
    assert (saved.question_id, saved.text) == ("skills_reflection", text)


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
    texts = ["hi", "yes", "Hiring", "1"]
    for rating in ("1", "2", "3", "1", "2", "3"):
        texts += [rating, LONG_EMOJI]
    texts += ["1 2", "5"]
    bodies = [body for text in texts for body in phone.text(text)]
    summary = bodies[-1]
    assert summary.startswith(load_content().message("summary_title") + "\n")
    assert summary.endswith(sms_question("review", "employer"))
    assert all(gsm7.is_gsm7(b) and len(b) <= gsm7.MAX_BODY for b in bodies)
    assert gsm7.segments(summary) <= 4
    assert [a.text for a in answers(sms_stack.db_url, phone.number) if a.question_id.endswith("_reflection")] == [
        LONG_EMOJI
    ] * 6
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
        "skills_rating",
    ]
