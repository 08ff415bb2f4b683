"""Findings 5-6: a Twilio retry after a crash mid-turn is processed (once), and with the database locked or read-only
the SMS participant is asked to send again instead of hearing nothing."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Callable, Iterator

import pytest

from bench.security import attacks
from bench.security.target import Target
from bot.channels.sms.signing import inbound_params, new_sid, send_signed
from tests.security.conftest import assert_refused
from tests.sms.helpers import WEBHOOK_PATH
from tests.support.stack import REPO, Stack

pytestmark = [pytest.mark.e2e]


def sqlite_lock(db_url: str) -> Callable[[], None]:
    """Take SQLite's write lock from another connection (as a long export or a stuck process would); return its release."""
    connection = sqlite3.connect(db_url.split("///", 1)[1], timeout=5, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")

    def release() -> None:
        connection.execute("ROLLBACK")
        connection.close()

    return release


def test_5_a_retry_after_a_crash_mid_turn_is_processed_and_a_finished_one_is_answered_once(target: Target) -> None:
    assert_refused(attacks.crash_mid_turn(target))


def test_6_a_locked_database_gets_the_participant_a_send_again_text(target: Target) -> None:
    assert_refused(attacks.locked_database(target, lambda: sqlite_lock(target.db_url)))


@pytest.fixture
def read_only_rasa(target: Target, tmp_path: Path) -> Iterator[Stack]:
    """A Rasa server (SMS channel on, same fake Twilio) whose database opens read-only."""
    path = target.db_url.split("///", 1)[1]
    stack = Stack(
        workdir=tmp_path,
        db_url=f"sqlite:///file:{path}?mode=ro&uri=true",
        credentials=tmp_path / "credentials.yml",
        env={**target.ops.stack.env, "DATABASE_URL": f"sqlite:///file:{path}?mode=ro&uri=true"},
    )
    stack.credentials.write_text((REPO / "credentials.yml").read_text())
    stack.action_port = target.ops.stack.action_port
    stack.start_rasa()
    yield stack
    stack.stop_all()


def test_6_a_read_only_database_gets_the_participant_a_send_again_text(target: Target, read_only_rasa: Stack) -> None:
    number = target.new_number()
    params = inbound_params(
        account_sid=target.twilio_sid,
        from_number=number,
        to_number=target.twilio_number,
        body="hi",
        message_sid=new_sid("SM"),
    )
    answer = send_signed(url=read_only_rasa.rasa_url + WEBHOOK_PATH, auth_token=target.twilio_token, params=params)
    assert (answer.status, target.texts_to(number)) == (200, [attacks.unrecorded_sms()])
    assert "store unavailable (OperationalError)" in read_only_rasa.log_text("rasa")
