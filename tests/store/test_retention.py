"""Retention on SQLite and PostgreSQL with a fixed clock: exactly the due participants go, from every table and from
Rasa's tracker store; the kept ones are intact; one audit entry per purge, with counts only."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store import erasure, retention
from bot.store.db import session_factory
from bot.store.models import AuditEvent
from bot.store.retention import RetentionPolicy, months_before
from tests.store.retention_world import (
    DUE_IN,
    KEPT,
    NOW,
    PURGED,
    World,
    build_world,
    every_value,
    marker,
    phone,
    traces,
    write_trackers,
)

POLICY = RetentionPolicy()  # the defaults: 12, 24 and 84 months


@dataclass
class Stack:
    """A database holding the world, and the Rasa tracker store beside it."""

    db_url: str
    tracker_url: str
    world: World

    def session(self) -> Session:
        return session_factory(self.db_url)()

    def everything(self) -> str:
        same = self.tracker_url == self.db_url
        return every_value(self.db_url) + ("" if same else "\n" + every_value(self.tracker_url))

    def tracker_rows(self, senders: list[str]) -> int:
        engine = create_engine(self.tracker_url, future=True)
        try:
            with engine.connect() as connection:
                rows = connection.execute(text("SELECT sender_id FROM events")).scalars().all()
        finally:
            engine.dispose()
        return sum(1 for sender in rows if sender in senders)


def _drop_events(url: str) -> None:
    engine = create_engine(url, future=True)
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE IF EXISTS events"))
    engine.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def stack(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Stack]:
    """SQLite with the tracker in a file of its own, or PostgreSQL with `events` in the same database (production)."""
    if request.param == "sqlite":
        db_url = request.getfixturevalue("db_url")
        tracker_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    else:
        db_url = tracker_url = request.getfixturevalue("pg")
    with session_factory(db_url)() as session:
        world = build_world(session)
    write_trackers(tracker_url, world)
    yield Stack(db_url, tracker_url, world)
    if request.param != "sqlite":
        _drop_events(tracker_url)  # the pg fixture empties only our own tables


def _purges(session: Session) -> list[AuditEvent]:
    statement = select(AuditEvent).where(AuditEvent.action == retention.PURGE_ACTION)
    return list(session.execute(statement).scalars())


def test_purge_erases_exactly_the_due_participants_from_every_table_and_the_tracker(stack: Stack) -> None:
    world = stack.world
    purged_senders = [s for name in PURGED for s in world.senders[name]]
    tracker_before = stack.tracker_rows(purged_senders)
    with stack.session() as session:
        kept_before = {
            n: erasure.participant_row_counts(session=session, participant_id=world.participant_ids[n]) for n in KEPT
        }
        expected_rows: dict[str, int] = {}
        for name in PURGED:
            for table, count in erasure.participant_row_counts(
                session=session, participant_id=world.participant_ids[name]
            ).items():
                expected_rows[table] = expected_rows.get(table, 0) + count
    assert tracker_before == 2 * len(purged_senders) and sorted(traces(stack.everything(), world, PURGED)) != []

    went = retention.purge(policy=POLICY, now=NOW, tracker_url=stack.tracker_url, database_url=stack.db_url)

    assert went.participant_ids == world.ids(PURGED)
    assert went.rows == expected_rows
    assert (went.sender_ids, went.tracker_events, went.audit_events) == (len(purged_senders), tracker_before, 1)
    everything = stack.everything()
    assert traces(everything, world, PURGED) == []
    for name in KEPT:
        assert marker(name) in everything and phone(name) in everything, name
    assert stack.tracker_rows(purged_senders) == 0
    with stack.session() as session:
        assert {
            n: erasure.participant_row_counts(session=session, participant_id=world.participant_ids[n]) for n in KEPT
        } == kept_before
        (entry,) = _purges(session)
        assert (entry.practitioner_id, entry.subject_type, entry.created_at) == (None, "retention", NOW)
        assert entry.subject_id == (
            f"participants:{len(PURGED)} rows:{sum(expected_rows.values())} events:{tracker_before} audit:1"
        )
        held = repr((entry.action, entry.subject_type, entry.subject_id))
        assert traces(held, world, PURGED) == []
        assert not any(world.public_ids[name] in held for name in PURGED)
        # the audit row older than 84 months went; the one of 26 months stays, ids only
        others = session.execute(select(AuditEvent.created_at).where(AuditEvent.action == "summary_viewed")).scalars()
        assert list(others) == [months_before(NOW, 26)]


def test_dry_run_plans_exactly_what_the_purge_removes_and_changes_nothing(stack: Stack) -> None:
    before = stack.everything()
    with stack.session() as session:
        planned = retention.plan(session=session, now=NOW, policy=POLICY, tracker_url=stack.tracker_url)
        session.rollback()
    assert stack.everything() == before
    went = retention.purge(policy=POLICY, now=NOW, tracker_url=stack.tracker_url, database_url=stack.db_url)
    assert planned == went
    assert planned.participant_ids == stack.world.ids(PURGED)


def test_a_purge_in_batches_erases_the_same_and_keeps_one_audit_entry(stack: Stack) -> None:
    with stack.session() as session:
        planned = retention.plan(session=session, now=NOW, policy=POLICY, tracker_url=stack.tracker_url)
    went = retention.purge(policy=POLICY, now=NOW, tracker_url=stack.tracker_url, database_url=stack.db_url, batch=1)
    assert went == planned
    with stack.session() as session:
        (entry,) = _purges(session)
        assert entry.subject_id == went.audit_text()
    again = retention.purge(policy=POLICY, now=NOW, tracker_url=stack.tracker_url, database_url=stack.db_url)
    assert (again.participant_ids, again.tracker_events, again.audit_events) == ([], 0, 0)
    with stack.session() as session:
        assert [e.subject_id for e in _purges(session)] == [went.audit_text(), "participants:0 rows:0 events:0 audit:0"]


@pytest.mark.parametrize("name", sorted(DUE_IN))
def test_each_kept_participant_becomes_due_exactly_at_the_end_of_its_period(db_url: str, name: str) -> None:
    """The reason each is kept is the one the case names: its own period ends at NOW + DUE_IN months, not before."""
    with session_factory(db_url)() as session:
        world = build_world(session)
        due_at = months_before(NOW, -DUE_IN[name])
        just_before = retention.plan(session=session, now=due_at - timedelta(minutes=1), policy=POLICY)
        at = retention.plan(session=session, now=due_at, policy=POLICY)
    assert world.participant_ids[name] not in just_before.participant_ids
    assert world.participant_ids[name] in at.participant_ids


def test_without_a_tracker_store_the_purge_says_so_and_still_erases(db_url: str) -> None:
    with session_factory(db_url)() as session:
        world = build_world(session)
    went = retention.purge(policy=POLICY, now=NOW, tracker_url=None, database_url=db_url)
    assert (went.participant_ids, went.tracker_events) == (world.ids(PURGED), None)
    assert went.audit_text().endswith(" events:- audit:1")


@pytest.mark.parametrize(
    ("moment", "months", "expected"),
    [
        (datetime(2030, 6, 15, 12), 12, datetime(2029, 6, 15, 12)),
        (datetime(2030, 3, 31, 8), 1, datetime(2030, 2, 28, 8)),
        (datetime(2032, 3, 31), 1, datetime(2032, 2, 29)),
        (datetime(2030, 1, 10), 84, datetime(2023, 1, 10)),
        (datetime(2030, 11, 30), -3, datetime(2031, 2, 28)),
    ],
)
def test_months_are_calendar_months(moment: datetime, months: int, expected: datetime) -> None:
    assert months_before(moment, months) == expected


def test_the_policy_comes_from_the_settings(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {
        "RETENTION_UNFINISHED_MONTHS": "6",
        "RETENTION_COMPLETED_MONTHS": "36",
        "RETENTION_AUDIT_MONTHS": "120",
    }.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    try:
        assert RetentionPolicy.from_settings() == RetentionPolicy(6, 36, 120)
        monkeypatch.setenv("RETENTION_COMPLETED_MONTHS", "0")
        get_settings.cache_clear()
        with pytest.raises(ValueError, match="retention_completed_months"):
            get_settings()
    finally:
        get_settings.cache_clear()


@pytest.mark.postgres
def test_only_one_process_holds_the_purge_lock_on_postgresql(pg: str) -> None:
    with retention.purge_lock(pg) as first:
        with retention.purge_lock(pg) as second:
            assert (first, second) == (True, False)
    with retention.purge_lock(pg) as later:
        assert later is True
