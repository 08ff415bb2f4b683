"""The worker's daily retention purge with a controllable clock: from 03:00 Halifax time, once a day whichever worker
asks, never while another holds the lock (PostgreSQL), and a failure never stops the outbox or logs a sender."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, timezone
from typing import Iterator
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import func, select

from bot.settings import get_settings
from bot.store import migrate, retention
from bot.store.db import session_factory
from bot.store.models import AuditEvent, Participant
from bot.worker import retention_job
from bot.worker.retention_job import RetentionJob
from bot.worker.runner import Worker
from tests.postgres_support import postgres_url
from tests.store.retention_world import CASES, NOW, PURGED, build_world

HALIFAX = ZoneInfo("America/Halifax")
pg_url = postgres_url()


def halifax(year: int, month: int, day: int, hour: int, minute: int = 0) -> datetime:
    """A Halifax wall-clock time as the naive UTC the store keeps."""
    local = datetime(year, month, day, hour, minute, tzinfo=HALIFAX)
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def _job() -> RetentionJob:
    """A worker's job that asks the database at every call (no in-process pause between checks)."""
    made = RetentionJob.from_settings()
    made.check_every = timedelta(0)
    return made


def participants(url: str) -> int:
    with session_factory(url)() as session:
        return int(session.execute(select(func.count()).select_from(Participant)).scalar_one())


def purges(url: str) -> list[datetime]:
    with session_factory(url)() as session:
        statement = select(AuditEvent.created_at).where(AuditEvent.action == retention.PURGE_ACTION)
        return list(session.execute(statement.order_by(AuditEvent.id)).scalars())


@pytest.mark.parametrize(
    ("now", "slot"),
    [
        (halifax(2030, 6, 15, 2, 59), halifax(2030, 6, 14, 3)),
        (halifax(2030, 6, 15, 3), halifax(2030, 6, 15, 3)),
        (halifax(2030, 6, 15, 23, 59), halifax(2030, 6, 15, 3)),
        (halifax(2030, 1, 10, 3, 30), datetime(2030, 1, 10, 7)),  # AST: UTC-4
        (halifax(2030, 7, 10, 3, 30), datetime(2030, 7, 10, 6)),  # ADT: UTC-3
    ],
)
def test_the_days_purge_starts_at_three_in_the_morning_halifax_time(now: datetime, slot: datetime) -> None:
    assert RetentionJob(retention.RetentionPolicy(), HALIFAX, 3).slot(now) == slot


def test_the_purge_runs_once_a_day_whichever_worker_asks(db_url: str) -> None:
    with session_factory(db_url)() as session:
        build_world(session)
    first, second = _job(), _job()  # two workers
    morning = halifax(2030, 6, 15, 9)
    assert NOW == morning  # the world's clock

    done = first.run_if_due(morning)
    assert done is not None and len(done.participant_ids) == len(PURGED)
    assert second.run_if_due(morning + timedelta(minutes=1)) is None
    assert first.run_if_due(halifax(2030, 6, 16, 2, 59)) is None
    assert participants(db_url) == len(CASES) - len(PURGED)
    assert second.run_if_due(halifax(2030, 6, 16, 3)) is not None
    assert purges(db_url) == [morning, halifax(2030, 6, 16, 3)]


def test_between_checks_the_worker_does_not_ask_the_database(db_url: str) -> None:
    paced = RetentionJob.from_settings()
    assert paced.check_every == retention_job.CHECK_EVERY == timedelta(minutes=5)
    assert paced.run_if_due(NOW) is not None
    with session_factory(db_url)() as session:
        session.execute(AuditEvent.__table__.delete())  # as if no purge had run today
        session.commit()
    assert paced.run_if_due(NOW + timedelta(minutes=4)) is None
    assert paced.run_if_due(NOW + timedelta(minutes=5)) is not None


def test_the_worker_purges_in_its_pass_unless_told_not_to(db_url: str) -> None:
    with session_factory(db_url)() as session:
        build_world(session)
    assert Worker(clock=lambda: NOW, plan_reminders=False, retention=False).run_once().purged == 0
    assert participants(db_url) == len(CASES)
    assert Worker(clock=lambda: NOW, plan_reminders=False).run_once().purged == len(PURGED)
    assert participants(db_url) == len(CASES) - len(PURGED)


def test_a_failed_purge_is_logged_by_type_only_and_the_pass_goes_on(
    db_url: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    def fail(**_kwargs: object) -> retention.Tally:
        raise RuntimeError("tracker refused sender +19025550199 'my words'")

    monkeypatch.setattr(retention, "purge", fail)
    with caplog.at_level(logging.INFO):
        assert _job().tick(NOW) == 0
    assert "retention purge failed (RuntimeError)" in caplog.text
    assert "+19025550199" not in caplog.text and "my words" not in caplog.text


@pytest.fixture
def pg_worker_db(pg_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A PostgreSQL database at head that the worker's settings point at."""
    migrate.upgrade(pg_url)
    monkeypatch.setenv("DATABASE_URL", pg_url)
    get_settings.cache_clear()
    yield pg_url
    get_settings.cache_clear()


@pytest.mark.postgres
def test_on_postgresql_a_worker_does_nothing_while_another_holds_the_lock(pg_worker_db: str) -> None:
    with session_factory(pg_worker_db)() as session:
        build_world(session)
    with retention.purge_lock(pg_worker_db) as held:
        assert held
        assert _job().run_if_due(NOW) is None
        assert participants(pg_worker_db) == len(CASES) and purges(pg_worker_db) == []
    done = _job().run_if_due(NOW)
    assert done is not None and len(done.participant_ids) == len(PURGED)
    assert _job().run_if_due(NOW) is None
    assert purges(pg_worker_db) == [NOW]
