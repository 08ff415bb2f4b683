"""Checks of the steps asked of one role only or only when a rating was unclear, and the rating words' parsing."""

from __future__ import annotations

from typing import Any, Mapping, Sequence

from bot.content.model import Step


class StepRuleError(ValueError):
    """A step's audience or rating_from, or the rating_in_words block, does not make sense."""


# Requests a question's wording can invite words of (bot.interpretation.interpret.CONFIRMABLE_REQUESTS).
INVITABLE_REQUESTS = ("help", "skip", "back", "repeat", "pause", "restart", "stop", "delete", "human", "language")


def check_steps(steps: Sequence[Step], audiences: Mapping[str, Any], source: str) -> None:
    """An audience is a known one; invited requests are known ones; rating_from names an earlier text question of the same factor, just before it."""
    ids = [s.id for s in steps]
    for index, step in enumerate(steps):
        if step.audience is not None and step.audience not in audiences:
            raise StepRuleError(f"{source}: step {step.id}: unknown audience '{step.audience}'")
        if step.audience is not None and step.kind in ("consent", "role", "review", "fix", "share"):
            raise StepRuleError(f"{source}: step {step.id}: a {step.kind} question is asked of everyone")
        unknown = step.invited_requests - set(INVITABLE_REQUESTS)
        if unknown or (step.invited_requests and step.kind != "text"):
            raise StepRuleError(
                f"{source}: step {step.id}: invited_requests needs a text question and requests among"
                f" {', '.join(INVITABLE_REQUESTS)} (not {', '.join(sorted(unknown)) or step.kind})"
            )
        if step.rating_from is None:
            continue
        if step.rating_from not in ids[:index]:
            raise StepRuleError(f"{source}: step {step.id}: rating_from '{step.rating_from}' is not an earlier step")
        source_step = steps[ids.index(step.rating_from)]
        if step.kind != "choice" or source_step.kind != "text" or source_step.factor != step.factor:
            raise StepRuleError(
                f"{source}: step {step.id}: rating_from needs a choice asked after a text question of its factor"
            )
        if ids.index(step.rating_from) != index - 1:
            raise StepRuleError(f"{source}: step {step.id}: it must come right after '{step.rating_from}'")


RatingWords = tuple[dict[str, tuple[str, ...]], tuple[str, ...], tuple[str, ...], tuple[str, ...], tuple[str, ...]]


def rating_words(raw: Any, values: Sequence[str], source: str) -> RatingWords:
    """The ``rating_in_words`` block: phrases by rating value, the small words allowed beside them, the words that
    state a rating when they open a part of the reply, the words that make it asked instead, and the words that
    make a phrase right after them a thing rather than a rating ("I have the strength for it")."""
    if not raw:
        return {}, (), (), (), ()
    if not isinstance(raw, Mapping) or not isinstance(raw.get("phrases"), Mapping):
        raise StepRuleError(f"{source}: rating_in_words needs 'phrases' (a mapping of rating to phrases)")
    phrases = {str(k): tuple(str(p).lower() for p in v) for k, v in raw["phrases"].items()}
    unknown = [k for k in phrases if k not in values]
    if unknown:
        raise StepRuleError(f"{source}: rating_in_words: no rating option {unknown}")
    fillers = tuple(str(f).lower() for f in raw.get("fillers") or ())
    leading = tuple(str(w).lower() for w in raw.get("leading") or ())
    unless = tuple(str(w).lower() for w in raw.get("unless") or ())
    not_after = tuple(str(w).lower() for w in raw.get("not_after") or ())
    return phrases, fillers, leading, unless, not_after
