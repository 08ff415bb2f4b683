"""`python -m bot sms`: the terminal simulator signs and posts like Twilio and carries a whole activity to a handoff."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from bot.content import gsm7, load_content
from bot.store.contact import THIS_NUMBER
from tests.sms.helpers import answers, handoffs
from tests.support.stack import REPO

pytestmark = [pytest.mark.e2e, pytest.mark.slow]
NUMBER = "+17825559876"


def test_simulator_runs_a_whole_activity(tmp_path: Path) -> None:
    content = load_content()
    db_url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    texts = ["hi", "yes", "Hiring", "3", "Harbour Diner & Grill", "Line cook, part time"]
    for rating in ("1", "2", "3", "4", "1", "2"):  # the words state no rating: each is asked after them
        texts += ["We train on the job and pair people up.", rating]
    texts += ["5", "4", "Clearer on what we offer new hires", "1", "1", "yes"]  # ... share, and YES: this number
    result = subprocess.run(
        [sys.executable, "-m", "bot", "sms", "--number", NUMBER, "--database-url", db_url],
        input="\n".join(texts) + "\n",
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=600,
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    practitioner = content.practitioner("employer")
    done = gsm7.to_gsm7(content.message("completed_shared", practitioner=practitioner))
    assert f"sms> {done}\n" in result.stdout
    assert f"     {content.message('contact_question_sms', practitioner=practitioner)}\n" in result.stdout
    assert f"sms> {content.message('contact_saved', practitioner=practitioner)}\n" in result.stdout
    # Every rating asked (no words state one), to the research question: over the simulator's target.
    assert "This session's replies cost 32 SMS segments (target for a whole activity: 30 or fewer)." in result.stdout
    saved = answers(db_url, NUMBER)
    assert len(saved) == len(texts) - 1  # every text but the hello
    assert (saved[-1].question_id, saved[-1].text, saved[-1].value) == ("contact", "yes", THIS_NUMBER)
    assert {a.channel for a in answers(db_url, NUMBER)} == {"twilio_sms"}
    assert [h.audience for h in handoffs(db_url, NUMBER)] == ["ees"]
