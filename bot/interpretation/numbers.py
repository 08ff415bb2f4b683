"""Option numbers: a number counts only when it is the whole reply or plainly an option choice ("2", "#2", "the second one")."""

from __future__ import annotations

import re
from typing import Optional

# English and French: the words never clash, so one set serves both languages.
ORDINALS = {
    "first": 1,
    "second": 2,
    "third": 3,
    "fourth": 4,
    "fifth": 5,
    "sixth": 6,
    "seventh": 7,
    "premier": 1,
    "premiere": 1,
    "première": 1,
    "deuxieme": 2,
    "deuxième": 2,
    "seconde": 2,
    "troisieme": 3,
    "troisième": 3,
    "quatrieme": 4,
    "quatrième": 4,
    "cinquieme": 5,
    "cinquième": 5,
    "sixieme": 6,
    "sixième": 6,
    "septieme": 7,
    "septième": 7,
}
LAST = ("last", "dernier", "derniere", "dernière")
WORDS = {
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "sept": 7,
}
_LEAD = (
    r"(?:(?:i pick|i choose|i'll go with|ill go with|i will go with|go with|i'd say|id say|i say|pick|choose|my answer is|answer"
    r"|i'll take|ill take|je choisis|je prends|je dirais|ma reponse est|ma réponse est|c'est|cest)\s+)?"
)
_TAIL = r"(?:\s+(?:please|pls|plz|thanks|thank you|for me|svp|stp|merci|pour moi))?"
_ARTICLE = r"(?:the|le|la|l')"
_MARKER = r"(?:option|number|no|choice|answer|numéro|numero|num|choix|réponse|reponse)"
_ONE = r"(?:one|option|choice|un|une|option|choix|réponse|reponse)"
_CHOICE = re.compile(
    rf"^{_LEAD}(?:{_ARTICLE}\s*)?(?:{_MARKER}\s+)?(?P<n>\d{{1,2}})(?:st|nd|rd|th|er|re|e|ème|eme)?(?:\s+{_ONE})?{_TAIL}$"
)
_ORDINAL = re.compile(rf"^{_LEAD}(?:{_ARTICLE}\s*)?(?P<w>{'|'.join(ORDINALS)}|{'|'.join(LAST)})(?:\s+{_ONE})?{_TAIL}$")
_WORD = re.compile(rf"^{_LEAD}(?:(?:{_ARTICLE}\s*)?{_MARKER}\s+)?(?P<w>{'|'.join(WORDS)}){_TAIL}$")
_SCALE = re.compile(r"(?<![\d.])(?P<n>\d{1,2})(?![\d.,]?\d)(?:\s*(?:/|out of|sur)\s*(?P<of>\d{1,2}))?")
# "number 2, unfortunately", "the second option, we have openings": a number named as an option, then words.
_NAMED = re.compile(
    rf"^(?:(?:{_ARTICLE}\s*)?(?:option|number|choice|numéro|numero|choix)\s+(?P<n>\d{{1,2}})"
    rf"|(?:{_ARTICLE}\s*)?(?P<w>{'|'.join(ORDINALS)}|{'|'.join(LAST)})\s+{_ONE})\b(?P<rest>.*)$"
)


def option_number(norm: str, count: int) -> Optional[int]:
    """The 1-based option a normalised reply picks by number or ordinal, or None (0 when the number is out of range)."""
    norm = norm.rstrip("?").strip()
    match = _CHOICE.match(norm)
    if match:
        n = int(match.group("n"))
    else:
        match = _ORDINAL.match(norm) or _WORD.match(norm)
        named = _NAMED.match(norm) if not match else None
        if named and not re.search(r"\d", named.group("rest")):
            match = named
        if not match:
            return None
        word = match.groupdict().get("w")
        n = int(match.group("n")) if not word else (count if word in LAST else ORDINALS.get(word) or WORDS[word])
    return n if 1 <= n <= count else 0


def scale_number(norm: str, low: int, high: int, max_words: int = 12) -> Optional[int]:
    """A rating in a short reply (lower case, punctuation kept) with exactly one number ("like a 4", "4/5", "around 2")."""
    if len(norm.split()) > max_words:
        return None
    found = list(_SCALE.finditer(norm))
    if len(found) != 1:
        return None
    match = found[0]
    if match.group("of") and int(match.group("of")) != high:
        return None
    n = int(match.group("n"))
    return n if low <= n <= high else None
