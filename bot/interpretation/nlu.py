"""Rasa's NLU result for one message, reduced to what interpretation needs: intents ranked by confidence."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping, Optional

FALLBACK_INTENT = "nlu_fallback"


@dataclass(frozen=True)
class NluResult:
    """Intents best first (Rasa's FallbackClassifier's own intent removed) and whether it judged the message unclear."""

    ranking: tuple[tuple[str, float], ...] = ()
    fell_back: bool = False

    @classmethod
    def from_parse_data(cls, parse: Optional[Mapping[str, Any]]) -> NluResult:
        """From a Rasa parse_data dict (``intent`` and ``intent_ranking``)."""
        parse = parse or {}
        ranking = [
            (str(i.get("name")), float(i.get("confidence") or 0.0))
            for i in parse.get("intent_ranking") or ()
            if i.get("name")
        ]
        top = parse.get("intent") or {}
        if not ranking and top.get("name"):
            ranking = [(str(top["name"]), float(top.get("confidence") or 0.0))]
        fell_back = any(name == FALLBACK_INTENT for name, _ in ranking[:1])
        kept = tuple(sorted(((n, c) for n, c in ranking if n != FALLBACK_INTENT), key=lambda nc: -nc[1]))
        return cls(ranking=kept, fell_back=fell_back)

    @property
    def intent(self) -> Optional[str]:
        return self.ranking[0][0] if self.ranking else None

    @property
    def confidence(self) -> float:
        return self.ranking[0][1] if self.ranking else 0.0

    @property
    def margin(self) -> float:
        """How far the best intent is ahead of the second."""
        if not self.ranking:
            return 0.0
        second = self.ranking[1][1] if len(self.ranking) > 1 else 0.0
        return self.ranking[0][1] - second


def with_step_prior(nlu: NluResult, option_intents: set[str], weight: float) -> NluResult:
    """The ranking with the current step's option intents weighted up (the step is context: at "Strength or stressor?"
    a reply is most likely an answer to it) and renormalised, so a statement like "I'm switching careers" at the role
    question reads as its option rather than as a request that shares its words."""
    if not nlu.ranking or weight == 1.0 or not option_intents:
        return nlu
    weighted = [(n, c * (weight if n in option_intents else 1.0)) for n, c in nlu.ranking]
    unlisted = max(
        0.0, 1.0 - sum(c for _, c in nlu.ranking)
    )  # Rasa lists the top intents only: the rest keeps its share
    total = (sum(c for _, c in weighted) + unlisted) or 1.0
    ranked = tuple(sorted(((n, c / total) for n, c in weighted), key=lambda nc: -nc[1]))
    return NluResult(ranking=ranked, fell_back=nlu.fell_back and ranked[0][0] == nlu.ranking[0][0])
