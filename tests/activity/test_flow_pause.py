"""Pause and resume: resume codes across channels (single use, expiry, wrong codes) and welcome back after a long idle."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Callable

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.activity.resume_codes import RESUME_CODE_DAYS
from bot.content.model import Content
from bot.store import repository as repo
from bot.store.db import session_factory
from bot.store.models import RUN_ACTIVE, RUN_PAUSED, ChannelIdentity, Participant, ResumeCode
from tests.activity.conftest import Chat, Clock, acknowledged, count, message, question
from tests.support.activity import drive

CODE = re.compile(
    r"^To continue on another device, send this code there: ([BCDFGHJKLMNPQRSTVWXZ]{4})-(\d{3}) \(works once, for 7 days\)\.$"
)


def pause(chat: Chat, content: Content) -> str:
    """Pause the chat and return the resume code it was given."""
    outcome = chat.say("Can we pause please?")
    assert outcome.messages[0] == message(content, "paused")
    assert len(outcome.messages) == 2
    found = CODE.match(outcome.messages[1].text)
    assert found, outcome.messages[1].text
    code = f"{found.group(1)}-{found.group(2)}"
    assert outcome.messages[1] == message(content, "resume_code", code=code, days=RESUME_CODE_DAYS)
    return code


def test_pause_saves_the_state_and_stores_only_a_hash_of_the_code(chat: Chat, content: Content, clock: Clock) -> None:
    drive(chat, "capacity_reflection")
    code = pause(chat, content)
    run = chat.run()
    assert (run.status, run.step_id, run.paused_at) == (RUN_PAUSED, "capacity_reflection", clock.now)
    stored = chat.session.execute(select(ResumeCode)).scalar_one()
    letters, digits = code.split("-")
    assert stored.code_hash == chat.flow.code_hash(letters, digits) and re.fullmatch(r"[0-9a-f]{64}", stored.code_hash)
    plain = {code, f"{letters}{digits}", code.lower(), f"{letters}{digits}".lower()}
    assert not [
        c.name for c in ResumeCode.__table__.columns if str(getattr(stored, c.name)) in plain
    ]  # single use: test_a_code_works_once
    assert stored.participant_id == chat.identity().participant_id
    assert stored.expires_at == clock.now + timedelta(days=7) and stored.used_at is None


def test_pause_on_sms_gives_no_code(new_chat: Callable[..., Chat], content: Content) -> None:
    sms = new_chat("+19025550123", channel="twilio_sms")
    drive(sms, "pay_rating")
    assert sms.say("pause").messages == [message(content, "paused")]
    assert count(sms.session, ResumeCode) == 0


@pytest.mark.parametrize("text", ["hi", "I'm back", "what was I doing?"])
def test_any_message_resumes_a_paused_run_at_the_same_question(chat: Chat, content: Content, text: str) -> None:
    drive(chat, "pay_rating", "employer")
    pause(chat, content)
    assert chat.say(text).messages == [message(content, "welcome_back"), question(content, "pay_rating", "employer")]
    run = chat.run()
    assert (run.status, run.paused_at) == (RUN_ACTIVE, None)
    assert "pay_rating" not in chat.current()


@pytest.mark.parametrize(("text", "value"), [("3", "both"), ("stressor", "stressor")])
def test_an_answer_sent_while_paused_is_saved_as_the_answer(
    chat: Chat, content: Content, text: str, value: str
) -> None:
    drive(chat, "pay_rating", "employer")
    pause(chat, content)
    assert chat.say(text).messages == [
        message(content, "welcome_back"),
        question(content, "arrangements_reflection", "employer"),
    ]
    assert (chat.current()["pay_rating"].value, chat.current()["pay_rating"].text, chat.run().status) == (
        value,
        text,
        RUN_ACTIVE,
    )


def test_a_paused_run_survives_a_new_engine_and_session(chat: Chat, content: Content, make_flow, db_url: str) -> None:
    drive(chat, "values_rating")
    pause(chat, content)
    chat.session.commit()
    fresh: Session = session_factory(db_url)()
    try:
        again = Chat(make_flow(on=fresh), sender_id=chat.sender_id)
        assert again.say("hello").messages == [
            message(content, "welcome_back"),
            question(content, "values_rating", "work_seeker"),
        ]
        assert again.say("2").messages == [question(content, "culture_reflection", "work_seeker")]
        fresh.commit()
    finally:
        fresh.close()


def test_redeeming_the_code_on_another_channel_resumes_the_paused_run(
    chat: Chat, new_chat: Callable[..., Chat], content: Content
) -> None:
    drive(chat, "culture_rating")
    code = pause(chat, content)
    telegram = new_chat("tg-777", channel="telegram")
    assert telegram.say(code).messages == [
        message(content, "resume_code_ok"),
        question(content, "culture_rating", "work_seeker"),
    ]
    assert chat.run().status == RUN_ACTIVE and chat.run().paused_at is None
    assert chat.session.execute(select(ResumeCode)).scalar_one().used_at is not None


def test_after_redeeming_a_code_the_new_device_continues_the_same_run(
    chat: Chat, new_chat: Callable[..., Chat], content: Content
) -> None:
    drive(chat, "culture_rating")
    code = pause(chat, content)
    owner = chat.identity().participant_id
    telegram = new_chat("tg-777", channel="telegram")
    telegram.say(code)
    moved = telegram.session.execute(
        select(ChannelIdentity).where(ChannelIdentity.channel == "telegram")
    ).scalar_one_or_none()
    assert moved is not None and moved.participant_id == owner

    assert telegram.say("Both").messages == [question(content, "priorities", "work_seeker")]
    saved = telegram.current()["culture_rating"]
    assert (saved.value, saved.channel, telegram.run().id) == ("both", "telegram", chat.run().id)
    assert count(telegram.session, Participant) == 1  # the placeholder participant made for tg-777 is gone


@pytest.mark.parametrize(
    "variant",
    [str.lower, lambda c: c.replace("-", " "), lambda c: "code: " + c, lambda c: f"  {c.lower().replace('-', '')}  "],
)
def test_code_variants_are_accepted(chat: Chat, new_chat: Callable[..., Chat], content: Content, variant) -> None:
    drive(chat, "skills_rating")
    code = pause(chat, content)
    other = new_chat("web-abc")
    assert other.say(variant(code)).messages[0] == message(content, "resume_code_ok")


def test_a_code_works_once(chat: Chat, new_chat: Callable[..., Chat], content: Content) -> None:
    drive(chat, "skills_rating")
    code = pause(chat, content)
    assert new_chat("web-first").say(code).messages[0] == message(content, "resume_code_ok")
    second = new_chat("web-second")
    assert second.say(code).messages == [message(content, "resume_code_bad")]
    assert second.identity().participant_id != chat.identity().participant_id


def test_an_expired_code_is_refused(new_chat: Callable[..., Chat], make_flow, content: Content) -> None:
    eight_days_ago = Clock()
    eight_days_ago.advance(days=-8)
    old = Chat(make_flow(now=eight_days_ago), sender_id="web-old")
    drive(old, "pay_rating")
    code = pause(old, content)
    late = new_chat("web-late")
    assert late.say(code).messages == [message(content, "resume_code_bad")]
    assert late.identity().participant_id != old.identity().participant_id
    assert old.session.execute(select(ResumeCode)).scalar_one().used_at is None


def test_a_wrong_code_reveals_nothing_and_moves_no_one(
    chat: Chat, new_chat: Callable[..., Chat], content: Content
) -> None:
    drive(chat, "pay_rating")
    pause(chat, content)
    stranger = new_chat("web-stranger")
    assert stranger.say("ZZZZ-999").messages == [message(content, "resume_code_bad")]
    assert stranger.identity().participant_id != chat.identity().participant_id
    assert repo.latest_run(session=stranger.session, participant=stranger.identity().participant) is None
    assert chat.run().status == RUN_PAUSED
    assert chat.session.execute(select(ResumeCode)).scalar_one().used_at is None


def test_a_wrong_code_mid_activity_asks_the_question_again(chat: Chat, content: Content) -> None:
    drive(chat, "skills_rating")
    assert chat.say("BCDF-123").messages == [
        message(content, "resume_code_bad"),
        question(content, "skills_rating", "work_seeker"),
    ]
    assert "skills_rating" not in chat.current()


@pytest.mark.parametrize("answer", ["need 400", "Rent 950", "over 100", "work-100", "Code 123"])
def test_an_answer_that_looks_like_a_code_is_saved(chat: Chat, content: Content, answer: str) -> None:
    drive(chat, "pay_reflection")
    assert chat.say(answer).messages == [
        acknowledged(content, "pay_reflection"),
        question(content, "pay_rating", "work_seeker"),
    ]
    assert chat.current()["pay_reflection"].text == answer


# ---- welcome back after a long idle ---------------------------------------------------------------


def test_a_greeting_after_more_than_an_hour_idle_welcomes_back(chat: Chat, content: Content, clock: Clock) -> None:
    drive(chat, "capacity_rating")
    clock.advance(hours=1, minutes=1)
    assert chat.say("Hello").messages == [
        message(content, "welcome_back"),
        question(content, "capacity_rating", "work_seeker"),
    ]


def test_a_greeting_within_the_hour_just_repeats_the_question(chat: Chat, content: Content, clock: Clock) -> None:
    drive(chat, "capacity_rating")
    clock.advance(minutes=59)
    assert chat.say("hi").messages == [question(content, "capacity_rating", "work_seeker")]


def test_a_greeting_is_not_saved_as_an_answer(chat: Chat, content: Content, clock: Clock) -> None:
    drive(chat, "capacity_reflection")
    clock.advance(days=2)
    assert chat.say("hi").messages == [
        message(content, "welcome_back"),
        question(content, "capacity_reflection", "work_seeker"),
    ]
    assert "capacity_reflection" not in chat.current()


def test_paused_at_uses_the_engine_clock(chat: Chat, content: Content, clock: Clock) -> None:
    drive(chat, "skills_rating")
    clock.advance(hours=5)
    pause(chat, content)
    assert chat.run().paused_at == clock.now
    assert chat.session.execute(select(ResumeCode)).scalar_one().expires_at == clock.now + timedelta(
        days=RESUME_CODE_DAYS
    )
