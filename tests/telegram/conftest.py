"""Fixtures for Telegram tests: a fake Bot API on loopback, and one real Rasa + action server stack per module."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot.store import migrate
from tests.support.stack import Stack, start_stack
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import SECRET, TOKEN

CREDENTIALS = "rest:\nbot.channels.telegram.channel.TelegramInput:\n"


@pytest.fixture(scope="module")
def fake_api() -> Iterator[FakeBotApi]:
    """The fake Telegram Bot API, shared by a module's tests."""
    fake = FakeBotApi(TOKEN).start()
    yield fake
    fake.stop()


@pytest.fixture(scope="module")
def tg_stack(tmp_path_factory: pytest.TempPathFactory, fake_api: FakeBotApi) -> Iterator[Stack]:
    """The real stack with the Telegram channel on, sending through the fake Bot API."""
    workdir = tmp_path_factory.mktemp("telegram-stack")
    db_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
    migrate.upgrade(db_url)
    env = {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": SECRET, "TELEGRAM_API_BASE": fake_api.base_url}
    running = start_stack(workdir, db_url, extra_env=env, credentials=CREDENTIALS)
    yield running
    running.stop_all()
