"""Which term or factor a question is about ("what's a stressor?", "what does capacity mean?"), and yes/no replies to a check."""

from __future__ import annotations

import re
from typing import Optional, Union

from rapidfuzz import fuzz

from bot.content.model import Content, Factor, Term
from bot.interpretation import matching
from bot.interpretation.commands import forms
from bot.interpretation.intents import AFFIRM, DENY
from bot.interpretation.interpret import CHOICE_MARGIN, CHOICE_SURE, hedged
from bot.interpretation.nlu import NluResult
from bot.interpretation.numbers import option_number
from bot.interpretation.text import normalise


def _mentions(norm: str, keyword: str) -> bool:
    if re.search(rf"(?<!\w){re.escape(keyword)}(?!\w)", norm):
        return True
    return " " not in keyword and len(keyword) >= 6 and any(fuzz.ratio(w, keyword) >= 85 for w in norm.split())


def term_asked(text: str, content: Content) -> Optional[Union[Term, Factor]]:
    """The term or factor a question names, if exactly one is named (terms first)."""
    norm = normalise(text)
    terms = [t for t in content.terms if any(_mentions(norm, k) for k in t.keywords)]
    if len(terms) == 1:
        return terms[0]
    if terms:
        return None
    factors = [
        f
        for f in content.factors
        if any(_mentions(norm, k) for k in {normalise(f.short_name), normalise(f.name)} if len(k) >= 3)
    ]
    return factors[0] if len(factors) == 1 else None


def yes_or_no(text: str, nlu: NluResult, content: Content, *, strict: bool) -> Optional[str]:
    """ "yes" or "no" for a reply to a yes/no check, else None. Strict (consent, sharing, deletion): words or numbers only."""
    yes_no = next(s.options for s in content.steps if s.kind == "consent")
    norm = normalise(text)
    number = option_number(norm, len(yes_no))
    if number:
        return yes_no[number - 1].value
    picked = matching.exact(forms(norm, content), yes_no)
    if picked is not None and not (strict and "?" in text):
        return picked.value
    if strict or nlu.fell_back or nlu.confidence < CHOICE_SURE or nlu.margin < CHOICE_MARGIN or hedged(text, norm):
        return None
    return {AFFIRM: "yes", DENY: "no"}.get(nlu.intent or "")
