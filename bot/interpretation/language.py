"""Which language a message is in (English or French): the content's own phrases first, then lingua for sentences."""

from __future__ import annotations

import threading
from functools import lru_cache
from typing import Any, Mapping, Optional

from bot.content.model import Content
from bot.interpretation.commands import forms
from bot.interpretation.text import normalise

LINGUA_SURE = 0.90
LINGUA_MIN_LETTERS = 8  # shorter texts ("ok", "hi", "salut") are left to the content's phrases
_lock = threading.Lock()
# Words that name a language in a switch request, in either language.
LANGUAGE_NAMES = {
    "fr": ("francais", "français", "french", "fr", "en francais", "en français", "in french"),
    "en": ("english", "anglais", "en", "in english", "en anglais"),
}


@lru_cache(maxsize=1)
def _detector() -> Any:
    from lingua import Language, LanguageDetectorBuilder

    return LanguageDetectorBuilder.from_languages(Language.ENGLISH, Language.FRENCH).build()


def _phrases(content: Content) -> set[str]:
    names = {
        normalise(x) for step in content.steps for option in step.options for x in (option.label, *option.synonyms)
    }
    return {n for n in names | {p for phrases in content.commands.values() for p in phrases} if not n.isdigit()}


def detect_language(text: str, contents: Mapping[str, Content]) -> Optional[str]:
    """ "en" or "fr" when the message is clearly in one of them, else None (the bot then asks)."""
    norm = normalise(text)
    if not norm:
        return None
    said = forms(norm, next(iter(contents.values())))
    hits = [language for language, content in contents.items() if said & _phrases(content)]
    if len(hits) == 1:
        return hits[0]
    if (
        hits
    ):  # a word both languages use ("ok", "hi"): the first language (English), which offers the other in its intro
        return hits[0]
    if len([ch for ch in norm if ch.isalpha()]) < LINGUA_MIN_LETTERS or len(contents) < 2:
        return None
    with _lock:
        values = _detector().compute_language_confidence_values(text)
    best = max(values, key=lambda v: v.value)
    code = {"ENGLISH": "en", "FRENCH": "fr"}.get(best.language.name)
    return code if code in contents and best.value >= LINGUA_SURE else None


def language_named(text: str) -> Optional[str]:
    """The language a switch request names ("en français", "English please"), if it names one."""
    words = normalise(text).split()
    joined = " ".join(words)
    for code, names in LANGUAGE_NAMES.items():
        if any(n in words or (" " in n and n in joined) for n in names if n not in ("en", "fr")):
            return code
    return None
