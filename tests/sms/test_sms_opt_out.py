"""STOP-style keywords opt out at once, START/UNSTOP opt back in, the same words inside sentences are answers; 21610."""

from __future__ import annotations

import pytest

from bot.channels.sms.keywords import channel_messages
from bot.channels.sms.signing import inbound_params, post, sign
from bot.content import gsm7, load_content
from tests.sms.helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    PROGRAMME_NUMBER,
    answers,
    identity,
    is_opted_out,
    outbound,
    sms_after_consent,
    sms_question,
)
from tests.support.activity import ABOUT

pytestmark = [pytest.mark.e2e]

OPT_OUT_MESSAGES = [
    "STOP",
    "stop",
    "  Stop ",
    "Stop.",
    "STOPALL",
    "stopall",
    "UNSUBSCRIBE",
    "Unsubscribe",
    "CANCEL",
    "cancel",
    "END",
    "End",
    "QUIT",
    "quit!",
]
OPT_IN_MESSAGES = ["START", "start", "UNSTOP", "Unstop"]
SENTENCES = [
    "I need to stop working nights",
    "stop and go traffic makes me late, so somewhere close",
    "I would stopall overtime if I could",
    "Please do not unsubscribe me from learning new tools",
    "I had to cancel my last course",
    "Working until the end of a project",
    "I will not quit on a team",
    "I want to start using my welding ticket",
    "unstop my career, basically",
    "help people, that is what I like",
    "info sessions about the job help me",
]


def _to_first_reflection(phone) -> None:
    """To the first factor's question (its words): consent, role, clarity, confidence, the work sought."""
    for text in ("hi", "yes", "Looking for work", "2", "1", ABOUT["work_seeker"]["work_sought"]):
        phone.text(text)


@pytest.mark.parametrize("keyword", OPT_OUT_MESSAGES)
def test_opt_out_keyword_as_whole_message_stops_everything(sms_stack, new_phone, keyword: str) -> None:
    phone = new_phone()
    phone.text("hi")
    calls_before = len(sms_stack.fake.attempts)
    assert phone.text(keyword) == []
    assert is_opted_out(sms_stack.db_url, phone.number)
    # Nothing is processed or sent afterwards, whatever is texted (HELP included), until an opt-in keyword.
    for later in ("yes", "HELP", "Looking for work"):
        assert phone.text(later) == []
    assert len(sms_stack.fake.attempts) == calls_before
    assert answers(sms_stack.db_url, phone.number) == []
    assert len(outbound(sms_stack.db_url, phone.number)) == 1  # the greeting before the STOP


@pytest.mark.parametrize("keyword", OPT_IN_MESSAGES)
def test_opt_in_keyword_after_stop_resubscribes(sms_stack, new_phone, keyword: str) -> None:
    phone = new_phone()
    phone.text("hi")
    phone.text("STOP")
    assert phone.text(keyword) == [channel_messages()["opted_in"]]
    assert not is_opted_out(sms_stack.db_url, phone.number)
    assert answers(sms_stack.db_url, phone.number) == []
    assert phone.text("yes") == [sms_after_consent()]
    assert [a.text for a in answers(sms_stack.db_url, phone.number)] == ["yes"]


def test_start_from_a_new_number_begins_the_activity(sms_stack, new_phone) -> None:
    content = load_content()
    phone = new_phone()
    bodies = phone.text("START")
    assert len(bodies) == 1 and bodies[0].startswith(gsm7.to_gsm7(content.message("intro_1")))
    assert bodies[0].endswith(sms_question("consent", None))


@pytest.mark.parametrize("sentence", SENTENCES)
def test_keywords_inside_a_sentence_are_answers(sms_stack, new_phone, sentence: str) -> None:
    phone = new_phone()
    _to_first_reflection(phone)
    replies = phone.text(sentence)
    content = load_content()
    if replies != [sms_question("skills_rating", "work_seeker")]:
        # Checked once, never eaten: "Is that your answer?" (YES saves it) or "Do you want to ...?" (NO saves it).
        asked = replies[0]
        assert asked.startswith(content.message("confirm_answer")) or asked.startswith(
            content.message("confirm_request", action="")[:15]
        ), asked
        replies = phone.text("yes" if asked.startswith(content.message("confirm_answer")) else "no")
    assert replies == [sms_question("skills_rating", "work_seeker")]  # none of the sentences states a rating
    assert not is_opted_out(sms_stack.db_url, phone.number)
    saved = answers(sms_stack.db_url, phone.number)
    assert (saved[-1].question_id, saved[-1].text, saved[-1].channel) == ("skills_reflection", sentence, "twilio_sms")


def test_twilio_opt_out_type_is_honoured_for_custom_keywords(sms_stack, new_phone) -> None:
    phone = new_phone()
    phone.text("hi")
    # Twilio's Advanced Opt-Out adds OptOutType when a message matched one of the account's own keywords.
    params = {
        **inbound_params(account_sid=ACCOUNT_SID, from_number=phone.number, to_number=PROGRAMME_NUMBER, body="ARRET"),
        "OptOutType": "STOP",
    }
    assert post(sms_stack.webhook_url, params, sign(sms_stack.webhook_url, params, AUTH_TOKEN)).status == 200
    assert is_opted_out(sms_stack.db_url, phone.number)


def test_unsubscribed_error_21610_marks_the_sender_opted_out(sms_stack, new_phone) -> None:
    phone = new_phone()
    sms_stack.fake.unsubscribed.add(phone.number)  # they texted STOP to the carrier, not to us
    try:
        assert phone.text("hi") == []
        assert is_opted_out(sms_stack.db_url, phone.number)
        rows = outbound(sms_stack.db_url, phone.number)
        assert [(r.segments, r.status, r.provider_id) for r in rows] == [(0, "unsubscribed", None)]
        refused = [a for a in sms_stack.fake.attempts if a.to == phone.number]
        assert [(a.status, a.code) for a in refused] == [(400, 21610)]
        # Later texts are not processed and nothing more is attempted.
        assert phone.text("yes") == []
        assert len([a for a in sms_stack.fake.attempts if a.to == phone.number]) == 1
        assert [a.question_id for a in answers(sms_stack.db_url, phone.number)] == []
    finally:
        sms_stack.fake.unsubscribed.discard(phone.number)
    assert phone.text("START") == [channel_messages()["opted_in"]]
    assert identity(sms_stack.db_url, phone.number).opted_out_at is None
