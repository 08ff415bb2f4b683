"""Option numbers: a number counts only when it is the whole reply or plainly an option choice ("2", "#2", "the second one")."""
from __future__ import annotations

import re
from typing import Optional

ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7}
WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7}
_LEAD = r"(?:(?:i pick|i choose|i'll go with|ill go with|i will go with|go with|i'd say|id say|i say|pick|choose|my answer is|answer|i'll take|ill take)\s+)?"
_TAIL = r"(?:\s+(?:please|pls|plz|thanks|thank you|for me))?"
_CHOICE = re.compile(
    rf"^{_LEAD}(?:(?:the\s+)?(?:option|number|no|choice|answer)\s+)?(?P<n>\d{{1,2}})(?:st|nd|rd|th)?(?:\s+(?:one|option))?{_TAIL}$"
)
_ORDINAL = re.compile(rf"^{_LEAD}(?:the\s+)?(?P<w>{'|'.join(ORDINALS)}|last)(?:\s+(?:one|option|choice))?{_TAIL}$")
_WORD = re.compile(rf"^{_LEAD}(?:(?:option|number)\s+)?(?P<w>{'|'.join(WORDS)}){_TAIL}$")
_SCALE = re.compile(r"(?<![\d.])(?P<n>\d{1,2})(?![\d.,]?\d)(?:\s*(?:/|out of)\s*(?P<of>\d{1,2}))?")
# "number 2, unfortunately", "the second option, we have openings": a number named as an option, then words.
_NAMED = re.compile(
    rf"^(?:(?:the\s+)?(?:option|number|choice)\s+(?P<n>\d{{1,2}})|(?:the\s+)?(?P<w>{'|'.join(ORDINALS)}|last)\s+(?:one|option|choice))\b(?P<rest>.*)$"
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
        n = int(match.group("n")) if not word else (count if word == "last" else ORDINALS.get(word) or WORDS[word])
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
