"""The activity form: its validation saves each answer; its ask action asks the current question."""
from __future__ import annotations

import asyncio
from typing import Any, Dict, List

from rasa_sdk import Action, FormValidationAction, Tracker
from rasa_sdk.events import EventType, SlotSet
from rasa_sdk.executor import CollectingDispatcher
from rasa_sdk.types import DomainDict

from bot.actions.turn import HANDLED_SLOT, already_handled, handle_turn


class ValidateActivityForm(FormValidationAction):
    """Every message while the form is active is handled by the activity engine; the slot is never kept."""

    def name(self) -> str:
        return "validate_activity_form"

    async def validate_answer(
        self, slot_value: Any, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict
    ) -> Dict[str, Any]:
        if already_handled(tracker):
            return {"answer": None}
        key = await asyncio.to_thread(handle_turn, dispatcher, tracker)
        return {"answer": None, HANDLED_SLOT: key}


class ActionAskAnswer(Action):
    """Asks for the next answer; on the form's activation it also handles the message that woke it."""

    def name(self) -> str:
        return "action_ask_answer"

    async def run(self, dispatcher: CollectingDispatcher, tracker: Tracker, domain: DomainDict) -> List[EventType]:
        if already_handled(tracker):
            return []
        key = await asyncio.to_thread(handle_turn, dispatcher, tracker)
        return [SlotSet(HANDLED_SLOT, key)]
