"""Sending bot replies to one Telegram chat: reply keyboards for choices, long texts split, network failures retried."""

from __future__ import annotations

import asyncio
import logging
import warnings
from typing import Any, Awaitable, Callable, Optional, Union

from rasa.core.channels.channel import OutputChannel
from telegram import Bot, KeyboardButton, ReplyKeyboardMarkup, ReplyKeyboardRemove
from telegram.constants import MessageLimit
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError
from telegram.warnings import PTBDeprecationWarning

from bot.activity.replies import SUMMARY_TYPE
from bot.capabilities import capabilities_of
from bot.channels import text_split

logger = logging.getLogger(__name__)

TEXT_LIMIT = capabilities_of("telegram").max_length or int(MessageLimit.MAX_TEXT_LENGTH)  # UTF-16 code units
MAX_NETWORK_RETRIES = 2
NETWORK_BACKOFF_SECONDS = 1.0
# PTB 22 warns (once per process, from inside its own request code) that RetryAfter.retry_after will become a
# timedelta; PTB's own rate limiter reads the new form, so the warning is noise in the server log.
warnings.filterwarnings("ignore", message=r".*attribute `retry_after` will be of type", category=PTBDeprecationWarning)

OnBlocked = Callable[[str], Awaitable[None]]
Markup = Union[ReplyKeyboardMarkup, ReplyKeyboardRemove]


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Pieces of at most ``limit`` UTF-16 units (as Telegram counts), cut at the best break point."""
    return text_split.split_text(text, limit, measure=text_split.utf16_units)


def keyboard(labels: list[str]) -> ReplyKeyboardMarkup:
    """A one-time reply keyboard: one tap sends the label. Short labels share a row."""
    longest = max((len(label) for label in labels), default=0)
    per_row = len(labels) if longest <= 3 else 2 if longest <= 16 else 1
    per_row = max(per_row, 1)
    rows = [[KeyboardButton(label) for label in labels[i : i + per_row]] for i in range(0, len(labels), per_row)]
    return ReplyKeyboardMarkup(rows, one_time_keyboard=True, resize_keyboard=True)


class TelegramOutput(OutputChannel):
    """Sends one turn's replies to a chat in order; stops for the turn once the user has blocked the bot."""

    @classmethod
    def name(cls) -> str:
        return "telegram"

    def __init__(
        self, bot: Bot, on_blocked: Optional[OnBlocked] = None, sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep
    ):
        self.bot = bot
        self.on_blocked = on_blocked
        self.sleep = sleep
        self.blocked = False
        self.attempts = 0  # messages this output tried to send

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        """Plain text; any keyboard from an earlier choice is removed so free text is expected."""
        await self.send_pieces(recipient_id, text, ReplyKeyboardRemove())

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        """A question with choices: the keyboard comes with the (last piece of the) question."""
        labels = [str(button.get("title") or button.get("payload") or "") for button in buttons]
        labels = [label for label in labels if label]
        await self.send_pieces(recipient_id, text, keyboard(labels) if labels else ReplyKeyboardRemove())

    async def send_custom_json(self, recipient_id: str, json_message: dict[str, Any], **kwargs: Any) -> None:
        """The summary as its full text; other custom payloads are not for Telegram."""
        if json_message.get("type") == SUMMARY_TYPE and json_message.get("text"):
            await self.send_pieces(recipient_id, str(json_message["text"]), ReplyKeyboardRemove())
        else:
            logger.warning("telegram: custom message of type %s not sent", str(json_message.get("type"))[:40])

    async def send_pieces(self, chat_id: str, text: str, markup: Optional[Markup]) -> None:
        """Send a text split to Telegram's limit, in order; the markup rides on the last piece."""
        pieces = split_text(text or "")
        for number, piece in enumerate(pieces, start=1):
            last = number == len(pieces)
            if not await self.send_one(chat_id, piece, markup if last else None):
                return

    async def send_one(self, chat_id: str, text: str, markup: Optional[Markup]) -> bool:
        """Send one message, waiting out rate limits; False if it could not be delivered."""
        self.attempts += 1
        if self.blocked:
            return False
        network_failures = 0
        while True:
            try:
                await self.bot.send_message(chat_id=chat_id, text=text, reply_markup=markup)
                return True
            except RetryAfter:
                # The bot's rate limiter (client.build_bot) already waited and resent as often as it should.
                logger.error("telegram: still rate limited after the rate limiter's retries; message dropped")
                return False
            except Forbidden:
                # The user blocked the bot (or deleted their account): nothing more can reach them.
                self.blocked = True
                logger.info("telegram: chat unreachable (blocked by the user)")
                if self.on_blocked is not None:
                    await self.on_blocked(chat_id)
                return False
            except BadRequest as exc:
                logger.error("telegram: send refused (%s)", type(exc).__name__)
                return False
            except NetworkError as exc:
                # Connection trouble or a timeout: worth another try (a timed-out send may arrive twice).
                network_failures += 1
                if network_failures > MAX_NETWORK_RETRIES:
                    logger.error("telegram: send failed (%s) after %s retries", type(exc).__name__, MAX_NETWORK_RETRIES)
                    return False
                await self.sleep(NETWORK_BACKOFF_SECONDS * network_failures)
            except TelegramError as exc:
                # Only the error type: Telegram's descriptions can quote the message.
                logger.error("telegram: send failed (%s)", type(exc).__name__)
                return False
