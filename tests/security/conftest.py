"""Fixtures for the security tests: one real embedded stack (action server, Rasa, web app, SQLite) with the SMS channel
on, sending through a fake Twilio on loopback; process control for attacks that kill or stop servers."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import delete

from bench.security.target import DevStackOps, Target, Try
from bot.devtools.fake_twilio import FakeTwilio
from bot.store.db import session_scope
from bot.store.security_models import ResumeAttempt
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER, WEBHOOK_PATH
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import REPO, start_stack
from tests.support.twilio import fake_twilio_fixture


def assert_refused(tries: list[Try]) -> None:
    """Every try got exactly the refusal expected (compared as (what, value) pairs, so a failure names the try)."""
    assert tries, "the attack tried nothing"
    assert [(t.what, t.got) for t in tries] == [(t.what, t.expected) for t in tries]


fake_twilio = fake_twilio_fixture(ACCOUNT_SID, AUTH_TOKEN)


@pytest.fixture(scope="session")
def target(
    tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase, fake_twilio: FakeTwilio
) -> Iterator[Target]:
    """The embedded profile's servers with the repository's own credentials.yml (REST for local use, web chat, SMS)."""
    workdir: Path = tmp_path_factory.mktemp("security")
    db_url = new_database(workdir / DB_NAME)
    env = fake_twilio.channel_env(PROGRAMME_NUMBER)
    stack = start_stack(workdir, db_url, extra_env=env, credentials=(REPO / "credentials.yml").read_text(), web=True)
    yield Target(
        profile="embedded",
        public_url=stack.web_url,
        rasa_urls=[stack.rasa_url],
        action_urls=[stack.action_url],
        webchat_url=stack.rasa_url,
        sms_url=stack.rasa_url + WEBHOOK_PATH,
        db_url=db_url,
        twilio=fake_twilio,
        twilio_token=AUTH_TOKEN,
        twilio_sid=ACCOUNT_SID,
        twilio_number=PROGRAMME_NUMBER,
        ops=DevStackOps(stack),
        rest=True,
    )
    stack.stop_all()


@pytest.fixture
def forget_resume_attempts(target: Target) -> Iterator[None]:
    """The resume-code attempts a test made (all from 127.0.0.1) must not limit the next test."""
    yield
    with session_scope(target.db_url) as session:
        session.execute(delete(ResumeAttempt))
