"""`python -m bot telegram set-webhook | delete-webhook | poll` against the fake Bot API."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Iterator

import pytest

from bot.cli import main
from bot.settings import get_settings
from tests.support.stack import REPO
from tests.telegram.fake_bot_api import FakeBotApi
from tests.telegram.support import SECRET, TOKEN


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> Iterator:
    """Run `python -m bot telegram ...` in this process with exactly the given TELEGRAM_* settings: (code, out, err)."""

    def run(*args: str, **env: str) -> tuple[int, str, str]:
        for name in [k for k in os.environ if k.startswith("TELEGRAM_")] + ["PUBLIC_BASE_URL"]:
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        get_settings.cache_clear()
        code = main(["telegram", *args])
        captured = capsys.readouterr()
        return code, captured.out, captured.err

    yield run
    get_settings.cache_clear()


def run_cli(*args: str, **env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TELEGRAM_") and k != "PUBLIC_BASE_URL"}
    return subprocess.run(
        [sys.executable, "-m", "bot", "telegram", *args],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_set_webhook_registers_the_url_with_the_secret_token(fake: FakeBotApi) -> None:
    result = run_cli(
        "set-webhook",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_SECRET_TOKEN=SECRET,
        TELEGRAM_API_BASE=fake.base_url,
        PUBLIC_BASE_URL="https://bot.example.org/",
    )
    assert result.returncode == 0, result.stderr
    assert fake.webhook == {
        "url": "https://bot.example.org/webhooks/telegram/webhook",
        "secret_token": SECRET,
        "allowed_updates": ["message", "edited_message", "my_chat_member"],
        "drop_pending_updates": False,
    }
    assert SECRET not in result.stdout + result.stderr and TOKEN not in result.stdout + result.stderr


def test_set_webhook_with_explicit_url_and_dropping_pending_updates(fake: FakeBotApi, cli) -> None:
    code, _out, err = cli(
        "set-webhook",
        "--url",
        "https://tunnel.example.net/webhooks/telegram/webhook",
        "--drop-pending-updates",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_SECRET_TOKEN=SECRET,
        TELEGRAM_API_BASE=fake.base_url,
    )
    assert code == 0, err
    assert (fake.webhook["url"], fake.webhook["secret_token"], fake.webhook["drop_pending_updates"]) == (
        "https://tunnel.example.net/webhooks/telegram/webhook",
        SECRET,
        True,
    )


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"TELEGRAM_SECRET_TOKEN": SECRET}, "TELEGRAM_BOT_TOKEN is not set"),
        ({"TELEGRAM_BOT_TOKEN": TOKEN}, "TELEGRAM_SECRET_TOKEN must be set"),
        (
            {"TELEGRAM_BOT_TOKEN": TOKEN, "TELEGRAM_SECRET_TOKEN": "has spaces in it"},
            "TELEGRAM_SECRET_TOKEN must be set",
        ),
    ],
    ids=["no-token", "no-secret", "bad-secret"],
)
def test_set_webhook_refuses_incomplete_settings(fake: FakeBotApi, cli, env: dict, message: str) -> None:
    code, _out, err = cli("set-webhook", TELEGRAM_API_BASE=fake.base_url, **env)
    assert code == 2
    assert message in err
    assert fake.calls == []


def test_delete_webhook(fake: FakeBotApi, cli) -> None:
    fake.webhook = {"url": "https://bot.example.org/webhooks/telegram/webhook"}
    code, _out, err = cli("delete-webhook", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.base_url)
    assert code == 0, err
    assert fake.webhook == {}


def test_poll_refuses_while_a_webhook_is_registered(fake: FakeBotApi, cli) -> None:
    fake.webhook = {"url": "https://bot.example.org/webhooks/telegram/webhook"}
    code, _out, err = cli(
        "poll",
        "--once",
        "--rasa-url",
        "http://127.0.0.1:9",
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_SECRET_TOKEN=SECRET,
        TELEGRAM_API_BASE=fake.base_url,
    )
    assert code == 1
    assert "delete-webhook" in err
    assert fake.calls_to("getUpdates") == []


def test_poll_needs_the_secret_too(fake: FakeBotApi, cli) -> None:
    code, _out, err = cli("poll", "--once", TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE=fake.base_url)
    assert code == 2 and "TELEGRAM_SECRET_TOKEN" in err
    assert fake.calls == []
