"""The python-telegram-bot client built from settings, and the webhook's secret-token check."""

from __future__ import annotations

import hmac
import re
from typing import Optional

from telegram.ext import AIORateLimiter, ExtBot
from telegram.request import HTTPXRequest

from bot.settings import Settings

DEFAULT_API_BASE = "https://api.telegram.org/bot"
SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
WEBHOOK_PATH = "/webhooks/telegram/webhook"
# Telegram accepts 1-256 characters A-Z, a-z, 0-9, _ and - as a webhook secret token.
SECRET_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
# Several chats may be answered at once; PTB's default pool of one connection would queue them.
CONNECTION_POOL_SIZE = 8
# A message Telegram refuses with "retry after N s" is resent after the wait (PTB's rate limiter, which also keeps
# under Telegram's overall flood limits and holds other sends during the wait) at most this many times.
MAX_RATE_LIMIT_RETRIES = 5


def api_base(settings: Settings) -> str:
    """The Bot API base URL (TELEGRAM_API_BASE, e.g. a local fake in tests; the token is appended)."""
    return settings.telegram_api_base or DEFAULT_API_BASE


def build_bot(settings: Settings, *, pool_size: int = CONNECTION_POOL_SIZE) -> ExtBot[int]:
    """A bot for TELEGRAM_BOT_TOKEN talking to the configured API base, rate limits retried by PTB."""
    if not settings.telegram_bot_token:
        raise ValueError("TELEGRAM_BOT_TOKEN is not set")
    request = HTTPXRequest(connection_pool_size=pool_size, read_timeout=15.0, connect_timeout=10.0, pool_timeout=10.0)
    return ExtBot(
        settings.telegram_bot_token,
        base_url=api_base(settings),
        request=request,
        rate_limiter=AIORateLimiter(max_retries=MAX_RATE_LIMIT_RETRIES),
    )


def secret_matches(received: Optional[str], expected: str) -> bool:
    """Constant-time check of the webhook's secret header; an unset secret matches nothing."""
    if not expected or received is None:
        return False
    return hmac.compare_digest(received.encode("utf-8"), expected.encode("utf-8"))


def webhook_url(public_base_url: str) -> str:
    """Where Telegram posts updates, under the public base URL."""
    return public_base_url.rstrip("/") + WEBHOOK_PATH
