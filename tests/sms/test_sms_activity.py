"""A whole activity by SMS per role against the real Rasa and action servers: answers saved verbatim, replies cheap and GSM-7."""

from __future__ import annotations

import pytest

from bot.channels.sms.keywords import channel_messages
from bot.content import gsm7, load_content
from bot.store.contact import GIVEN
from bot.store.models import FOLLOW_UP_ROLE
from tests.sms.helpers import (
    CHANNEL,
    EMPTY_TWIML,
    PROGRAMME_NUMBER,
    answers,
    handoffs,
    outbound,
    sms_after_contact,
    sms_closing,
    sms_question,
    sms_text,
)
from tests.support.activity import ABOUT, CONTACT, FACTORS, RATING_REPLIES, RATINGS, activity_script

pytestmark = [pytest.mark.e2e]
SEGMENT_TARGET = 30  # what a whole activity should cost at most (bot/cli/sms.py)
# What the whole conversation below costs, every outgoing segment counted, from the hello to the answer on the two
# uses (matching, research). Through the share answer: 27 and 25; the reply to the contact answer 2 (the uses
# question with its four answers), to the uses answer 1.
SEGMENTS = {"work_seeker": 30, "employer": 28}


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
            assert bodies == [sms_closing(role)]
        else:
            assert bodies[-1].endswith(sms_question(turn.question_id, asked_role)), (turn.text, bodies[-1])
        if turn.question_id == "review":
            assert bodies[-1].startswith(content.message("summary_title") + "\n"), bodies[-1]
    # How to reach them, in their own words (a number in them: passed on as given); then the uses question.
    for text, replies in ((CONTACT, [sms_after_contact(role)]), ("yes", [sms_text("uses_both")])):
        bodies = phone.text(text)
        assert bodies == replies, (text, bodies)
        received += bodies

    # Every answer is stored exactly as texted, on this channel, against the question it answered; a rating the
    # words stated is saved from them, with those words; the contact words come last.
    expected = []
    for asked, given in zip(script[:-1], script[1:], strict=True):
        expected.append((asked.question_id, given.text, given.value))
        factor = (asked.question_id or "").removesuffix("_reflection")
        if factor in FACTORS and factor not in RATING_REPLIES:
            expected.append((f"{factor}_rating", given.text, RATINGS[factor]))
    expected.append(("contact", CONTACT, GIVEN))
    saved = answers(sms_stack.db_url, phone.number)
    assert [(a.question_id, a.text, a.value, a.channel) for a in saved] == [(*e, CHANNEL) for e in expected]
    assert {a.question_id: a.value for a in saved if a.question_id in ABOUT[role]} == dict.fromkeys(ABOUT[role])
    assert [h.audience for h in handoffs(sms_stack.db_url, phone.number)] == [FOLLOW_UP_ROLE[role]]

    # Every outgoing body is plain GSM-7 within Twilio's limit, came from the programme's number, and the whole
    # activity costs exactly the segments counted above, within the budget; each send's segments are recorded.
    sent = sms_stack.fake.sent_to(phone.number)
    assert [m.body for m in sent] == received
    assert {m.from_ for m in sent} == {PROGRAMME_NUMBER}
    assert all(gsm7.is_gsm7(body) and len(body) <= gsm7.MAX_BODY for body in received)
    total = sum(gsm7.segments(body) for body in received)
    assert total == SEGMENTS[role] <= SEGMENT_TARGET, f"{total} segments for a whole activity"
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
    about = ABOUT["employer"]
    for text in ("hi", "yes", "Hiring", "3", about["business_name"], about["hiring_role"]):
        phone.text(text)
    paused = phone.text("pause")
    assert paused == [gsm7.to_gsm7(content.message("paused"))]  # a phone number finds its conversation again: no code
    resumed = phone.text("hello again")
    assert resumed == [
        "\n\n".join([gsm7.to_gsm7(content.message("welcome_back")), sms_question("skills_reflection", "employer")])
    ]
    assert [(a.question_id, a.text) for a in answers(sms_stack.db_url, phone.number)] == [
        ("consent", "yes"),
        ("role", "Hiring"),
        ("clarity_before", "3"),
        ("business_name", about["business_name"]),
        ("hiring_role", about["hiring_role"]),
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
