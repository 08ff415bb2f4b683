"""The web chat request rules, one copy for the page's proxy (bot/web) and Rasa's webchat channel: who sends what."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any, Optional, Union

# The page makes a random 128-bit id (32 hex digits); anything else is refused so ids cannot collide with other channels' ids.
# Always fullmatch: with match and "$", "<id>\n" would pass and become a second identity.
SENDER_PATTERN = re.compile(r"[0-9a-f]{32}")
# Far above the engine's answer limit (it answers "too long" itself) but small enough to refuse floods.
MAX_MESSAGE_CHARS = 10_000
LANGUAGE_PATTERN = re.compile(r"[a-z]{2}")  # a language code as Participant.language stores it
# A site's code as a /s/<code> link carries it (the page sends it with each message; only a real site is ever linked).
SITE_PATTERN = re.compile(r"[A-Za-z0-9_-]{1,64}")


@dataclass(frozen=True)
class ChatRequest:
    sender: str
    message: str
    site: Optional[str] = None  # the site code of the /s/<code> link the page was opened from


@dataclass(frozen=True)
class Refusal:
    """Why a request is refused: the HTTP status and a stable code the page turns into a friendly sentence."""

    status: int
    code: str


def read_chat_request(body: Any) -> Union[ChatRequest, Refusal]:
    """The {sender, message} of a request body, or why it is refused (never an echo of the request)."""
    if not isinstance(body, dict):
        return Refusal(400, "bad_request")
    sender, message = body.get("sender"), body.get("message")
    if not isinstance(sender, str) or not SENDER_PATTERN.fullmatch(sender):
        return Refusal(400, "bad_sender")
    if not isinstance(message, str):
        return Refusal(400, "bad_message")
    if len(message) > MAX_MESSAGE_CHARS:
        return Refusal(413, "too_long")
    if not encodable(message):
        return Refusal(400, "bad_text")
    site = body.get("site")
    if site is not None and (not isinstance(site, str) or not SITE_PATTERN.fullmatch(site)):
        return Refusal(400, "bad_site")
    return ChatRequest(sender, message, site)


def encodable(text: str) -> bool:
    """False for text that is not valid Unicode (a lone surrogate such as "\\ud800" that JSON allows): it cannot be stored."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
