"""The NLU intents (bot/data/nlu) grouped by what they mean to the engine."""

from __future__ import annotations

# Rasa reserves the intent names "back" and "restart", hence go_back and start_over.
REQUEST_INTENTS = {
    "help": "help",
    "skip": "skip",
    "go_back": "back",
    "repeat": "repeat",
    "pause": "pause",
    "start_over": "restart",
    "stop": "stop",
    "greet": "greet",
    "delete_data": "delete",
    "human": "human",
    "change_language": "language",
}
QUESTION_INTENTS = {
    "ask_who_sees": "who_sees",
    "ask_if_no": "if_no",
    "ask_delete_how": "delete_how",
    "ask_is_human": "is_human",
    "ask_duration": "duration",
    "ask_next": "next",
    "ask_meaning": "meaning",
    "ask_purpose": "purpose",
}
ASIDE_INTENTS = {"aside_wait": "wait", "aside_leave": "leave"}
THANKS_INTENT = "thanks"
ANSWER_INTENT = "inform"
AFFIRM = "affirm"
DENY = "deny"
