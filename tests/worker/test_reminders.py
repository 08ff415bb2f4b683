"""Reminders of unfinished runs, with a controllable clock: due at the right local times, none in quiet hours or on a
holiday, none after STOP, decline or completion, none on web chat, cancelled by a reply; delivered through the real
Twilio SDK to the loopback fake, and through python-telegram-bot to the fake Bot API."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import update
from sqlalchemy.orm import Session

from bot.activity.flow import ActivityFlow
from bot.activity.incoming import Incoming
from bot.content import load_content
from bot.devtools.fake_twilio import FakeTwilio
from bot.settings import get_settings, load_settings
from bot.store import outbox
from bot.store.db import session_scope
from bot.store.models import RUN_COMPLETED, ActivityRun, ChannelIdentity
from bot.store.outbox_models import OUTBOX_CANCELLED, OUTBOX_PENDING, OUTBOX_SENT
from bot.worker import reminders
from bot.worker.runner import Worker
from bot.worker.schedule import ContactRules
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import TOKEN

HALIFAX = ZoneInfo("America/Halifax")
NUMBER = "+19025550177"
CHAT = "424242"
EN = load_content("en")


def utc(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Halifax wall-clock time as the naive UTC the store keeps."""
    local = datetime(year, month, day, hour, minute, tzinfo=HALIFAX)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def twilio(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    for name, value in {
        **fake.channel_env(PROGRAMME_NUMBER),
        "REMINDER_AFTER_HOURS": "24,96",
        "REMINDER_HOURS": "9-20",
        "HOLIDAYS": "",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()


def start_run(texts: tuple[str, ...], *, channel: str = "twilio_sms", sender: str = NUMBER, at: datetime) -> int:
    """A participant's first messages, the last of them at ``at``; the run's id."""
    with session_scope() as session:
        flow = ActivityFlow(session=session, content=load_content(), settings=load_settings(), content_for=load_content)
        for text in texts:
            flow.handle(Incoming(channel=channel, sender_id=sender, text=text))
        identity = session.query(ChannelIdentity).filter_by(channel=channel, external_id=sender).one()
        run = session.query(ActivityRun).filter_by(participant_id=identity.participant_id).one()
        set_last_activity(session, run.id, at)
        return int(run.id)


def set_last_activity(session: Session, run_id: int, at: datetime) -> None:
    session.execute(update(ActivityRun).where(ActivityRun.id == run_id).values(updated_at=at))


AT_SKILLS = ("hi", "yes", "Looking for work", "2", "3", "Warehouse")  # consented; now at the skills question (1 of 6)


def reminder_rows() -> list[tuple[str, str, int]]:
    with session_scope() as session:
        return [(r.recipient_key, r.status, r.attempts) for r in outbox.messages(session=session, kinds=["reminder"])]


def test_first_reminder_a_day_later_then_a_second_after_four_days_then_none(twilio: FakeTwilio) -> None:
    last = utc(2026, 12, 7, 11)  # a Monday, 11:00 in Halifax
    start_run(AT_SKILLS, at=last)
    clock = Clock(last + timedelta(hours=23))
    worker = Worker(clock=clock)
    assert worker.run_once().planned == 0  # not a day yet
    clock.now = last + timedelta(hours=24, minutes=1)
    done = worker.run_once()
    assert (done.planned, done.sent) == (1, 1)
    assert [(m.to, m.body) for m in twilio.sent] == [(NUMBER, EN.message("reminder_factor", n=1))]
    assert "1 of 6" in twilio.sent[0].body and len(twilio.sent[0].body) <= 160
    for hours in (30, 72, 95):
        clock.now = last + timedelta(hours=hours, minutes=30)
        assert worker.run_once().planned == 0
    clock.now = last + timedelta(hours=96, minutes=1)  # Friday 11:01
    assert worker.run_once().sent == 1
    clock.now = last + timedelta(days=30)
    assert worker.run_once().planned == 0
    assert len(twilio.sent) == 2
    assert reminder_rows() == [(f"twilio_sms:{NUMBER}", OUTBOX_SENT, 1)] * 2


def test_the_worker_looks_for_quiet_runs_once_a_minute_not_on_every_pass(twilio: FakeTwilio) -> None:
    last = utc(2026, 12, 7, 11)
    start_run(AT_SKILLS, at=last)
    clock = Clock(last + timedelta(hours=23, minutes=59, seconds=30))
    worker = Worker(clock=clock)
    assert worker.run_once().planned == 0  # looked: not a day yet
    clock.now += timedelta(seconds=40)  # a day has passed, but the last look was 40 s ago
    assert worker.run_once().planned == 0 and twilio.sent == []
    clock.now += timedelta(seconds=20)  # a minute since the last look
    assert (worker.run_once().planned, len(twilio.sent)) == (1, 1)


def test_a_reminder_due_at_night_waits_for_nine_in_the_morning(twilio: FakeTwilio) -> None:
    last = utc(2026, 12, 7, 22)  # 22:00: due at 22:00 the next day, in quiet hours
    start_run(AT_SKILLS, at=last)
    clock = Clock(utc(2026, 12, 8, 22, 30))
    worker = Worker(clock=clock)
    assert worker.run_once().planned == 0
    clock.now = utc(2026, 12, 9, 8, 59)
    assert worker.run_once().planned == 0
    clock.now = utc(2026, 12, 9, 9, 0)
    assert worker.run_once().sent == 1


def test_a_reminder_planned_before_eight_pm_but_sent_after_is_postponed_to_the_morning(twilio: FakeTwilio) -> None:
    last = utc(2026, 12, 7, 19, 50)
    start_run(AT_SKILLS, at=last)
    clock = Clock(utc(2026, 12, 8, 19, 55))
    with session_scope() as session:  # planned at 19:55; the send happens on a later pass
        assert reminders.plan(session=session, now=clock.now, rules=ContactRules.from_settings(get_settings())) == 1
    clock.now = utc(2026, 12, 8, 20, 1)
    assert Worker(clock=clock, plan_reminders=False).run_once().postponed == 1
    assert twilio.sent == [] and reminder_rows() == [(f"twilio_sms:{NUMBER}", OUTBOX_PENDING, 0)]
    clock.now = utc(2026, 12, 9, 8, 0)
    assert Worker(clock=clock).run_once().handled == 0
    clock.now = utc(2026, 12, 9, 9, 0)
    assert Worker(clock=clock).run_once().sent == 1
    assert reminder_rows() == [(f"twilio_sms:{NUMBER}", OUTBOX_SENT, 1)]


def test_none_on_a_holiday(twilio: FakeTwilio, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOLIDAYS", "2026-12-25,2026-12-26")
    get_settings.cache_clear()
    start_run(AT_SKILLS, at=utc(2026, 12, 24, 10))
    worker = Worker(clock=Clock(utc(2026, 12, 25, 12)))
    assert worker.run_once().planned == 0
    worker.clock = Clock(utc(2026, 12, 26, 12))
    assert worker.run_once().planned == 0
    worker.clock = Clock(utc(2026, 12, 27, 9, 5))
    assert worker.run_once().sent == 1


def test_a_reply_after_planning_cancels_the_reminder(twilio: FakeTwilio) -> None:
    last = utc(2026, 12, 7, 11)
    run_id = start_run(AT_SKILLS, at=last)
    clock = Clock(last + timedelta(days=1, minutes=5))
    with session_scope() as session:
        reminders.plan(session=session, now=clock.now, rules=ContactRules.from_settings(get_settings()))
        set_last_activity(session, run_id, clock.now + timedelta(seconds=30))  # the person wrote meanwhile
    assert Worker(clock=Clock(clock.now + timedelta(minutes=1)), plan_reminders=False).run_once().cancelled == 1
    assert twilio.sent == [] and reminder_rows() == [(f"twilio_sms:{NUMBER}", OUTBOX_CANCELLED, 1)]


@pytest.mark.parametrize("case", ["stop", "declined", "completed", "web_chat", "never_consented"])
def test_no_reminder_after_stop_decline_completion_nor_on_web_chat_nor_before_consent(
    twilio: FakeTwilio, case: str
) -> None:
    last = utc(2026, 12, 7, 11)
    if case == "declined":
        start_run(("hi", "no"), at=last)
    elif case == "never_consented":
        start_run(("hi",), at=last)
    elif case == "web_chat":
        start_run(AT_SKILLS, channel="rest", sender="web-abc", at=last)
    else:
        run_id = start_run(AT_SKILLS, at=last)
        with session_scope() as session:
            if case == "stop":
                session.query(ChannelIdentity).filter_by(external_id=NUMBER).update({"opted_out_at": last})
            else:
                session.execute(update(ActivityRun).where(ActivityRun.id == run_id).values(status=RUN_COMPLETED))
    assert Worker(clock=Clock(last + timedelta(days=2))).run_once().planned == 0
    assert twilio.sent == []


def test_the_reminder_is_in_the_participants_language(twilio: FakeTwilio) -> None:
    last = utc(2026, 12, 7, 11)
    start_run(("Bonjour", "oui", "Je cherche du travail", "2", "3", "Entrepôt"), at=last)
    Worker(clock=Clock(last + timedelta(days=1, minutes=1))).run_once()
    assert [m.body for m in twilio.sent] == [load_content("fr").message("reminder_factor", n=1)]


@pytest.fixture
def telegram(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeBotApi]:
    fake = FakeBotApi(TOKEN).start()
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("TELEGRAM_API_BASE", fake.base_url)
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()


def test_telegram_reminder_and_a_blocked_chat(telegram: FakeBotApi) -> None:
    last = utc(2026, 12, 7, 11)
    start_run(AT_SKILLS, channel="telegram", sender=CHAT, at=last)
    start_run(AT_SKILLS, channel="telegram", sender="515151", at=last)
    telegram.block("515151")
    done = Worker(clock=Clock(last + timedelta(days=1, minutes=1))).run_once()
    assert (done.planned, done.sent, done.cancelled) == (2, 1, 1)
    assert telegram.texts(CHAT) == [EN.message("reminder_factor", n=1)]
    with session_scope() as session:
        blocked = session.query(ChannelIdentity).filter_by(channel="telegram", external_id="515151").one()
        assert blocked.blocked_at is not None


@pytest.mark.parametrize(
    ("texts", "request_text", "language"),
    [
        (AT_SKILLS, "no reminders", "en"),
        (("Bonjour", "oui", "Je cherche du travail", "2", "3", "Entrepôt"), "pas de rappels", "fr"),
    ],
)
def test_asking_for_no_reminders_stops_them_and_keeps_the_place(
    twilio: FakeTwilio, texts: tuple[str, ...], request_text: str, language: str
) -> None:
    last = utc(2026, 12, 7, 11)
    content = load_content(language)
    start_run(texts, at=last)
    with session_scope() as session:
        flow = ActivityFlow(session=session, content=load_content(), settings=load_settings(), content_for=load_content)
        replies = flow.handle(Incoming(channel="twilio_sms", sender_id=NUMBER, text=request_text)).messages
    assert replies[0].text == content.message("reminders_off")
    assert replies[1].text == content.question_text("skills_reflection", "work_seeker")
    with session_scope() as session:
        identity = session.query(ChannelIdentity).filter_by(external_id=NUMBER).one()
        assert identity.participant.reminders_off_at is not None
        run = session.query(ActivityRun).filter_by(participant_id=identity.participant_id).one()
        assert run.step_id == "skills_reflection"
        set_last_activity(session, run.id, last)
    assert Worker(clock=Clock(last + timedelta(days=5))).run_once().planned == 0
    assert twilio.sent == []
