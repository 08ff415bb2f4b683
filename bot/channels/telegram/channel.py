"""Telegram input channel: POST /webhooks/telegram/webhook, verified by secret token, deduplicated, answered in order."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import InputChannel, OutputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from telegram import Bot, Update

from bot.channels.keyed_lock import KeyedLocks
from bot.channels.telegram import records
from bot.channels.telegram.client import SECRET_HEADER, build_bot, secret_matches
from bot.channels.telegram.output import TelegramOutput
from bot.channels.telegram.updates import EDITED, NON_TEXT, Inbound, read_update
from bot.channels.telegram.wording import wording
from bot.content import load_content
from bot.settings import Settings, get_settings
from bot.store.inbound_claims import BUSY, DONE

logger = logging.getLogger(__name__)


def error(status: int, code: str) -> HTTPResponse:
    """A short JSON error; never echoes the request."""
    return response.json({"error": code}, status=status)


class TelegramInput(InputChannel):
    """Telegram webhook; off (503) without TELEGRAM_BOT_TOKEN, so Rasa starts without Telegram settings."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> TelegramInput:
        # Secrets come only from the environment (bot/settings.py), never from credentials.yml.
        return cls()

    def __init__(self, settings: Optional[Settings] = None) -> None:
        self.settings = settings or get_settings()
        self.enabled = bool(self.settings.telegram_bot_token)
        self.secret = self.settings.telegram_secret_token
        self._bot: Optional[Bot] = None
        self.locks = KeyedLocks()
        if self.enabled and not self.secret:
            logger.warning("telegram: TELEGRAM_SECRET_TOKEN is not set, so every webhook request is refused")

    @property
    def bot(self) -> Bot:
        """The Bot API client, built on first use (inside the server's event loop)."""
        if self._bot is None:
            self._bot = build_bot(self.settings)
        return self._bot

    def get_output_channel(self) -> Optional[OutputChannel]:
        return TelegramOutput(self.bot, self._mark_blocked) if self.enabled else None

    async def _mark_blocked(self, chat_id: str) -> None:
        try:
            await asyncio.to_thread(records.mark_blocked, chat_id)
        except Exception as exc:  # noqa: BLE001 - SQLAlchemy errors carry parameters; log the type only
            logger.error("telegram: could not record a block (%s)", type(exc).__name__)

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        telegram = Blueprint("telegram_webhook", __name__)

        @telegram.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.enabled else "off"})

        @telegram.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            if not self.enabled:
                return error(503, "telegram_off")
            if not secret_matches(request.headers.get(SECRET_HEADER), self.secret):
                logger.warning("telegram: webhook request refused (missing or wrong secret token)")
                return error(403, "forbidden")
            try:
                body = request.json
                update = (
                    Update.de_json(body, self.bot)
                    if isinstance(body, dict) and isinstance(body.get("update_id"), int)
                    else None
                )
            except Exception:  # noqa: BLE001 - invalid JSON or an update PTB cannot read
                update = None
            if update is None:
                return error(400, "bad_update")
            inbound = read_update(update)
            try:
                claim = await asyncio.to_thread(records.record_inbound, inbound)
            except Exception as exc:  # noqa: BLE001 - nothing was processed: Telegram delivers it again
                logger.error("telegram: update %s not recorded (%s)", inbound.update_id, type(exc).__name__)
                return error(500, "store_failed")
            if claim.state == DONE:
                return response.json({"status": "duplicate"})
            if claim.state == BUSY:
                # Being processed by a live process: Telegram tries again later and then finds it done (or abandoned).
                return error(503, "in_progress")
            if records.needs_turn(inbound) and inbound.chat_id is not None:
                answered = False
                try:
                    async with self.locks.hold(inbound.chat_id):
                        answered = await self._answer(inbound, on_new_message)
                finally:
                    await self._settle(inbound.update_id, answered)
            return response.json({"status": "ok"})

        @telegram.listener("after_server_stop")
        async def close_client(_app: Any, _loop: Any) -> None:
            if self._bot is not None:
                await self._bot.request.shutdown()

        return telegram

    async def _settle(self, update_id: int, answered: bool) -> None:
        try:
            await asyncio.to_thread(records.settle, update_id, answered=answered)
        except Exception as exc:  # noqa: BLE001 - the claim's lease decides instead; log the type only
            logger.error("telegram: update %s not settled (%s)", update_id, type(exc).__name__)

    async def _answer(self, inbound: Inbound, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> bool:
        """Reply to one update: the channel's own note if any, then the activity's turn; True when the bot's turn answered."""
        output = TelegramOutput(self.bot, self._mark_blocked)
        chat_id = str(inbound.chat_id)
        if inbound.kind in (EDITED, NON_TEXT):
            language = await asyncio.to_thread(records.chat_language, chat_id)
        if inbound.kind == EDITED:
            # The keyboard of the current question stays: the edit changes nothing.
            await output.send_pieces(chat_id, wording(language)["edited"], None)
            return True
        if inbound.kind == NON_TEXT:
            # No keyboard change here: the question that follows brings its own.
            if not await output.send_one(chat_id, wording(language)["non_text"], None):
                return True
        message = UserMessage(
            inbound.text, output, chat_id, input_channel=self.name(), metadata={"telegram_update_id": inbound.update_id}
        )
        before = output.attempts
        try:
            await on_new_message(message)
        except Exception as exc:  # noqa: BLE001 - the claim is released below: a retry by Telegram is processed
            logger.error("telegram: update %s failed (%s)", inbound.update_id, type(exc).__name__)
        if output.attempts == before and not output.blocked:
            # The bot answers every message; nothing back means a turn failed, so ask for the text again.
            language = await asyncio.to_thread(records.chat_language, chat_id)
            await output.send_pieces(chat_id, load_content(language).plain_message("system_error"), None)
            return False
        return True
