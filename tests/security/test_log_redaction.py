"""bot.log_redaction: Rasa's log lines lose the conversation's words and ids, and keep the names of what happened."""

from __future__ import annotations

import json
import logging

import pytest

from bot import log_redaction
from bot.log_redaction import REDACTED, redact


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Acquiring lock for conversation '+19025550123'.", f"Acquiring lock for conversation '{REDACTED}'."),
        (
            "Tracker with sender_id '987654321' stored to database",
            f"Tracker with sender_id '{REDACTED}' stored to database",
        ),
        ("Recreating tracker from sender id '987654321'", f"Recreating tracker from sender id '{REDACTED}'"),
        ("Recreating tracker for id '987654321'", f"Recreating tracker for id '{REDACTED}'"),
        (
            "Starting a new session for conversation ID 'x1'.",
            f"Starting a new session for conversation ID '{REDACTED}'.",
        ),
        ("Validating extracted slots: {'answer': 'nights only'}", f"Validating extracted slots: {REDACTED}"),
        (
            "Predicted next action 'activity_form' with confidence 1.00.",
            "Predicted next action 'activity_form' with confidence 1.00.",
        ),
    ],
)
def test_sentences_lose_ids_and_contents(line: str, expected: str) -> None:
    assert redact(line) == expected


def test_structured_events_keep_only_names_and_numbers() -> None:
    event = {
        "parse_data_text": "nights only",
        "parse_data_intent": {"name": "inform", "confidence": 0.9},
        "parse_data_entities": [],
        "current_states": "[state 1] user text: nights only",
        "len_extraction_events": 0,
        "event": "processor.message.parse",
        "level": "debug",
    }
    assert json.loads(redact(json.dumps(event))) == {
        **event,
        "parse_data_text": REDACTED,
        "current_states": REDACTED,
    }


def test_installed_factory_redacts_records_before_any_handler(caplog: pytest.LogCaptureFixture) -> None:
    factory = logging.getLogRecordFactory()
    try:
        log_redaction._installed = False
        log_redaction.install()
        with caplog.at_level(logging.DEBUG, logger="rasa.core.lock_store"):
            logging.getLogger("rasa.core.lock_store").debug("Deleted lock for conversation '%s'.", "+19025550123")
        assert caplog.messages == [f"Deleted lock for conversation '{REDACTED}'."]
    finally:
        logging.setLogRecordFactory(factory)
        log_redaction._installed = False
