"""`python -m bot retention [--dry-run]` run as a real subprocess against a migrated SQLite file and a Rasa tracker."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.settings import REPO_ROOT
from bot.store import erasure, migrate
from bot.store.db import session_factory
from tests.postgres_support import postgres_url
from tests.store.retention_world import (
    CASES,
    KEPT,
    NOW,
    PURGED,
    World,
    build_world,
    every_value,
    traces,
    write_trackers,
)

PYTHON = REPO_ROOT / ".venv" / "bin" / "python"
AT = "--now=2030-06-15T12:00:00Z"  # the world's NOW


@pytest.fixture
def world(db_url: str, session: Session, tmp_path: Path) -> tuple[World, str]:
    """The retention world committed in the test database, its conversations in a tracker file; the tracker URL."""
    built = build_world(session)
    session.close()
    tracker_url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    write_trackers(tracker_url, built)
    return built, tracker_url


def run_cli(db_url: str, tracker_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": db_url, "TRACKER_DATABASE_URL": tracker_url}
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    return subprocess.run(
        [str(python), "-m", "bot", *args],
        cwd=REPO_ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def expected_rows(db_url: str, world: World) -> dict[str, int]:
    """Per table, the rows of the participants who are due (counted before anything runs)."""
    totals: dict[str, int] = {}
    with session_factory(db_url)() as session:
        for name in PURGED:
            counts = erasure.participant_row_counts(session=session, participant_id=world.participant_ids[name])
            for table, count in counts.items():
                totals[table] = totals.get(table, 0) + count
    return totals


def table_of(stdout: str, heading: str) -> dict[str, str]:
    """The printed table as {row name: number}, checked to start with its header line."""
    lines = stdout.splitlines()
    start = next(i for i, line in enumerate(lines) if re.fullmatch(rf"table\s+{heading}", line))
    return dict(re.fullmatch(r"(.+?)\s{2,}(\S.*)", line).groups() for line in lines[start + 1 :])


def test_dry_run_prints_what_would_go_and_changes_nothing(world: tuple[World, str], db_url: str) -> None:
    built, tracker_url = world
    rows = expected_rows(db_url, built)
    before = every_value(db_url) + every_value(tracker_url)

    result = run_cli(db_url, tracker_url, "retention", "--dry-run", AT)

    assert result.returncode == 0, result.stderr
    assert f"Dry run: {len(PURGED)} participants would be erased; nothing was changed." in result.stdout
    senders = sum(len(built.senders[name]) for name in PURGED)
    assert table_of(result.stdout, "would go") == {
        **{table: str(count) for table, count in rows.items()},
        "events (Rasa tracker)": str(2 * senders),
        "tracker conversations (sender ids)": str(senders),
        "audit_events (past the audit period)": "1",
    }
    assert every_value(db_url) + every_value(tracker_url) == before
    assert traces(result.stdout + result.stderr, built, CASES) == []


def test_the_real_run_erases_them_everywhere_and_prints_what_went(world: tuple[World, str], db_url: str) -> None:
    built, tracker_url = world
    rows = expected_rows(db_url, built)

    result = run_cli(db_url, tracker_url, "retention", AT)

    assert result.returncode == 0, result.stderr
    senders = sum(len(built.senders[name]) for name in PURGED)
    summary = f"participants:{len(PURGED)} rows:{sum(rows.values())} events:{2 * senders} audit:1"
    assert f"Erased {len(PURGED)} participants; one audit entry written ({summary})." in result.stdout
    assert table_of(result.stdout, "went")["participants"] == str(len(PURGED))
    assert table_of(result.stdout, "went")["events (Rasa tracker)"] == str(2 * senders)
    everything = every_value(db_url) + every_value(tracker_url)
    assert traces(everything, built, PURGED) == []
    assert sorted(traces(everything, built, KEPT)) != [] and summary in everything
    assert traces(result.stdout + result.stderr, built, CASES) == []
    again = run_cli(db_url, tracker_url, "retention", "--dry-run", AT)
    assert "Dry run: 0 participants would be erased" in again.stdout and NOW.isoformat() in again.stdout


def test_a_time_that_is_not_iso_is_refused(db_url: str, tmp_path: Path) -> None:
    result = run_cli(db_url, "", "retention", "--dry-run", "--now", "next tuesday")
    assert result.returncode == 2
    assert "not an ISO 8601 time: 'next tuesday'" in result.stderr


pg_url = postgres_url()


@pytest.mark.postgres
def test_both_runs_work_on_postgresql_with_the_tracker_in_the_same_database(pg_url: str) -> None:
    """The production profile: our tables and Rasa's `events` in one PostgreSQL database."""
    migrate.upgrade(pg_url)
    with session_factory(pg_url)() as session:
        built = build_world(session)
    write_trackers(pg_url, built)
    rows = expected_rows(pg_url, built)
    senders = sum(len(built.senders[name]) for name in PURGED)

    dry = run_cli(pg_url, pg_url, "retention", "--dry-run", AT)
    assert dry.returncode == 0, dry.stderr
    assert table_of(dry.stdout, "would go")["events (Rasa tracker)"] == str(2 * senders)
    assert traces(every_value(pg_url), built, PURGED) != []

    real = run_cli(pg_url, pg_url, "retention", AT)
    assert real.returncode == 0, real.stderr
    assert {k: v for k, v in table_of(real.stdout, "went").items() if k in rows} == {
        table: str(count) for table, count in rows.items()
    }
    everything = every_value(pg_url)
    assert traces(everything, built, PURGED) == []
    assert sorted(traces(everything, built, KEPT)) != []


def test_a_database_without_tables_gets_told_to_migrate_first(empty_db_url: str) -> None:
    result = run_cli(empty_db_url, "", "retention", "--dry-run")
    assert result.returncode == 1
    assert result.stderr.strip() == "The database has no tables yet: run `python -m bot db upgrade` first."
