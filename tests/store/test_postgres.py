"""The production database: migrations, answer history and the export on a real PostgreSQL server."""

from __future__ import annotations

import io
from typing import Iterator

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from bot.store import migrate, repository
from bot.store.db import session_factory
from bot.store.export import export_records, write_csv
from tests.store.checks import MODEL_TABLES, csv_rows, current_revision, head_revision, schema_differences, table_names
from tests.store.dataset import EXPECTED_RECORDS, FIXED_TEXT, build_dataset

pytestmark = pytest.mark.postgres


@pytest.fixture
def pg_session(pg: str) -> Iterator[Session]:
    s = session_factory(pg)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


def test_it_really_is_postgresql(pg_session: Session) -> None:
    assert pg_session.get_bind().dialect.name == "postgresql"
    assert pg_session.execute(text("SHOW server_encoding")).scalar_one() == "UTF8"


def test_migrations_round_trip_on_postgresql(pg: str) -> None:
    assert table_names(pg) == MODEL_TABLES | {"alembic_version"}
    migrate.downgrade(pg, "base")
    assert table_names(pg) == {"alembic_version"}
    migrate.upgrade(pg)
    assert current_revision(pg) == head_revision()
    assert table_names(pg) == MODEL_TABLES | {"alembic_version"}


def test_models_and_migrations_agree_on_postgresql(pg: str) -> None:
    assert schema_differences(pg) == []


def test_answer_history_on_postgresql(pg_session: Session) -> None:
    participant = repository.get_or_create_identity(
        session=pg_session, channel="twilio", external_id="+19025550111"
    ).participant
    participant.role = "employer"
    run = repository.start_run(session=pg_session, participant=participant, channel="twilio", step_id="s")
    repository.save_answer(
        session=pg_session, run=run, question_id="culture_reflection", text="first", channel="twilio"
    )
    repository.save_answer(
        session=pg_session, run=run, question_id="culture_reflection", text=FIXED_TEXT, channel="twilio"
    )
    pg_session.commit()
    pg_session.expire_all()
    current = repository.current_answers(session=pg_session, run=run)
    history = repository.answer_history(session=pg_session, run=run)
    assert current["culture_reflection"].text == FIXED_TEXT
    assert [(a.text, a.superseded_at is None) for a in history] == [("first", False), (FIXED_TEXT, True)]
    assert history[0].superseded_at == history[1].created_at


def test_export_on_postgresql_matches_sqlite(pg_session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    build_dataset(pg_session, monkeypatch)
    records = export_records(session=pg_session)
    assert records == EXPECTED_RECORDS
    buffer = io.StringIO(newline="")
    write_csv(records, buffer)
    assert [row["text"] for row in csv_rows(buffer.getvalue())][3:6] == [
        EXPECTED_RECORDS[0]["answer_history"][0]["text"],
        "skip",
        FIXED_TEXT,
    ]
