"""A whole activity by SMS per role against the real Rasa and action servers: answers saved verbatim, replies cheap and GSM-7."""

from __future__ import annotations

import pytest

from bot.channels.sms.keywords import channel_messages
from bot.content import gsm7, load_content
from bot.store.models import FOLLOW_UP_ROLE
from tests.sms.helpers import (
    CHANNEL,
    EMPTY_TWIML,
    PROGRAMME_NUMBER,
    answers,
    handoffs,
    outbound,
    sms_closing,
    sms_question,
)
from tests.support.activity import activity_script

pytestmark = [pytest.mark.e2e]
SEGMENT_TARGET = 30


@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_whole_activity_by_sms(sms_stack, new_phone, role: str) -> None:
    content = load_content()
    phone = new_phone()
    script = activity_script(role)
    received: list[str] = []
    asked_role = None
    for turn in script:
        bodies = phone.text(turn.text)
        assert phone.last_reply.content_type.startswith("text/xml") and phone.last_reply.body == EMPTY_TWIML
        assert bodies, f"no SMS back for {turn.text!r}"
        received += bodies
        if turn.question_id == "clarity_before":
            asked_role = role
        if turn.question_id is None:
            assert bodies[-1] == sms_closing(role)
        else:
            assert bodies[-1].endswith(sms_question(turn.question_id, asked_role)), (turn.text, bodies[-1])
        if turn.question_id == "review":
            assert bodies[-1].startswith(content.message("summary_title") + "\n"), bodies[-1]

    # Every answer is stored exactly as texted, on this channel, against the question it answered.
    saved = answers(sms_stack.db_url, phone.number)
    expected = [(asked.question_id, given.text, CHANNEL) for asked, given in zip(script[:-1], script[1:], strict=True)]
    assert [(a.question_id, a.text, a.channel) for a in saved] == expected
    assert [a.value for a in saved if a.value is not None] == [t.value for t in script[1:] if t.value is not None]
    assert [h.audience for h in handoffs(sms_stack.db_url, phone.number)] == [FOLLOW_UP_ROLE[role]]

    # Every outgoing body is plain GSM-7 within Twilio's limit, came from the programme's number, and the whole
    # activity stays within the segment budget; each send's segments are recorded.
    sent = sms_stack.fake.sent_to(phone.number)
    assert [m.body for m in sent] == received
    assert {m.from_ for m in sent} == {PROGRAMME_NUMBER}
    assert all(gsm7.is_gsm7(body) and len(body) <= gsm7.MAX_BODY for body in received)
    total = sum(gsm7.segments(body) for body in received)
    assert total <= SEGMENT_TARGET, f"{total} segments for a whole activity"
    rows = outbound(sms_stack.db_url, phone.number)
    assert [(r.provider_id, r.characters, r.segments, r.status) for r in rows] == [
        (m.sid, len(m.body), gsm7.segments(m.body), "sent") for m in sent
    ]


def test_one_reply_per_turn_joins_the_bots_messages(sms_stack, new_phone) -> None:
    content = load_content()
    phone = new_phone()
    bodies = phone.text("hello")
    intro = [gsm7.to_gsm7(content.plain_message(key)) for key in ("intro_1", "intro_2")]
    assert bodies == ["\n\n".join([*intro, sms_question("consent", None)])]


def test_pause_then_text_again_later_continues_where_it_stopped(sms_stack, new_phone) -> None:
    content = load_content()
    phone = new_phone()
    for text in ("hi", "yes", "Hiring", "3", "2"):
        phone.text(text)
    paused = phone.text("pause")
    assert paused == [gsm7.to_gsm7(content.message("paused"))]  # a phone number finds its conversation again: no code
    resumed = phone.text("hello again")
    assert resumed == [
        "\n\n".join([gsm7.to_gsm7(content.message("welcome_back")), sms_question("skills_reflection", "employer")])
    ]
    assert [a.question_id for a in answers(sms_stack.db_url, phone.number)] == [
        "consent",
        "role",
        "clarity_before",
        "skills_rating",
    ]


def test_help_keyword_reply_is_the_channels_wording_then_the_question_again(sms_stack, new_phone) -> None:
    assert new_phone().text("HELP") == [channel_messages()["help"]]  # nobody to help with a question yet
    phone = new_phone()
    phone.text("hi")
    for keyword in ("HELP", "info"):
        bodies = phone.text(keyword)
        assert bodies[0].startswith(channel_messages()["help"] + "\n\n"), keyword
        assert bodies[-1].endswith(sms_question("consent", None)), keyword
    assert answers(sms_stack.db_url, phone.number) == []
    # A question mark still gets the activity's own help for the current question.
    help_reply = phone.text("?")
    assert len(help_reply) == 1 and help_reply[0].endswith(sms_question("consent", None))
