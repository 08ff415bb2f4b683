"""Twilio SMS channel: a signed, deduplicated webhook in; replies joined, GSM-7 and sent in order through Twilio's API out."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass
from typing import Any, Awaitable, Callable, Optional, Sequence
from urllib.parse import parse_qs, urlparse

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse
from sqlalchemy.exc import SQLAlchemyError
from twilio.request_validator import RequestValidator
from twilio.rest import Client
from twilio.twiml.messaging_response import MessagingResponse

from bot.channels.keyed_lock import KeyedLocks
from bot.channels.sms import records as sms_records
from bot.channels.sms.compose import compose, unrecorded_reply
from bot.channels.sms.keywords import HELP, OPT_IN, OPT_OUT, channel_messages, keyword_language, keyword_of, normalised
from bot.channels.sms.sender import SendResult, make_client, send_bodies
from bot.content import load_content
from bot.settings import Settings, get_settings

logger = logging.getLogger(__name__)

CHANNEL = "twilio_sms"
WEBHOOK_PATH = f"/webhooks/{CHANNEL}/webhook"
SIGNATURE_HEADER = "X-Twilio-Signature"
REQUIRED_SETTINGS = ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM_NUMBER")
EMPTY_TWIML = str(MessagingResponse())


@dataclass(frozen=True)
class SmsConfig:
    """The Twilio settings this channel needs; the channel is off until the required ones are set."""

    account_sid: str = ""
    auth_token: str = ""
    from_number: str = ""
    public_url: str = ""
    api_base: str = ""

    @classmethod
    def from_settings(cls, settings: Settings) -> SmsConfig:
        return cls(
            settings.twilio_account_sid,
            settings.twilio_auth_token,
            settings.twilio_from_number,
            settings.twilio_public_url,
            settings.twilio_api_base,
        )

    @property
    def missing(self) -> list[str]:
        values = (self.account_sid, self.auth_token, self.from_number)
        return [name for name, value in zip(REQUIRED_SETTINGS, values, strict=True) if not value]

    @property
    def enabled(self) -> bool:
        return not self.missing


class _FormParams(dict[str, list[str]]):
    """Form fields as lists of values, blank ones kept (Twilio signs those too), in the shape RequestValidator reads."""

    def getlist(self, key: str) -> list[str]:
        return self[key]


def form_params(body: bytes) -> _FormParams:
    """The webhook's form fields exactly as Twilio sent them (Sanic's own parser drops blank values)."""
    return _FormParams(parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True))


def signed_url(request_url: str, query_string: str, public_url: str) -> str:
    """The URL Twilio signed: the configured public URL (behind a proxy) or the URL the request arrived on.

    TWILIO_PUBLIC_URL is the webhook URL set in Twilio's console; a bare origin (https://bot.example.org) gets the
    webhook path added. The request's query string, if any, is part of what Twilio signs.
    """
    if not public_url:
        return request_url
    url = public_url.rstrip("/") + WEBHOOK_PATH if urlparse(public_url).path in ("", "/") else public_url
    if query_string and "?" not in url:
        url = f"{url}?{query_string}"
    return url


def _first(params: _FormParams, key: str) -> str:
    values = params.get(key) or [""]
    return values[0]


class TwilioSmsInput(InputChannel):
    """Rasa input channel for SMS through Twilio, served at /webhooks/twilio_sms/webhook."""

    @classmethod
    def name(cls) -> str:
        return CHANNEL

    @classmethod
    def from_credentials(cls, credentials: Optional[dict[str, Any]]) -> TwilioSmsInput:
        # Secrets come from the environment only (bot/settings.py), never from credentials.yml.
        return cls(SmsConfig.from_settings(get_settings()))

    def __init__(self, config: SmsConfig, client: Optional[Client] = None) -> None:
        self.config = config
        self.client = client
        if config.enabled:
            channel_messages()  # a broken wording file stops the start, not a participant's HELP
        if config.enabled and client is None:
            self.client = make_client(
                account_sid=config.account_sid, auth_token=config.auth_token, api_base=config.api_base
            )
        if not config.enabled:
            logger.info("SMS channel is off: %s not set", ", ".join(config.missing))
        self._locks = KeyedLocks()

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        sms = Blueprint("twilio_sms_webhook", __name__)

        @sms.route("/", methods=["GET"])
        async def health(_: Request) -> HTTPResponse:
            return response.json({"status": "ok" if self.config.enabled else "off"})

        @sms.route("/webhook", methods=["POST"])
        async def webhook(request: Request) -> HTTPResponse:
            if not self.config.enabled:
                return response.text(
                    f"The SMS channel is off: set {', '.join(self.config.missing)} to turn it on.", status=503
                )
            params = form_params(request.body)
            if not self.verified(request, params):
                return response.text("Forbidden: missing or invalid Twilio signature.", status=403)
            sid, sender = _first(params, "MessageSid") or _first(params, "SmsSid"), _first(params, "From")
            if not sid or not sender:
                return response.text("Bad request: MessageSid and From are required.", status=400)
            try:
                await self.receive(sid, sender, _first(params, "Body"), _first(params, "OptOutType"), on_new_message)
            except SQLAlchemyError as exc:
                # The database is down, locked or read-only before anything was processed: say so, from outside it.
                logger.error("SMS %s: store unavailable (%s)", sid, type(exc).__name__)
                if keyword_of(
                    _first(params, "Body"), _first(params, "OptOutType")
                ) == OPT_OUT or await self.send_unrecorded(sender):
                    return response.text(EMPTY_TWIML, content_type="text/xml")
                return response.text("Service unavailable.", status=503)
            except Exception as exc:  # noqa: BLE001
                # The type only: exception texts can carry the participant's words or number.
                logger.error("SMS %s failed (%s)", sid, type(exc).__name__)
                return response.text("Internal error.", status=500)
            return response.text(EMPTY_TWIML, content_type="text/xml")

        return sms

    def verified(self, request: Request, params: _FormParams) -> bool:
        """True when X-Twilio-Signature matches the request under our auth token."""
        signature = request.headers.get(SIGNATURE_HEADER, "")
        if not signature:
            logger.warning("SMS webhook refused: no %s header", SIGNATURE_HEADER)
            return False
        url = signed_url(request.url, request.query_string, self.config.public_url)
        if not RequestValidator(self.config.auth_token).validate(url, params, signature):
            logger.warning("SMS webhook refused: signature does not match")
            return False
        return True

    async def receive(
        self,
        sid: str,
        sender: str,
        body: str,
        opt_out_type: str,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
    ) -> None:
        """Handle one verified message: once only, keywords first, then the activity; the claim is settled after the reply."""
        keyword = keyword_of(body, opt_out_type)
        taken = await asyncio.to_thread(sms_records.claim, sid, sender, keyword)
        if not taken.claim.process:
            logger.info("SMS %s is a repeat delivery (%s): ignored", sid, taken.claim.state)
            return
        if keyword == OPT_OUT:
            logger.info("SMS %s: sender opted out", sid)
            return
        answered = False
        reply = sms_records.ReplyRecord(taken.identity_id)
        try:
            answered = await self._answer(sid, sender, body, keyword, taken, on_new_message, reply)
        finally:
            try:
                await asyncio.to_thread(
                    sms_records.settle,
                    sid,
                    answered=answered,
                    to=sender,
                    sends=reply.sends,
                    identity_id=reply.identity_id,
                )
            except SQLAlchemyError as exc:  # the reply went out; the claim's lease decides about a retry
                logger.error("SMS %s: claim not settled (%s)", sid, type(exc).__name__)

    async def _answer(
        self,
        sid: str,
        sender: str,
        body: str,
        keyword: Optional[str],
        taken: sms_records.SmsClaim,
        on_new_message: Callable[[UserMessage], Awaitable[Any]],
        reply: sms_records.ReplyRecord,
    ) -> bool:
        """Reply to one claimed message; True when the bot's own answer (not "please send that again") went out.

        What was sent, and to which identity (a first message's is made by the turn), is noted in ``reply`` for the
        caller to record with the claim's settlement.
        """
        if taken.opted_out and keyword != OPT_IN:
            logger.info("SMS %s: sender has opted out, message not processed", sid)
            return True
        async with self._locks.hold(sender):
            # HELP from a number the bot has not met, or START after STOP: the channel's own text, no turn.
            if (keyword == HELP and taken.identity_id is None) or (
                keyword == OPT_IN and (taken.opted_out or normalised(body) != "start")
            ):
                state = await asyncio.to_thread(sms_records.reply_state, sender, taken.identity_id)
                reply.identity_id = state.identity_id
                wording = channel_messages(language=keyword_language(body) or state.language)
                reply.sends.append(await self.send(sender, [wording["help" if keyword == HELP else "opted_in"]], state))
                return True
            # START from someone who never opted out is a greeting: the activity starts or resumes. HELP during an
            # activity is the carrier's help text followed by the activity's own help, which asks the question again.
            collector = CollectingOutputChannel()
            await on_new_message(UserMessage(body, collector, sender, input_channel=CHANNEL, message_id=sid))
            # The replies are in the participant's language after this turn (a message may have switched it).
            state = await asyncio.to_thread(sms_records.reply_state, sender, taken.identity_id)
            reply.identity_id = state.identity_id
            content = load_content(state.language)
            # The bot answers every message; nothing back means a turn failed, so ask for the text again.
            replies = collector.messages or [{"text": content.plain_message("system_error")}]
            if keyword == HELP:
                carrier = channel_messages(language=keyword_language(body) or state.language)["help"]
                replies = [{"text": carrier}, *replies]
            reply.sends.append(await self.send(sender, compose(replies, content.messages), state))
            return bool(collector.messages)

    async def send_unrecorded(self, to: str) -> bool:
        """Ask the sender to send their text again without touching the database (it failed); False if Twilio refused too."""
        if self.client is None:
            return False
        body = unrecorded_reply()
        try:
            await asyncio.to_thread(self.client.messages.create, to=to, from_=self.config.from_number, body=body)
        except Exception as exc:  # noqa: BLE001 - Twilio's error text can quote the number: the type only
            logger.error("SMS 'send again' not sent (%s)", type(exc).__name__)
            return False
        return True

    async def send(self, to: str, bodies: Sequence[str], state: sms_records.ReplyState) -> SendResult:
        """Send bodies in order from the programme's number (in a worker thread: the client blocks), unrecorded:
        the caller records the result. ``state`` was read just before, so the first body needs no opt-out check."""
        if state.opted_out:
            logger.info("SMS reply not sent: the sender opted out during the turn")
            return SendResult(stopped_by="opted_out")
        if not bodies or self.client is None:
            return SendResult()
        result = await asyncio.to_thread(
            send_bodies,
            client=self.client,
            channel=CHANNEL,
            from_number=self.config.from_number,
            to=to,
            bodies=bodies,
            first_checked=True,
            record=False,
        )
        if result.stopped_by:
            logger.info("SMS replies stopped after %s of %s (%s)", result.sent, len(bodies), result.stopped_by)
        return result
