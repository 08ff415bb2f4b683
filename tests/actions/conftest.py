"""Fixtures for action tests: the real domain from domain.yml and trackers built like Rasa sends them."""

from __future__ import annotations

from typing import Any, Callable, Optional

import pytest
from rasa.shared.core.domain import Domain
from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.settings import REPO_ROOT

TrackerFactory = Callable[..., Tracker]


@pytest.fixture(scope="session")
def domain() -> DomainDict:
    """The real domain, as the Rasa server sends it to the action server."""
    return Domain.load(str(REPO_ROOT / "domain.yml")).as_dict()


@pytest.fixture
def dispatcher() -> CollectingDispatcher:
    return CollectingDispatcher()


def tracker_state(
    *,
    sender_id: str,
    text: str,
    message_id: Optional[str],
    handled: Optional[str] = None,
    channel: str = "rest",
    intent: str = "inform",
    confidence: float = 0.9,
    with_slot_candidate: bool = True,
    timestamp: float = 1_700_000_000.25,
) -> dict[str, Any]:
    """Tracker JSON as the Rasa server posts it while the activity form is active."""
    parse_data: dict[str, Any] = {
        "text": text,
        "intent": {"name": intent, "confidence": confidence},
        "entities": [],
        "intent_ranking": [{"name": intent, "confidence": confidence}],
    }
    user_event: dict[str, Any] = {
        "event": "user",
        "timestamp": timestamp,
        "text": text,
        "parse_data": dict(parse_data),
        "input_channel": channel,
        "metadata": {},
    }
    if message_id is not None:
        parse_data["message_id"] = message_id
        user_event["parse_data"]["message_id"] = message_id
        user_event["message_id"] = message_id
    events: list[dict[str, Any]] = [
        {"event": "action", "timestamp": timestamp - 10, "name": "action_listen", "policy": None, "confidence": None},
        user_event,
    ]
    slots: dict[str, Any] = {"answer": None, "handled_message_id": handled, "requested_slot": "answer"}
    if with_slot_candidate:
        # The form extracts the whole message into `answer` and appends the candidate before calling validation.
        events.append({"event": "slot", "timestamp": timestamp + 0.1, "name": "answer", "value": text})
        slots["answer"] = text
    return {
        "sender_id": sender_id,
        "slots": slots,
        "latest_message": parse_data,
        "events": events,
        "paused": False,
        "followup_action": None,
        "active_loop": {"name": "activity_form"},
        "latest_action_name": "action_listen",
    }


@pytest.fixture
def make_tracker() -> TrackerFactory:
    def build(**kwargs: Any) -> Tracker:
        return Tracker.from_dict(tracker_state(**kwargs))

    return build


def text_message(text: str, buttons: Optional[list[dict[str, str]]] = None) -> dict[str, Any]:
    """A dispatched message exactly as CollectingDispatcher records it."""
    return {
        "text": text,
        "buttons": buttons or [],
        "elements": [],
        "custom": {},
        "template": None,
        "response": None,
        "image": None,
        "attachment": None,
    }


def custom_message(custom: dict[str, Any]) -> dict[str, Any]:
    return {
        "text": None,
        "buttons": [],
        "elements": [],
        "custom": custom,
        "template": None,
        "response": None,
        "image": None,
        "attachment": None,
    }
