"""Rasa's REST channel for local use (terminal chat, tests): it can never speak for another channel's participant."""

from __future__ import annotations

import logging
from typing import Any, Awaitable, Callable, Optional

from rasa.core.channels.channel import CollectingOutputChannel, UserMessage
from rasa.core.channels.rest import RestInput
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
# The engine refuses answers over 4,000 characters itself; anything far larger is a flood, refused before NLU runs.
MAX_MESSAGE_CHARS = 10_000


def _reason(body: Any) -> Optional[tuple[int, str]]:
    """Why a request body is refused (status, code), or None when it is a well-formed message."""
    if not isinstance(body, dict):
        return 400, "bad_request"
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not sender.strip() or len(sender) > 128 or sender != sender.strip():
        return 400, "bad_sender"
    if not isinstance(message, str):
        return 400, "bad_message"
    if len(message) > MAX_MESSAGE_CHARS:
        return 413, "too_long"
    try:
        message.encode("utf-8")
    except UnicodeEncodeError:  # a lone surrogate: no database can store it
        return 400, "bad_text"
    return None


def with_text(message: dict[str, Any]) -> dict[str, Any]:
    """A collected message with a ``text`` a plain client can print: a custom payload's own text (the summary's full
    text) when the message has none, the payload itself kept for clients that draw it."""
    custom = message.get("custom")
    if message.get("text") is None and isinstance(custom, dict) and isinstance(custom.get("text"), str):
        return {**message, "text": custom["text"]}
    return message


class LocalRestInput(RestInput):
    """POST /webhooks/rest/webhook {sender, message}: the channel is always "rest", whatever the body claims."""

    @classmethod
    def name(cls) -> str:
        return "rest"

    def blueprint(self, on_new_message: Callable[[UserMessage], Awaitable[None]]) -> Blueprint:
        rest = Blueprint("local_rest_webhook", __name__)

        @rest.route("/", methods=["GET"])
        async def health(_request: Request) -> HTTPResponse:
            return response.json({"status": "ok"})

        @rest.route("/webhook", methods=["POST"])
        async def receive(request: Request) -> HTTPResponse:
            try:
                body = request.json
            except Exception:  # noqa: BLE001 - Sanic raises its own error type for invalid JSON
                return response.json({"error": "bad_json"}, status=400)
            reason = _reason(body)
            if reason is not None:
                return response.json({"error": reason[1]}, status=reason[0])
            collector = CollectingOutputChannel()
            try:
                # Rasa's RestInput takes "input_channel" from the body, which let a caller act as an SMS or
                # Telegram participant; here the channel is always "rest".
                await on_new_message(UserMessage(body["message"], collector, body["sender"], input_channel=self.name()))
            except Exception as exc:  # noqa: BLE001 - only the type: the message is the participant's words
                logger.error("rest turn failed (%s)", type(exc).__name__)
                return response.json({"error": "failed"}, status=503)
            if not collector.messages and not body["message"].startswith("/"):
                # The bot answers every message (a "/intent" command such as /session_start excepted): nothing back
                # means a failed action (the action server is down).
                return response.json({"error": "unavailable"}, status=503)
            return response.json([with_text(message) for message in collector.messages])

        return rest
