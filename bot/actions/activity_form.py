"""The activity form: its validation action hands each message to the engine and closes the loop for the turn."""

from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.turn import HANDLED_SLOT, already_handled, handle_turn

# Setting requested_slot to None ends the form for this turn, so Rasa does not call the ask action:
# one action-server round trip per message. Where the participant is lives in the database, not in the loop.
END_OF_TURN = [SlotSet("answer", None), SlotSet("requested_slot", None)]


class ValidateActivityForm(FormValidationAction):
    """Runs on every message (the form is activated for each one): the engine saves, moves on and replies."""

    def name(self) -> str:
        return "validate_activity_form"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        events: List[EventType] = []
        if not already_handled(tracker):
            key = await asyncio.to_thread(handle_turn, dispatcher, tracker)
            events.append(SlotSet(HANDLED_SLOT, key))
        return events + END_OF_TURN

    async def validate_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        """Kept for the form contract; run() handles the message before slot validation would."""
        return {"answer": None}


class ActionAskAnswer(Action):
    """The form's ask action: only reached if a turn was not ended by the validation; then it handles the message."""

    def name(self) -> str:
        return "action_ask_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if already_handled(tracker):
            return []
        key = await asyncio.to_thread(handle_turn, dispatcher, tracker)
        return [SlotSet(HANDLED_SLOT, key)]
