"""The research export on the SQLite file database: exact JSON records and a CSV that round-trips."""

from __future__ import annotations

import io
import json
import logging
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.store import repository
from bot.store.export import CSV_COLUMNS, export_records, left_out, research_status, write_csv, write_json
from bot.store.models import CONSENT_RESEARCH, WORK_SEEKER, ActivityRun, Participant
from tests.store.checks import csv_rows
from tests.store.dataset import (
    EXPECTED_LEFT_OUT,
    EXPECTED_RECORDS,
    FIXED_TEXT,
    FRENCH_TEXT,
    PHONE,
    SCRIPT_TEXT,
    WITHDRAWN_TEXT,
    build_dataset,
)


@pytest.fixture
def records(session: Session, monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    build_dataset(session, monkeypatch)
    return export_records(session=session)


def _write_csv(records: list[dict[str, Any]]) -> str:
    buffer = io.StringIO(newline="")
    write_csv(records, buffer)
    return buffer.getvalue()


def test_records_are_exact(records: list[dict[str, Any]]) -> None:
    assert records == EXPECTED_RECORDS


def test_empty_database_exports_nothing(session: Session) -> None:
    assert export_records(session=session) == []
    assert _write_csv([]) == ",".join(CSV_COLUMNS) + "\r\n"


def test_json_round_trips_verbatim(records: list[dict[str, Any]]) -> None:
    buffer = io.StringIO()
    write_json(records, buffer)
    text = buffer.getvalue()
    assert json.loads(text) == {"runs": EXPECTED_RECORDS, "left_out": {}}
    assert "🙂" in text and "équipe" in text  # written as UTF-8, not \u escapes
    assert PHONE not in text and "sender-a" not in text


def test_csv_has_one_row_per_answer_with_history(records: list[dict[str, Any]]) -> None:
    rows = csv_rows(_write_csv(records))
    assert [(row["run_id"], row["question_id"], row["current"]) for row in rows] == [
        ("run-ws-1", "clarity_before", "true"),
        ("run-ws-1", "confidence_before", "true"),
        ("run-ws-1", "skills_choice", "true"),
        ("run-ws-1", "skills_reflection", "false"),
        ("run-ws-1", "pay_reflection", "true"),
        ("run-ws-1", "skills_reflection", "true"),
        ("run-ws-1", "clarity_after", "true"),
        ("run-emp-1", "clarity_before", "true"),
        ("run-emp-1", "culture_reflection", "true"),
    ]


def test_csv_round_trips_every_cell(records: list[dict[str, Any]]) -> None:
    text = _write_csv(records)
    rows = csv_rows(text)
    assert list(rows[0]) == list(CSV_COLUMNS)
    assert [row["text"] for row in rows[:7]] == ["2", "3", "Strength", SCRIPT_TEXT, "skip", FIXED_TEXT, "4"]
    assert rows[8]["text"] == FRENCH_TEXT
    superseded, current = rows[3], rows[5]
    assert superseded["superseded_at"] == current["answer_created_at"] == "2026-03-02T14:06:30.123456+00:00"
    assert (current["answer_channel"], current["superseded_at"]) == ("twilio", "")
    assert rows[4]["skipped"] == "true" and rows[4]["value"] == ""
    assert PHONE not in text and "sender-a" not in text
    # research use is never with a name or contact details: the contact words and the business name are left out
    assert "902-555-0142" not in text and "Resto du Quai" not in text


def test_csv_repeats_run_columns(records: list[dict[str, Any]]) -> None:
    rows = csv_rows(_write_csv(records))
    for row in rows[:7]:
        assert row["participant_id"] == "ws0001"
        assert row["participant_channels"] == "rest;twilio"
        assert (row["clarity_before"], row["clarity_after"]) == ("2", "4")
        assert (row["handoff_status"], row["handoff_audience"]) == ("new", "case_manager")
        assert row["summary_text"] == EXPECTED_RECORDS[0]["summary"]["text"]
        assert json.loads(row["summary_body"]) == EXPECTED_RECORDS[0]["summary"]["body"]
    employer = rows[7]
    assert (employer["clarity_before"], employer["clarity_after"], employer["summary_text"], employer["site_code"]) == (
        "3",
        "",
        "",
        "",
    )
    assert len(rows) == 9  # the decliner and the withdrawn work seeker are only counted


@pytest.mark.parametrize(
    "text",
    [
        "   leading and trailing spaces   ",
        "tab\tseparated\tand a bell\x07 and escape\x1b",
        "only\rcarriage return",
        '"""',
        ",,,",
        "=SUM(A1:A2)",
        "\u202eright-to-left override and 中文 and हिन्दी and বাংলা",
        "🙂" * 50,
        "x" * 2500,
    ],
)
def test_csv_and_json_keep_hard_text_exactly(session: Session, text: str) -> None:
    run = _one_answer_run(session, text)
    records = export_records(session=session)
    assert records[0]["answers"][0]["text"] == text
    # The CSV cell is exact too, but a formula-leading one gets the apostrophe every CSV of the project adds.
    assert csv_rows(_write_csv(records))[0]["text"] == ("'" + text if text.startswith("=") else text)
    buffer = io.StringIO()
    write_json(records, buffer)
    assert json.loads(buffer.getvalue())["runs"][0]["answers"][0]["text"] == text
    assert run.public_id == records[0]["run_id"]


def test_nul_cannot_go_to_csv_and_is_replaced_without_logging_text(
    session: Session, caplog: pytest.LogCaptureFixture
) -> None:
    _one_answer_run(session, "secret\x00words")
    records = export_records(session=session)
    with caplog.at_level(logging.DEBUG, logger="bot.store.export"):
        rows = csv_rows(_write_csv(records))
    assert rows[0]["text"] == "secret\ufffdwords"
    assert "1 NUL" in caplog.text and "secret" not in caplog.text


def test_clarity_scores_come_from_current_values(session: Session) -> None:
    run = _one_answer_run(session, "first")
    for question_id, text, value in [
        ("clarity_before", "1", "1"),
        ("clarity_before", "five", "5"),
        ("clarity_after", "not sure", None),
    ]:
        repository.save_answer(
            session=session, run=run, question_id=question_id, text=text, channel="rest", value=value
        )
    record = export_records(session=session)[0]
    assert (record["clarity_before"], record["clarity_after"]) == (5, None)
    assert [a["text"] for a in record["answer_history"]] == ["1"]


def test_skipped_or_non_numeric_clarity_is_none(session: Session) -> None:
    run = _one_answer_run(session, "first")
    repository.save_answer(
        session=session, run=run, question_id="clarity_before", text="skip", channel="rest", value="3", skipped=True
    )
    repository.save_answer(
        session=session, run=run, question_id="clarity_after", text="x", channel="rest", value="high"
    )
    record = export_records(session=session)[0]
    assert (record["clarity_before"], record["clarity_after"]) == (None, None)


def test_latest_summary_is_exported(session: Session) -> None:
    run = _one_answer_run(session, "first")
    repository.save_summary(session=session, run=run, body={"v": 1}, text="old")
    repository.save_summary(session=session, run=run, body={"v": 2}, text="new")
    summary = export_records(session=session)[0]["summary"]
    assert (summary["body"], summary["text"], summary["confirmed_at"]) == ({"v": 2}, "new", None)


def test_export_logs_no_participant_content(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    build_dataset(session, monkeypatch)
    with caplog.at_level(logging.DEBUG):
        records = export_records(session=session)
        write_json(records, io.StringIO())
        write_csv(records, io.StringIO(newline=""))
    assert "2 activity runs" in caplog.text
    for secret in ("team player", "Line one", "équipe", "ws0001", PHONE):
        assert secret not in caplog.text


def _one_answer_run(session: Session, text: str):
    identity = repository.get_or_create_identity(session=session, channel="rest", external_id="hard-text")
    identity.participant.role = WORK_SEEKER
    run = repository.start_run(session=session, participant=identity.participant, channel="rest", step_id="s")
    repository.save_answer(
        session=session, run=run, question_id="skills_reflection", text=text, channel="rest", factor="skills"
    )
    repository.record_consent(
        session=session,
        participant=identity.participant,
        run=run,
        kind=CONSENT_RESEARCH,
        granted=True,
        wording="May we use your answers to improve this service?",
        channel="rest",
        reply_text="yes",
    )
    session.commit()
    return run


def test_only_runs_with_research_consent_are_exported_and_the_rest_is_counted(
    session: Session, records: list[dict[str, Any]]
) -> None:
    assert [r["run_id"] for r in records] == ["run-ws-1", "run-emp-1"]
    assert left_out(session=session) == EXPECTED_LEFT_OUT
    buffer = io.StringIO()
    write_json(records, buffer, left_out=left_out(session=session))
    text = buffer.getvalue()
    assert WITHDRAWN_TEXT not in text and "ws0002" not in text and "anon0001" not in text
    assert json.loads(text)["left_out"] == EXPECTED_LEFT_OUT
    assert WITHDRAWN_TEXT not in _write_csv(records)


def test_the_latest_research_word_decides(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    build_dataset(session, monkeypatch)
    statuses = sorted(research_status(session=session).values())
    assert statuses == ["granted", "granted", "withdrawn"]
    withdrawn = next(p for p in session.query(Participant) if p.public_id == "ws0002")
    run = next(r for r in session.query(ActivityRun) if r.participant_id == withdrawn.id)
    repository.record_consent(
        session=session,
        participant=withdrawn,
        run=run,
        kind=CONSENT_RESEARCH,
        granted=True,
        wording="May we use your answers to improve this service?",
        channel="rest",
        reply_text="ok yes again",
    )
    session.flush()
    assert [r["run_id"] for r in export_records(session=session)] == ["run-ws-1", "run-emp-1", "run-withdrawn"]
