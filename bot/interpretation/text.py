"""Reading participants' messages: normalising, spotting empty or wordless input, parsing choices."""

from __future__ import annotations

import re
import unicodedata
from typing import Optional, Sequence

from bot.content.model import Option

MAX_ANSWER_CHARS = 4000
_PUNCT = re.compile(r"[^\w\s?']+", re.UNICODE)
_SPACES = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+")


def strip_control(text: str) -> str:
    """The text without control characters other than line breaks and tabs (NUL cannot be stored by PostgreSQL)."""
    return "".join(ch for ch in text if ch in "\r\n\t" or unicodedata.category(ch) != "Cc")


def is_blank(text: str) -> bool:
    """True for empty, whitespace-only or control-character-only messages."""
    return not strip_control(text).strip()


def has_words(text: str) -> bool:
    """True when the message has at least one letter or digit (emoji and punctuation alone do not count)."""
    return any(ch.isalnum() for ch in text)


_HASH_NUMBER = re.compile(r"#\s*(?=\d)")


def normalise(text: str) -> str:
    """Lower case, curly quotes straightened, "#2" read as "number 2", punctuation (except ? and ') dropped, spaces collapsed."""
    text = strip_control(text).replace("\u2019", "'").replace("\u2018", "'").lower()
    text = _HASH_NUMBER.sub("number ", text)
    text = _PUNCT.sub(" ", text)
    return _SPACES.sub(" ", text).strip()


def fold(text: str) -> str:
    """The text without accents ("très" -> "tres", "où" -> "ou"), as people often type in a hurry; ç, œ and the like kept."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if unicodedata.category(ch) != "Mn"))


def parse_multi(text: str, options: Sequence[Option], max_choices: int) -> Optional[list[Option]]:
    """Up to ``max_choices`` distinct options picked by numbers or names, or None if the reply picks none or too many."""
    norm = normalise(text)
    picked: list[Option] = []
    for number in _NUMBER.findall(norm):
        index = int(number)
        if not 1 <= index <= len(options):
            return None
        if options[index - 1] not in picked:
            picked.append(options[index - 1])
    if not picked:
        for option in options:
            names = {normalise(option.label), *(normalise(s) for s in option.synonyms)}
            if any(re.search(rf"\b{re.escape(name)}\b", norm) for name in names if name):
                picked.append(option)
    if not picked or len(picked) > max_choices:
        return None
    return picked
