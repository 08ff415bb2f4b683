"""Telling a request (help, skip, back, ...) from an answer: only a whole message that is a command phrase counts."""
from __future__ import annotations

from typing import Optional

from bot.activity.text import normalise
from bot.content.model import Content

# NLU intents that name the same requests; trusted only where an answer cannot be free text.
# Rasa reserves the intent names "back" and "restart", hence go_back and start_over.
CONTROL_INTENTS = {"help": "help", "skip": "skip", "go_back": "back", "repeat": "repeat", "pause": "pause", "start_over": "restart", "stop": "stop"}
NLU_CONFIDENCE = 0.85


def _strip_fillers(text: str, content: Content) -> set[str]:
    """The text and every form of it with polite words removed from its ends, one at a time."""
    forms, todo = {text}, [text]
    while todo:
        current = todo.pop()
        for filler in content.leading_fillers:
            if current.startswith(filler + " "):
                todo.append(current[len(filler) + 1 :].strip())
        for filler in content.trailing_fillers:
            if current.endswith(" " + filler):
                todo.append(current[: -len(filler) - 1].strip())
        todo = [t for t in todo if t not in forms]
        forms.update(todo)
    return forms


def detect_command(text: str, content: Content) -> Optional[str]:
    """The command a whole message asks for ("help", "pause", ...), or None if it is an answer."""
    norm = normalise(text)
    candidates = _strip_fillers(norm, content) | _strip_fillers(norm.rstrip("?").strip(), content)
    candidates.discard("")
    for command, phrases in content.commands.items():
        if candidates & set(phrases):
            return command
    if "?" in candidates or norm == "?":
        return "help"
    return None


def command_from_intent(intent: Optional[str], confidence: float) -> Optional[str]:
    """A command from the NLU intent, when it is a control intent and the model is confident."""
    if intent in CONTROL_INTENTS and confidence >= NLU_CONFIDENCE:
        return CONTROL_INTENTS[intent]
    return None
