"""Fixtures for the SMS tests: a loopback fake of Twilio's REST API and one real Rasa + action server stack using it."""

from __future__ import annotations

from pathlib import Path
from typing import Callable, Iterator

import pytest

from bot.devtools.fake_twilio import FakeTwilio
from bot.devtools.sms_sandbox import Phone
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER, SmsStack
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import start_stack
from tests.support.twilio import fake_twilio_fixture

SMS_CREDENTIALS = "rest:\nbot.channels.sms.channel.TwilioSmsInput:\n"


# Twilio's Messages API on loopback: the real twilio client in the Rasa process sends here.
fake_twilio = fake_twilio_fixture(ACCOUNT_SID, AUTH_TOKEN)


@pytest.fixture
def fake() -> Iterator[FakeTwilio]:
    """A fake Twilio of the test's own (its own port and record of what was sent), for tests without the stack."""
    server = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def sms_stack(
    tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase, fake_twilio: FakeTwilio
) -> Iterator[SmsStack]:
    """The real action server and Rasa server, SMS channel on, one SQLite file; shared by the SMS tests (each uses its own numbers)."""
    workdir: Path = tmp_path_factory.mktemp("sms-stack")
    db_url = new_database(workdir / DB_NAME)
    env = fake_twilio.channel_env(PROGRAMME_NUMBER)
    stack = start_stack(workdir, db_url, extra_env=env, credentials=SMS_CREDENTIALS)
    yield SmsStack(stack, fake_twilio)
    stack.stop_all()


@pytest.fixture
def new_phone(sms_stack: SmsStack) -> Callable[[], Phone]:
    """Make phones whose numbers no other test uses."""
    return sms_stack.phone
