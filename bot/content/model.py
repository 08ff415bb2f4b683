"""Typed, read-only view of the activity content."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Mapping, Optional

from bot.content.language_spans import plain_text

ANY = "any"

ACKNOWLEDGEMENTS = 4  # messages ack_1 ... ack_4, taken in turn after the reflections


@dataclass(frozen=True)
class Option:
    """One choice a participant can pick by number, label or synonym."""

    value: str
    label: str
    synonyms: tuple[str, ...] = ()
    intents: tuple[str, ...] = ()  # NLU intents that mean this option
    meaning: str = ""  # a few words shown when the choices are explained


@dataclass(frozen=True)
class Factor:
    """One of the six Magnetic Factors, with its explanation for each audience."""

    id: str
    name: str
    short_name: str
    explain: Mapping[str, str]
    keywords: tuple[str, ...] = ()

    def text_for(self, audience: Optional[str]) -> str:
        """The factor's explanation for this audience."""
        return _for(self.explain, audience)


def _for(texts: Mapping[str, str], audience: Optional[str]) -> str:
    if audience and audience in texts:
        return texts[audience]
    if ANY in texts:
        return texts[ANY]
    # Before the participant has said who they are, the first audience's wording is used.
    return next(iter(texts.values()))


@dataclass(frozen=True)
class Term:
    """A word participants ask about ("what's a stressor?"), the words that name it, and its meaning."""

    id: str
    keywords: tuple[str, ...]
    text: Mapping[str, str]

    def text_for(self, audience: Optional[str]) -> str:
        return _for(self.text, audience)


@dataclass(frozen=True)
class Step:
    """One question of the activity."""

    id: str
    kind: str
    prompt: Mapping[str, str]
    options: tuple[Option, ...] = ()
    factor: Optional[str] = None
    group: Optional[str] = None
    skippable: bool = False
    max_choices: int = 1
    help: Mapping[str, str] = field(default_factory=dict)
    audience: Optional[str] = None  # asked of this audience only (work_seeker or employer); None: of everyone
    # A rating asked only when the words given at the step named here carried no clear rating ("Strength: ...").
    rating_from: Optional[str] = None
    # The answer names something (a business, a job): a reply the NLU reads as a request or an aside is checked
    # ("Is that your answer?"), never acted on, since names hold such words ("Pause Café", "Une Minute").
    answer_is_name: bool = False
    # Requests the question's own wording invites words of ("how has this helped you?" invites "it helped me ..."):
    # the NLU alone never offers them here ("Do you want help?"); only their command phrases ("help") act.
    invited_requests: frozenset[str] = frozenset()

    def applies_to(self, audience: Optional[str]) -> bool:
        """Whether this question is asked of ``audience`` (a question for one role is not asked before the role)."""
        return self.audience is None or self.audience == audience

    def prompt_for(self, audience: Optional[str]) -> str:
        return _for(self.prompt, audience)

    def help_for(self, audience: Optional[str]) -> Optional[str]:
        return _for(self.help, audience) if self.help else None


@dataclass(frozen=True)
class Content:
    """Everything the bot says and understands in one language."""

    language: str
    version: str
    audiences: Mapping[str, Mapping[str, str]]
    factors: tuple[Factor, ...]
    steps: tuple[Step, ...]
    commands: Mapping[str, tuple[str, ...]]
    leading_fillers: tuple[str, ...]
    trailing_fillers: tuple[str, ...]
    messages: Mapping[str, str]
    faq: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    terms: tuple[Term, ...] = ()
    request_actions: Mapping[str, str] = field(default_factory=dict)
    # Words that state a rating inside a reflection ("Strength: I'm good with people"), by rating value, and the
    # small words that may stand beside them in that clause ("mostly a stressor", "I'd say strength").
    rating_words: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    rating_fillers: tuple[str, ...] = ()
    rating_leading: tuple[str, ...] = ()  # rating words that state it when they open a part ("Strength, I ...")
    rating_unless: tuple[str, ...] = ()  # words that may turn a rating around ("lol", "said no one"): then it is asked
    rating_not_after: tuple[str, ...] = ()  # "the strength", "la force": the thing itself, not a rating
    # After a share: both uses of the summary, matches only, research only, or neither (options.uses).
    uses_options: tuple[Option, ...] = ()

    def answer_faq(self, topic: str, audience: Optional[str]) -> str:
        """The answer to a question about the bot (privacy, who sees what, ...), for this audience."""
        return _for(self.faq[topic], audience)

    def step(self, step_id: str) -> Step:
        for step in self.steps:
            if step.id == step_id:
                return step
        raise KeyError(step_id)

    def step_index(self, step_id: str) -> int:
        return [s.id for s in self.steps].index(step_id)

    def factor(self, factor_id: str) -> Factor:
        for factor in self.factors:
            if factor.id == factor_id:
                return factor
        raise KeyError(factor_id)

    def rating_labels(self) -> dict[str, str]:
        """The rating options' labels by value (strength, stressor, both, unsure), from the first rating question."""
        for step in self.steps:
            if step.kind == "choice" and step.factor:
                return {o.value: o.label for o in step.options}
        return {}

    def factor_number(self, factor_id: str) -> int:
        return [f.id for f in self.factors].index(factor_id) + 1

    def question_text(self, step_id: str, audience: Optional[str]) -> str:
        """The question asked at ``step_id`` for ``audience``, its factor's number and name filled in (no options line)."""
        step = self.step(step_id)
        text = step.prompt_for(audience)
        if step.factor:
            text = text.format(n=self.factor_number(step.factor), factor=self.factor(step.factor).name)
        return text

    def message(self, key: str, **values: object) -> str:
        """The message ``key`` with its {placeholders} filled, and any passage in another language still marked
        ([fr]...[/fr]): the engine's replies, which the action server sends without the tags (and as parts to the web chat)."""
        text = self.messages[key]
        return text.format(**values) if values else text

    def plain_message(self, key: str, **values: object) -> str:
        """The message ``key`` as plain text, for what a channel or the worker sends itself (no engine reply)."""
        return plain_text(self.message(key, **values))

    def acknowledgement(self, step_id: str) -> str:
        """The short thanks after the reflection at ``step_id``: ack_1 ... ack_4 in turn, so that it varies."""
        reflections = [s.id for s in self.steps if s.kind == "text"]
        return self.message(f"ack_{reflections.index(step_id) % ACKNOWLEDGEMENTS + 1}")

    def practitioner(self, audience: Optional[str]) -> str:
        return self.audiences.get(audience or "", {}).get("practitioner", "practitioner")
