"""`python -m bot sms`: the terminal simulator signs and posts like Twilio and carries a whole activity to a handoff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import gsm7, load_content
from tests.sms.helpers import answers, handoffs
from tests.support.stack import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
NUMBER = "+17825559876"


def test_simulator_runs_a_whole_activity(tmp_path: Path) -> None:
    content = load_content()
    db_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    texts = ["hi", "yes", "Hiring", "3"]
    for rating in ("1", "2", "3", "1", "2", "3"):
        texts += [rating, "We train on the job and pair people up."]
    texts += ["5", "4", "1", "1"]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sms", "--number", NUMBER, "--database-url", db_url],
        input="\n".join(texts) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    done = gsm7.to_gsm7(content.message("completed_shared", practitioner=content.practitioner("employer")))
    assert f"sms> {done}\n" in result.stdout
    assert "SMS segments (target for a whole activity: 30 or fewer)" in result.stdout
    assert len(answers(db_url, NUMBER)) == len(texts) - 1
    assert {a.channel for a in answers(db_url, NUMBER)} == {"twilio_sms"}
    assert [h.audience for h in handoffs(db_url, NUMBER)] == ["ees"]
