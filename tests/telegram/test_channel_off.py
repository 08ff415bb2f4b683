"""Without TELEGRAM_BOT_TOKEN the channel is off: Rasa starts with the repo's credentials.yml and the webhook answers 503."""

from __future__ import annotations

import json
import os
import urllib.request
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy import create_engine, text

from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import REPO, Stack
from tests.telegram.support import SECRET, message_update, new_chat_id, post_update

pytestmark = [pytest.mark.e2e, pytest.mark.slow]


@pytest.fixture(scope="module")
def rasa_without_telegram(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[Stack]:
    """Rasa alone (no action server needed here) with the committed credentials.yml and no Telegram settings.

    Its own Rasa start: the package's stack has the channel on, this one is about starting with it off.
    """
    workdir: Path = tmp_path_factory.mktemp("telegram-off")
    db_url = new_database(workdir / DB_NAME)
    credentials = workdir / "credentials.yml"
    credentials.write_text((REPO / "credentials.yml").read_text())
    env = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_")}
    env.update({"DATABASE_URL": db_url, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3"})
    stack = Stack(workdir=workdir, db_url=db_url, env=env, credentials=credentials)
    try:
        stack.start_rasa()
        yield stack
    finally:
        stack.stop_all()


def test_the_committed_credentials_name_the_telegram_channel() -> None:
    assert "\nbot.channels.telegram.channel.TelegramInput:" in (REPO / "credentials.yml").read_text()


def test_rasa_starts_and_the_channel_reports_off(rasa_without_telegram: Stack) -> None:
    with urllib.request.urlopen(rasa_without_telegram.rasa_url + "/webhooks/telegram/", timeout=10) as response:
        assert json.loads(response.read()) == {"status": "off"}


@pytest.mark.parametrize("secret", [SECRET, None])
def test_webhook_answers_503_and_stores_nothing(rasa_without_telegram: Stack, secret: str) -> None:
    update = message_update(new_chat_id(), text="hi")
    assert post_update(rasa_without_telegram.rasa_url, update, secret=secret) == (503, {"error": "telegram_off"})
    engine = create_engine(rasa_without_telegram.db_url)
    with engine.connect() as connection:
        assert connection.execute(text("select count(*) from inbound_messages")).scalar_one() == 0
    engine.dispose()
