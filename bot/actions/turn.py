"""Run one participant message through the activity engine and send the replies through the Rasa dispatcher."""

from __future__ import annotations

import logging
import threading
from typing import Any, Optional, cast

from rasa_sdk import Tracker
from rasa_sdk.executor import CollectingDispatcher

from bot.activity.flow import ActivityFlow
from bot.activity.incoming import Incoming
from bot.activity.replies import BotMessage
from bot.capabilities import capabilities_of
from bot.content import load_content
from bot.content.language_spans import has_foreign_passage, plain_text, split_languages
from bot.interpretation.nlu import NluResult
from bot.settings import get_settings
from bot.staff import notify
from bot.store import erasure
from bot.store.db import session_scope

logger = logging.getLogger(__name__)
HANDLED_SLOT = "handled_message_id"


def latest_user_event(tracker: Tracker) -> Optional[dict[str, Any]]:
    """The most recent user event of the conversation."""
    for event in reversed(tracker.events):
        if event.get("event") == "user":
            return cast(dict[str, Any], event)
    return None


def message_key(tracker: Tracker) -> Optional[str]:
    """A key identifying the latest user message (Rasa's message id, else its timestamp)."""
    event = latest_user_event(tracker)
    if event is None:
        return None
    return str(event.get("message_id") or event.get("timestamp"))


def already_handled(tracker: Tracker) -> bool:
    """True when this turn's user message was already processed (by the form's validation)."""
    key = message_key(tracker)
    return key is not None and tracker.get_slot(HANDLED_SLOT) == key


def language_parts(text: str, channel: str) -> dict[str, Any]:
    """{"parts": [{"text": ..., "lang": "fr"}, ...]} for a text with a passage in another language, on a channel that
    marks languages (the web chat); {} otherwise. Rasa hands this extra field to the channel with the message."""
    parts = split_languages(text)
    if not capabilities_of(channel).marks_languages or not has_foreign_passage(parts):
        return {}
    return {"parts": [{"text": piece, **({"lang": lang} if lang else {})} for piece, lang in parts]}


def choice_limit(message: BotMessage, channel: str) -> dict[str, Any]:
    """{"choose_up_to": n} for a question whose buttons may be chosen several at once (n > 1), on a channel that
    offers that (the web chat); {} otherwise. Like the parts, Rasa hands this extra field to the channel with the
    message (BotUttered metadata); channels that do not pick several keep their plain buttons ("Reply 3 4" by SMS)."""
    if not message.options or message.choose_up_to <= 1 or not capabilities_of(channel).picks_several:
        return {}
    return {"choose_up_to": message.choose_up_to}


def dispatch(dispatcher: CollectingDispatcher, messages: list[BotMessage], channel: str) -> None:
    """Send engine messages: text with buttons for options, a custom payload for the summary.

    The text always goes out plain (no [fr]...[/fr] tags: SMS, Telegram, REST and the terminal print it as it is);
    a channel that marks languages gets the passages as parts too, and one that picks several gets a multi-select
    question's limit with its buttons.
    """
    for message in messages:
        if message.custom is not None:
            dispatcher.utter_message(json_message=message.custom)
            continue
        extra = language_parts(message.text, channel)
        if message.options:
            buttons = [{"title": o.label, "payload": o.label} for o in message.options]
            dispatcher.utter_message(
                text=plain_text(message.text), buttons=buttons, **extra, **choice_limit(message, channel)
            )
        else:
            dispatcher.utter_message(text=plain_text(message.text), **extra)


def incoming_from(tracker: Tracker) -> Incoming:
    """What the engine needs from the tracker: channel, sender, verbatim text and NLU intent."""
    event = latest_user_event(tracker) or {}
    parse = event.get("parse_data") or tracker.latest_message or {}
    return Incoming(
        channel=event.get("input_channel") or tracker.get_latest_input_channel() or "rest",
        sender_id=tracker.sender_id,
        text=str(event["text"]) if event.get("text") is not None else str(parse.get("text") or ""),
        nlu=NluResult.from_parse_data(parse),
    )


def handle_turn(dispatcher: CollectingDispatcher, tracker: Tracker) -> Optional[str]:
    """Process the latest user message once: save, then reply. Returns the message key handled."""
    incoming = incoming_from(tracker)
    settings = get_settings()
    content = load_content()
    try:
        with session_scope() as session:
            outcome = ActivityFlow(
                session=session, content=content, settings=settings, content_for=load_content
            ).handle(incoming)
            if outcome.handoff_id is not None:
                # In the same transaction as the handoff: the notices exist exactly when it does (the worker sends them).
                notify.enqueue_notices(session=session, handoff_id=outcome.handoff_id, settings=settings)
    except Exception as exc:  # noqa: BLE001
        # Only the error's type is logged: database errors carry the participant's words in their text.
        logger.error("turn failed (%s) on channel %s", type(exc).__name__, incoming.channel)
        dispatch(dispatcher, [BotMessage(content.message("system_error"))], incoming.channel)
        return message_key(tracker)
    # Replies go out only after the answer is committed, so nothing is confirmed that was not saved.
    dispatch(dispatcher, outcome.messages, incoming.channel)
    if outcome.erased_sender_ids:
        erase_tracker_later(outcome.erased_sender_ids)
    return message_key(tracker)


TRACKER_ERASE_DELAY_S = 10.0


def erase_tracker_later(sender_ids: list[str]) -> None:
    """Delete an erased participant's Rasa events once this turn's own events are written (SQL tracker store only).

    Rasa writes the turn's events after the action returns, so deleting them now would be undone.
    """
    url = get_settings().tracker_database_url
    if not url:
        return  # trackers in memory (embedded profile): nothing is kept on disk

    def erase() -> None:
        try:
            erasure.delete_tracker_events(url=url, sender_ids=sender_ids)
        except Exception as exc:  # noqa: BLE001
            logger.error("tracker erase failed (%s)", type(exc).__name__)

    timer = threading.Timer(TRACKER_ERASE_DELAY_S, erase)
    timer.daemon = True
    timer.start()
