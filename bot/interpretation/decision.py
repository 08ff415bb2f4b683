"""What the interpretation step decided a message is; the engine acts on it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional

from bot.content.model import Option

ANSWER = "answer"  # an answer to the current question (options picked, or free text to save verbatim)
REQUEST = "request"  # help, skip, back, repeat, pause, restart, stop, greet, delete, human, language, share, withdraw
QUESTION = "question"  # a question the content can answer (value: the FAQ topic)
ASIDE = "aside"  # "hang on" (value "wait") or "gotta run" (value "leave")
THANKS = "thanks"
CONFIRM_OPTION = "confirm_option"  # probably this option: ask "Did you mean ...?" first
CONFIRM_ANSWER = "confirm_answer"  # free text that may not be an answer: ask "Is that your answer?" first
CONFIRM_REQUEST = (
    "confirm_request"  # free text that may be a request: ask "Do you want to pause?" (no: it is the answer)
)
UNCLEAR = "unclear"  # a choice that picks nothing

KINDS = (ANSWER, REQUEST, QUESTION, ASIDE, THANKS, CONFIRM_OPTION, CONFIRM_ANSWER, CONFIRM_REQUEST, UNCLEAR)


@dataclass(frozen=True)
class Decision:
    """One message's meaning: its kind, a value (request name, FAQ topic, aside kind), the option(s) it picks."""

    kind: str
    value: Optional[str] = None
    options: tuple[Option, ...] = ()
    confidence: float = 1.0
    reason: str = ""  # which rule decided, for the evaluation report and tests

    @property
    def option(self) -> Optional[Option]:
        return self.options[0] if self.options else None
