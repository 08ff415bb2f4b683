"""`python -m bot export` run as a real subprocess against a migrated SQLite file: exact bytes out."""

from __future__ import annotations

import argparse
import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy.orm import Session

from bot.cli import export as export_cli
from bot.settings import REPO_ROOT
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

PYTHON = REPO_ROOT / ".venv" / "bin" / "python"

HEADER = (
    "participant_id,participant_role,participant_language,site_code,participant_channels,run_id,run_role,run_status,run_channel,"
    "content_version,started_at,completed_at,clarity_before,clarity_after,confidence_before,confidence_after,handoff_status,handoff_audience,"
    "summary_text,summary_body,current,question_id,factor,text,value,skipped,answer_channel,answer_created_at,"
    "superseded_at"
)
WS = (
    "ws0001,work_seeker,en,halifax,rest;twilio,run-ws-1,work_seeker,completed,rest,v1,"
    "2026-03-02T14:01:00.000000+00:00,2026-03-02T14:09:00.000000+00:00,2,4,3,,new,case_manager,"
    '"Strengths: skills\nPriorities: pay 💼, ""fair""",'
    '"{""note"": ""équipe 🙂"", ""priorities"": [""pay""], ""strengths"": [""skills""], ""stressors"": []}",'
)
EMP = "emp0001,employer,fr,,telegram,run-emp-1,employer,paused,telegram,v1,2026-03-02T14:20:00.000000+00:00,,3,,,,,,,,"
EXPECTED_CSV = "\r\n".join(
    [
        HEADER,
        WS + "true,clarity_before,,2,2,false,rest,2026-03-02T14:02:00.000000+00:00,",
        WS + "true,confidence_before,,3,3,false,rest,2026-03-02T14:02:30.123456+00:00,",
        WS + "true,skills_choice,skills,Strength,strength,false,rest,2026-03-02T14:03:00.000000+00:00,",
        WS + 'false,skills_reflection,skills,"I said ""team player"", <script>alert(1)</script>",,false,rest,'
        "2026-03-02T14:04:00.000000+00:00,2026-03-02T14:06:30.123456+00:00",
        WS + "true,pay_reflection,pay,skip,,true,rest,2026-03-02T14:05:00.000000+00:00,",
        WS
        + 'true,skills_reflection,skills,"Line one\nLine two, with commas, and ""quotes""\r\nthird 🙂 café naïve Élodie",,'
        "false,twilio,2026-03-02T14:06:30.123456+00:00,",
        WS + "true,clarity_after,,4,4,false,twilio,2026-03-02T14:07:00.000000+00:00,",
        EMP + "true,clarity_before,,3 - somewhat,3,false,telegram,2026-03-02T14:21:00.000000+00:00,",
        EMP + 'true,culture_reflection,culture,"On est une petite équipe; «bienvenue» à tous, ça compte. Été 2026 ✨",,'
        "false,telegram,2026-03-02T14:22:00.000000+00:00,",
        "",
    ]
)


@pytest.fixture
def filled_db(db_url: str, session: Session, monkeypatch: pytest.MonkeyPatch) -> str:
    """The migrated test database holding the fixed data set (committed)."""
    build_dataset(session, monkeypatch)
    session.close()
    return db_url


def run_cli(db_url: str, *args: str) -> subprocess.CompletedProcess:
    """Run `python -m bot ...` in a fresh interpreter, with a locale that is not UTF-8."""
    env = {**os.environ, "DATABASE_URL": db_url, "PYTHONIOENCODING": "ascii", "LC_ALL": "C", "LANG": "C"}
    python = PYTHON if PYTHON.exists() else Path(sys.executable)
    return subprocess.run(
        [str(python), "-m", "bot", *args], cwd=REPO_ROOT, env=env, capture_output=True, timeout=120, check=False
    )


def test_csv_to_stdout_is_exact(filled_db: str) -> None:
    result = run_cli(filled_db, "export", "--format", "csv")
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout.decode("utf-8") == EXPECTED_CSV


def test_csv_output_parses_back_to_the_stored_text(filled_db: str) -> None:
    result = run_cli(filled_db, "export", "--format", "csv")
    rows = csv_rows(result.stdout.decode("utf-8"))
    assert [row["text"] for row in rows] == [
        "2",
        "3",
        "Strength",
        SCRIPT_TEXT,
        "skip",
        FIXED_TEXT,
        "4",
        "3 - somewhat",
        FRENCH_TEXT,
    ]


def test_json_to_stdout_is_exact(filled_db: str) -> None:
    result = run_cli(filled_db, "export", "--format", "json")
    assert result.returncode == 0, result.stderr.decode()
    out = result.stdout.decode("utf-8")
    expected = {"runs": EXPECTED_RECORDS, "left_out": EXPECTED_LEFT_OUT}
    assert json.loads(out) == expected
    assert out == json.dumps(expected, ensure_ascii=False, indent=2) + "\n"
    assert WITHDRAWN_TEXT not in out and "ws0002" not in out


def test_default_format_is_json(filled_db: str) -> None:
    result = run_cli(filled_db, "export")
    assert result.returncode == 0, result.stderr.decode()
    assert json.loads(result.stdout.decode("utf-8"))["runs"] == EXPECTED_RECORDS


@pytest.mark.parametrize("fmt", ["csv", "json"])
def test_output_file_is_private_and_identical(filled_db: str, tmp_path: Path, fmt: str) -> None:
    target = tmp_path / f"export.{fmt}"
    target.write_text("old content that must be replaced " * 100)
    result = run_cli(filled_db, "export", "--format", fmt, "--output", str(target))
    assert result.returncode == 0, result.stderr.decode()
    assert result.stdout == b""
    assert target.read_bytes() == run_cli(filled_db, "export", "--format", fmt).stdout
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    stderr = result.stderr.decode()
    assert "2 activity runs" in stderr
    assert "Left out 2 runs without research consent (1 withdrawn, 1 not asked)." in stderr
    for secret in ("team player", "Line one", "équipe", "ws0001", PHONE):
        assert secret not in stderr


def test_no_personal_data_on_stderr(filled_db: str) -> None:
    result = run_cli(filled_db, "export", "--format", "csv")
    assert PHONE.encode() not in result.stdout
    for secret in ("team player", "Line one", "équipe", "ws0001", PHONE):
        assert secret not in result.stderr.decode()


def test_empty_database_gives_header_only(db_url: str) -> None:
    assert run_cli(db_url, "export", "--format", "csv").stdout.decode() == HEADER + "\r\n"
    empty = {"runs": [], "left_out": {"runs": 0, "reason": {}, "run_status": {}, "role": {}}}
    assert json.loads(run_cli(db_url, "export", "--format", "json").stdout.decode()) == empty


def test_unknown_format_is_refused(db_url: str) -> None:
    result = run_cli(db_url, "export", "--format", "xml")
    assert result.returncode == 2
    assert b"invalid choice" in result.stderr


def test_register_wires_the_export_command_in_process(
    filled_db: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    """The same command without a subprocess, independent of the other CLI modules."""
    parser = argparse.ArgumentParser(prog="python -m bot")
    export_cli.register(parser.add_subparsers(dest="command", required=True))
    target = tmp_path / "out.csv"
    args = parser.parse_args(["export", "--format", "csv", "--output", str(target)])
    assert args.func(args) == 0
    assert target.read_bytes().decode("utf-8") == EXPECTED_CSV
    assert "2 activity runs" in capsys.readouterr().err
