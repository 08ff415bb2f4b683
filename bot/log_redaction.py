"""Redact participants' words and addresses from the Rasa server's log records, whatever the log level.

At DEBUG, Rasa logs each message's text and the rule policy's states (which hold it), the bot's replies (the review
echoes the answers), slot values, and the conversation id (a phone number or a Telegram chat id) in most lines.
``install()`` sets a log record factory, so every record is redacted once, when it is made, before any handler
(console, ``--log-file``, syslog) sees it.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

REDACTED = "[redacted]"
# Rasa's structured (structlog) events are JSON objects: these keys carry names and numbers, never words or ids.
SAFE_KEYS = frozenset(
    {"event", "level", "action_name", "action_extract_slot", "len_extraction_events", "parse_data_intent", "policy"}
)
# A conversation id in Rasa's own sentences: "conversation 'x'", "conversation ID 'x'", "sender_id 'x'", "for id 'x'".
_CONVERSATION_ID = re.compile(r"\b((?:conversation(?: ID)?|sender[ _]id|sender|for id)\s+)'[^']*'", re.IGNORECASE)
# Sentences whose tail is a list of events or slot values (the participant's words among them).
_CONTENT_TAIL = re.compile(
    r"((?:resulted in these events|Validating extracted slots|ended with events):?\s*)\S.*", re.S
)
_installed = False


def redact_json_event(message: str) -> str:
    """A structlog JSON event with every value outside SAFE_KEYS replaced (empty values and numbers kept)."""
    try:
        event = json.loads(message)
    except ValueError:
        return message
    if not isinstance(event, dict):
        return message
    return json.dumps({key: _safe_value(key, value) for key, value in event.items()}, ensure_ascii=False)


def _safe_value(key: str, value: Any) -> Any:
    if key in SAFE_KEYS or value is None or isinstance(value, (bool, int, float)) or value in ("", [], {}):
        return value
    return REDACTED


def redact(message: str) -> str:
    """``message`` without the words and ids of a conversation."""
    if message.startswith("{") and message.endswith("}"):
        return redact_json_event(message)
    return _CONTENT_TAIL.sub(rf"\g<1>{REDACTED}", _CONVERSATION_ID.sub(rf"\g<1>'{REDACTED}'", message))


def install() -> None:
    """Redact every log record made in this process from now on (idempotent)."""
    global _installed
    if _installed:
        return
    make_record = logging.getLogRecordFactory()

    def redacted_record(*args: Any, **kwargs: Any) -> logging.LogRecord:
        record = make_record(*args, **kwargs)
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string: its arguments may be the words
            message = f"{record.msg!s:.80} ({REDACTED} arguments)"
        record.msg, record.args = redact(message), ()
        return record

    logging.setLogRecordFactory(redacted_record)
    _installed = True
