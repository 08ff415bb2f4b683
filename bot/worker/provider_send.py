"""Send one text the bot writes first, by SMS (Twilio's SDK) or Telegram (python-telegram-bot), from the worker."""

from __future__ import annotations

import asyncio

from telegram.error import BadRequest, Forbidden, TelegramError

from bot.channels.sms.sender import make_client, send_bodies
from bot.channels.telegram.client import build_bot
from bot.settings import Settings
from bot.store import channel_records
from bot.store.db import session_scope
from bot.worker.delivery import Delivered, DeliveryFailed, NothingToDeliver

SMS = "twilio_sms"
TELEGRAM = "telegram"


def send_text(settings: Settings, *, channel: str, to: str, text: str) -> Delivered:
    """Deliver ``text`` to ``to`` on ``channel``; raises DeliveryFailed (retry or not) or NothingToDeliver."""
    if channel == SMS:
        return _send_sms(settings, to, text)
    if channel == TELEGRAM:
        return _send_telegram(settings, to, text)
    raise DeliveryFailed("ChannelCannotWriteFirst", permanent=True)


def _send_sms(settings: Settings, to: str, text: str) -> Delivered:
    if not (settings.twilio_account_sid and settings.twilio_auth_token and settings.twilio_from_number):
        raise DeliveryFailed("SmsNotConfigured")
    client = make_client(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        api_base=settings.twilio_api_base,
    )
    # The opt-out state is checked just before sending; the size and Twilio's id are recorded as for any reply.
    result = send_bodies(client=client, channel=SMS, from_number=settings.twilio_from_number, to=to, bodies=[text])
    if result.stopped_by in ("opted_out", "unsubscribed"):
        raise NothingToDeliver("the participant opted out")
    if result.stopped_by == "error" or not result.bodies:
        raise DeliveryFailed("TwilioError")
    return Delivered(provider_id=result.bodies[0].provider_id)


def _send_telegram(settings: Settings, chat_id: str, text: str) -> Delivered:
    if not settings.telegram_bot_token:
        raise DeliveryFailed("TelegramNotConfigured")

    async def send() -> str:
        async with build_bot(settings, pool_size=1) as bot:
            message = await bot.send_message(chat_id=chat_id, text=text)
            return str(message.message_id)

    try:
        return Delivered(provider_id=asyncio.run(send()))
    except Forbidden as exc:  # the person blocked the bot: nothing more can reach them there
        with session_scope() as session:
            channel_records.set_blocked(session=session, channel=TELEGRAM, external_id=chat_id, blocked=True)
        raise NothingToDeliver("blocked") from exc
    except BadRequest as exc:
        raise DeliveryFailed(type(exc).__name__, permanent=True) from exc
    except TelegramError as exc:  # network trouble, or still rate limited after PTB's retries
        raise DeliveryFailed(type(exc).__name__) from exc
