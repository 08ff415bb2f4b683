"""Fixtures for Telegram tests: a fake Bot API on loopback, and one real Rasa + action server stack for the package
(each test chats from its own chat id, see support.new_chat_id)."""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack, start_stack
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import SECRET, TOKEN

CREDENTIALS = "rest:\nbot.channels.telegram.channel.TelegramInput:\n"


@pytest.fixture
def fake() -> Iterator[FakeBotApi]:
    """A fake Telegram Bot API of the test's own (its own port and record of what was sent)."""
    api = FakeBotApi(TOKEN).start()
    yield api
    api.stop()


@pytest.fixture(scope="package")
def fake_api() -> Iterator[FakeBotApi]:
    """The fake Telegram Bot API, shared by the package's stack tests."""
    fake = FakeBotApi(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="package")
def tg_stack(
    tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase, fake_api: FakeBotApi
) -> Iterator[Stack]:
    """The real stack with the Telegram channel on, sending through the fake Bot API."""
    workdir = tmp_path_factory.mktemp("telegram-stack")
    db_url = new_database(workdir / DB_NAME)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_BASE": fake_api.base_url}
    running = start_stack(workdir, db_url, extra_env=env, credentials=CREDENTIALS)
    yield running
    running.stop_all()
