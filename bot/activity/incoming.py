"""One message from a participant as the engine receives it: channel, sender, verbatim text and the NLU's reading."""

from __future__ import annotations

from dataclasses import dataclass

from bot.interpretation.nlu import NluResult


@dataclass(frozen=True)
class Incoming:
    """One message from a participant, with what NLU made of it."""

    channel: str
    sender_id: str
    text: str
    nlu: NluResult = NluResult()
