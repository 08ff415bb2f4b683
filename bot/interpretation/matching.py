"""Matching a reply to an option by name: exactly, as a word inside a short reply, or with a typo (rapidfuzz)."""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Iterable, Optional, Sequence

from rapidfuzz import fuzz

from bot.content.model import Option
from bot.interpretation.text import fold, normalise

NEGATIONS = {
    "not",
    "no",
    "isn't",
    "isnt",
    "never",
    "don't",
    "dont",
    "can't",
    "cant",
    "won't",
    "wont",
    "nope",
    "nothing",
    "without",
    "neither",
    "nor",
    "aren't",
    "arent",
    "pas",
    "jamais",
    "aucun",
    "aucune",
    "rien",
    "ni",
    "non",
    "pantoute",
    "sans",
    "guère",
    "guere",
}
FUZZY_MIN = 80.0  # a typo of a name ("strenght", "stresor", "hirng"); below this a word is some other word
FUZZY_SURE = 85.0


@lru_cache(maxsize=4096)
def names(option: Option) -> frozenset[str]:
    """Every normalised way of naming an option: label, value and synonyms, each also without its accents."""
    given = {
        n for n in (normalise(option.label), normalise(option.value), *(normalise(s) for s in option.synonyms)) if n
    }
    return frozenset(given | {fold(n) for n in given})


def exact(forms: Iterable[str], options: Sequence[Option]) -> Optional[Option]:
    """The option one of the reply's forms names exactly."""
    forms = set(forms)
    forms |= {fold(f) for f in forms}
    for option in options:
        if forms & names(option):
            return option
    return None


def has_negation(norm: str) -> bool:
    return any(word in NEGATIONS for word in norm.split())


def _negated_at(norm: str, start: int) -> bool:
    """A negation among the three words before a position ("not really a strength")."""
    return any(word in NEGATIONS for word in norm[:start].split()[-3:])


def named_inside(norm: str, options: Sequence[Option], max_words: int = 16) -> Optional[Option]:
    """The one option whose name (a word or phrase of 3+ letters) stands, not negated, in a short reply.

    A name inside a longer name that also matched there does not count: in "pas clair pantoute", "pas clair" (1)
    is named and "clair" (4) is only part of it.
    """
    if len(norm.split()) > max_words:
        return None
    norm = fold(norm)
    spans: list[tuple[int, int, Option]] = []
    for option in options:
        for name in names(option):
            if len(name) < 3 or name.isdigit():
                continue
            for match in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", norm):
                spans.append((match.start(), match.end(), option))
    found: dict[str, Option] = {}
    for start, end, option in spans:
        if any(s <= start and end <= e and (e - s) > (end - start) for s, e, _ in spans):
            continue
        # A negative name ("pas clair", "pantoute") is not undone by a negation before it: in speech it insists.
        if not has_negation(norm[start:end]) and _negated_at(norm, start):
            return None
        found[option.value] = option
    return next(iter(found.values())) if len(found) == 1 else None


def leading(norm: str, options: Sequence[Option]) -> Optional[Option]:
    """The option a reply starts with ("sure, I don't mind" starts with a yes), when only one does."""
    norm = fold(norm)
    found = {
        o.value: o
        for o in options
        for name in names(o)
        if not name.isdigit() and re.match(rf"{re.escape(name)}(?!\w)", norm)
    }
    return next(iter(found.values())) if len(found) == 1 else None


def fuzzy(norm: str, options: Sequence[Option], max_words: int = 4) -> Optional[tuple[Option, float]]:
    """The option a short reply names with a typo, and how close (0-100); None when none is close or two are."""
    words = norm.split()
    if not words or len(words) > max_words or has_negation(norm):
        return None
    best: dict[str, tuple[Option, float]] = {}
    for option in options:
        for name in names(option):
            if len(name) < 4 or name.isdigit():
                continue
            score = fuzz.ratio(norm, name)
            if " " not in name:
                score = max([score, *(fuzz.ratio(w, name) for w in words if len(w) >= 4)])
            if score >= FUZZY_MIN and score > best.get(option.value, (option, 0.0))[1]:
                best[option.value] = (option, score)
    if not best:
        return None
    ranked = sorted(best.values(), key=lambda pair: -pair[1])
    if len(ranked) > 1 and ranked[1][1] >= ranked[0][1] - 5:
        return None
    return ranked[0]
