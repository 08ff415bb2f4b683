"""Web chat input channel: a stateless JSON request/response webhook for the participants' chat page."""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable, Callable, Optional, Union

from rasa.core.channels.channel import CollectingOutputChannel, InputChannel, UserMessage
from sanic import Blueprint, response
from sanic.request import Request
from sanic.response import HTTPResponse

from bot.chat_request import LANGUAGE_PATTERN, ChatRequest, Refusal, read_chat_request
from bot.store.channel_records import language_of
from bot.store.db import session_scope
from bot.store.site_entry import link_site_by_code

logger = logging.getLogger(__name__)


def error(status: int, code: str) -> HTTPResponse:
    """A JSON error the page can show; never echoes the request."""
    return response.json({"error": code}, status=status)


def read_request(body: Any) -> Union[ChatRequest, HTTPResponse]:
    """The request's sender, message and site, or the error response to send instead (rules: bot/chat_request.py)."""
    read = read_chat_request(body)
    if isinstance(read, Refusal):
        return error(read.status, read.code)
    return read


def parse_request(body: Any) -> Union[tuple[str, str], HTTPResponse]:
    """(sender, message) from a request body, or the error response to send instead."""
    read = read_request(body)
    return read if isinstance(read, HTTPResponse) else (read.sender, read.message)


def sender_language(sender: str) -> Optional[str]:
    """The language the sender's participant speaks now ("en", "fr"), or None when it cannot be read (blocking: run in a thread)."""
    try:
        with session_scope() as session:
            return language_of(session=session, channel=WebChatInput.name(), external_id=sender)
    except Exception as exc:  # noqa: BLE001 - the turn is done; a reply without its language is still worth sending
        logger.error("webchat: the participant's language could not be read (%s)", type(exc).__name__)
        return None


def link_site(sender: str, site: str) -> None:
    """Attach the sender's participant to the site of the link the page was opened from, if they have none (blocking)."""
    with session_scope() as session:
        linked = link_site_by_code(session=session, channel=WebChatInput.name(), external_id=sender, code=site)
    if not linked:
        logger.info("webchat: a message named a site that does not exist")


class WebChatCollector(CollectingOutputChannel):
    """Rasa's collecting output, keeping a message's language parts (bot.actions.turn.language_parts) with its text,
    and a multi-select question's limit (bot.actions.turn.choice_limit) with its buttons."""

    async def send_text_message(self, recipient_id: str, text: str, **kwargs: Any) -> None:
        parts = kwargs.get("parts")
        if not parts:
            await super().send_text_message(recipient_id, text, **kwargs)
            return
        # One message, not cut at blank lines as Rasa's collector does: the parts cover the whole text.
        await self._persist_message({**self._message(recipient_id, text=text), "parts": parts})

    async def send_text_with_buttons(
        self, recipient_id: str, text: str, buttons: list[dict[str, Any]], **kwargs: Any
    ) -> None:
        message = self._message(recipient_id, text=text, buttons=buttons)
        parts = kwargs.get("parts")
        if parts:
            message["parts"] = parts
        if kwargs.get("choose_up_to") is not None:
            message["choose_up_to"] = kwargs["choose_up_to"]
        await self._persist_message(message)


def page_parts(text: str, parts: Any) -> Optional[list[dict[str, str]]]:
    """A message's language parts as the page takes them ({text, lang?} each, together exactly the text), or None."""
    if not isinstance(parts, list) or not parts:
        return None
    out: list[dict[str, str]] = []
    for part in parts:
        if not isinstance(part, dict) or not isinstance(part.get("text"), str):
            return None
        lang = part.get("lang")
        if lang is not None and not (isinstance(lang, str) and LANGUAGE_PATTERN.fullmatch(lang)):
            return None
        out.append({"text": part["text"], **({"lang": lang} if lang else {})})
    return out if "".join(part["text"] for part in out) == text else None


def page_choice_limit(value: Any, buttons: int) -> Optional[int]:
    """How many of a message's ``buttons`` one reply may choose, as the page takes it (a whole number from 2 up), or
    None for a question answered by a single button."""
    if isinstance(value, bool) or not isinstance(value, int) or value < 2 or buttons < 2:
        return None
    return min(value, buttons)


def to_page_messages(collected: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Rasa's collected bot messages reduced to what the page shows: text (with its language parts), buttons (with how
    many may be chosen together) and custom payloads.

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
            parts = page_parts(message["text"], message.get("parts"))
            if parts is not None:
                item["parts"] = parts  # passages in another language, for the page's lang attributes
        if message.get("buttons"):
            item["buttons"] = [
                {"title": str(b.get("title", "")), "payload": str(b.get("payload", ""))} for b in message["buttons"]
            ]
            limit = page_choice_limit(message.get("choose_up_to"), len(item["buttons"]))
            if limit is not None:
                item["choose_up_to"] = limit  # several buttons may be chosen, then sent as one reply
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
            parsed = read_request(body)
            if isinstance(parsed, HTTPResponse):
                return parsed
            sender, message = parsed.sender, parsed.message
            if parsed.site:
                try:
                    await asyncio.to_thread(link_site, sender, parsed.site)
                except Exception as exc:  # noqa: BLE001 - the turn itself reports a store that is down
                    logger.error("webchat: site link not recorded (%s)", type(exc).__name__)
            collector = WebChatCollector()
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
