"""What the engine asks the channel to say: text with optional choices, or a structured summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Optional

from bot.content.model import Option

SUMMARY_TYPE = "mf_summary"


@dataclass(frozen=True)
class BotMessage:
    """One outgoing message: text, the options the participant may pick, or a custom payload."""

    text: str
    options: tuple[Option, ...] = ()
    custom: Optional[dict[str, Any]] = None
    choose_up_to: int = 1  # how many of the options one reply may pick (a multi-select question: more than 1)


@dataclass
class Outcome:
    """Everything one incoming message produced."""

    messages: list[BotMessage] = field(default_factory=list)
    handoff_id: Optional[int] = None
    erased_sender_ids: list[str] = field(default_factory=list)  # a participant erased on request: their Rasa senders
