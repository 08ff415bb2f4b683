"""Web chat input channel: a stateless JSON request/response webhook for the participants' chat page."""
from __future__ import annotations

import asyncio
import logging
import re
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.store.channel_records import language_of
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

# The page makes a random 128-bit id (32 hex digits); anything else is refused so ids cannot collide with other channels' ids.
# Always fullmatch: with match and "$", "<id>\n" would pass and become a second identity.
SENDER_PATTERN = re.compile(r"[0-9a-f]{32}")
# Far above the engine's answer limit (it answers "too long" itself) but small enough to refuse floods.
MAX_MESSAGE_CHARS = 10_000
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}")  # a language code as Participant.language stores it


def error(status: int, code: str) -> HTTPResponse:
    """A JSON error the page can show; never echoes the request."""
    return response.json({"error": code}, status=status)


def parse_request(body: Any) -> tuple[Optional[tuple[str, str]], Optional[HTTPResponse]]:
    """(sender, message) from a request body, or the error response to send instead."""
    if not isinstance(body, dict):
        return None, error(400, "bad_request")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        return None, error(400, "bad_sender")
    if not isinstance(message, str):
        return None, error(400, "bad_message")
    if len(message) > MAX_MESSAGE_CHARS:
        return None, error(413, "too_long")
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate ("\\ud800") is valid JSON but not text: it could not be stored
        return None, error(400, "bad_text")
    return (sender, message), None


def sender_language(sender: str) -> Optional[str]:
    """The language the sender's participant speaks now ("en", "fr"), or None when it cannot be read (blocking: run in a thread)."""
    try:
        with session_scope() as session:
            return language_of(session=session, channel=WebChatInput.name(), external_id=sender)
    except Exception as exc:  # noqa: BLE001 - the turn is done; a reply without its language is still worth sending
        logger.error("webchat: the participant's language could not be read (%s)", type(exc).__name__)
        return None


def to_page_messages(collected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's collected bot messages reduced to what the page shows: text, buttons and custom payloads.

    The language they are written in goes in the response's Content-Language header, not in each message: the
    participant's language after the turn is the language of every reply to it (the engine switches before it answers).
    """
    out: list[dict[str, Any]] = []
    for message in collected:
        item: dict[str, Any] = {}
        if message.get("custom") is not None:
            item["custom"] = message["custom"]
        if message.get("text"):
            item["text"] = message["text"]
        if message.get("buttons"):
            item["buttons"] = [{"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in message["buttons"]]
        if item:
            out.append(item)
    return out


class WebChatInput(InputChannel):
    """POST /webhooks/webchat/webhook {sender, message} -> JSON list of bot messages; keeps no state between requests.

    The response's Content-Language header says which language ("en", "fr") the messages are in.
    """

    @classmethod
    def name(cls) -> str:
        return "webchat"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[Any]]) -> Blueprint:
        webchat = Blueprint("webchat_webhook", __name__)

        @webchat.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @webchat.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - Sanic raises its own error type for invalid JSON
                return error(400, "bad_json")
            parsed, failure = parse_request(body)
            if failure is not None:
                return failure
            sender, message = parsed
            collector = CollectingOutputChannel()
            try:
                await on_new_message(UserMessage(message, collector, sender, input_channel=self.name()))
            except asyncio.CancelledError:
                # Only ids and types are logged: the message is the participant's own words.
                logger.error("webchat turn timed out")
                return error(504, "timeout")
            except Exception as exc:  # noqa: BLE001
                logger.error("webchat turn failed (%s)", type(exc).__name__)
                return error(500, "failed")
            messages = to_page_messages(collector.messages)
            if not messages:
                # The bot answers every message: nothing back means a failed action (the action server is down).
                return error(503, "unavailable")
            language = await asyncio.to_thread(sender_language, sender)
            headers = {"Content-Language": language} if language and LANGUAGE_PATTERN.fullmatch(language) else None
            return response.json(messages, headers=headers)

        return webchat
