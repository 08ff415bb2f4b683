"""A rating stated inside a reflection ("Strength: I'm good with people", "mostly a stressor, rent is high")."""

from __future__ import annotations

import re
from typing import Optional

from rapidfuzz import fuzz

from bot.content.model import Content
from bot.interpretation.matching import FUZZY_SURE, NEGATIONS
from bot.interpretation.text import fold, normalise, strip_control

# A part of a reply ends at punctuation or at a dash between spaces; the delimiter is kept to see a "?" after it.
SHORT_QUESTION_WORDS = 8
_DELIMITER = re.compile(r"([.,;:!?()\n]+|\s[-\u2013\u2014]+\s|\s[-\u2013\u2014]+$|^[-\u2013\u2014]+\s)")


def _parts(text: str) -> list[tuple[str, bool]]:
    """Each part of the reply, normalised and without accents, and whether it was asked ("a stressor?")."""
    pieces = _DELIMITER.split(strip_control(text))
    parts = []
    for index in range(0, len(pieces), 2):
        following = pieces[index + 1] if index + 1 < len(pieces) else ""
        part = fold(normalise(pieces[index])).replace("?", " ").strip()
        if part:
            parts.append((part, "?" in following or pieces[index].rstrip().endswith("?")))
    return parts


def _negated(words: list[str]) -> bool:
    return any(w in NEGATIONS for w in words[-3:])


def _stated_in(part: str, content: Content) -> Optional[str]:
    """The one rating a part states: its phrase with nothing but small words around it, a word that opens the part
    ("Strength, I ..."), or one rating word typed with a typo among small words. None when negated or unclear."""
    fillers = {fold(f) for f in content.rating_fillers}
    opening = {fold(normalise(w)) for w in content.rating_leading}
    not_after = {fold(normalise(w)) for w in content.rating_not_after}
    found: set[str] = set()
    for value, phrases in content.rating_words.items():
        for phrase in sorted((fold(normalise(p)) for p in phrases), key=len, reverse=True):
            match = re.search(rf"(?<!\w){re.escape(phrase)}(?!\w)", part)
            if match is None:
                continue
            before, after = part[: match.start()].split(), part[match.end() :].split()
            if _negated(before) and not any(w in NEGATIONS for w in phrase.split()):
                return None  # "not really a strength": asked, never guessed
            if before and before[-1] in not_after:
                return None  # "j'ai la force pour ça": the strength to do it, not a rating
            if all(w in fillers for w in before + after) or (not before and phrase in opening):
                found.add(value)
            break
    if not found:
        others = [w for w in part.split() if w not in fillers]
        if len(others) == 1 and len(others[0]) >= 5:  # "strenght for sure", "stresor"
            found = {
                value
                for value, phrases in content.rating_words.items()
                for phrase in phrases
                if " " not in phrase and len(phrase) >= 5 and fuzz.ratio(others[0], fold(phrase)) >= FUZZY_SURE
            }
    return next(iter(found)) if len(found) == 1 else None


def _names_another(text: str, rating: str, content: Content) -> bool:
    """Whether the reply also names another rating, not negated ("a strength, but also a stressor"): then it is asked."""
    norm = fold(normalise(text))
    for value, phrases in content.rating_words.items():
        if value == rating:
            continue
        for phrase in phrases:
            for match in re.finditer(rf"(?<!\w){re.escape(fold(normalise(phrase)))}(?!\w)", norm):
                if not _negated(norm[: match.start()].split()):
                    return True
    return False


def rating_in_words(text: str, content: Content) -> Optional[str]:
    """The rating value one part of the reply plainly states; None when none does, a part asks ("a stressor?"), two
    differ, or the reply names another rating too."""
    if not content.rating_words:
        return None
    if text.rstrip().endswith("?") and len(text.split()) <= SHORT_QUESTION_WORDS:
        return None  # "Un stress, peut-être?": a short reply asked as a question is asked back, never read
    norm = fold(normalise(text))
    if any(re.search(rf"(?<!\w){re.escape(fold(normalise(w)))}(?!\w)", norm) for w in content.rating_unless):
        return None  # "Strength, sure, if you think $15 is a draw lol": maybe the opposite, so asked
    stated = set()
    for part, asked in _parts(text):
        rating = _stated_in(part, content)
        if rating is not None and asked:
            return None
        if rating is not None:
            stated.add(rating)
    if len(stated) != 1:
        return None
    rating = next(iter(stated))
    return None if _names_another(text, rating, content) else rating
