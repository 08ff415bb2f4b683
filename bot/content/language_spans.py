"""Passages in another language inside a content text, written [fr]...[/fr]: split into parts, stripped, checked."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Collection, Optional

# A passage's language is one the project has content for (a file in bot/content/data); "[xx]" with another code
# is plain text at run time, and refused by the loader (most likely a typo).
LANGUAGES: frozenset[str] = frozenset(path.stem for path in (Path(__file__).resolve().parent / "data").glob("*.yml"))
# Anything shaped like a tag: "[fr]", "[/fr]", and "[FR]" or "[xyz]", which the loader reports.
TAG = re.compile(r"\[(/?)([A-Za-z]{2,3})\]")

Part = tuple[str, Optional[str]]  # (text, its language; None: the message's own language)


class MarkupError(ValueError):
    """A text's language markup is malformed; the message says how (the loader adds where)."""


def split_languages(text: str, languages: Collection[str] = LANGUAGES) -> list[Part]:
    """``text`` as [(text, language or None), ...] in order, without the markup; never raises.

    Only an opening tag of a known language followed by its own closing tag (no other known tag in between) marks
    a passage; any other bracket (a participant's own words, a typo the loader would have refused) stays text.
    """
    parts: list[Part] = []
    position = 0
    pending = ""
    tags = [m for m in TAG.finditer(text) if m.group(2) in languages]
    index = 0
    while index < len(tags):
        opening = tags[index]
        closing = tags[index + 1] if index + 1 < len(tags) else None
        if opening.group(1) or closing is None or closing.group(1) != "/" or closing.group(2) != opening.group(2):
            index += 1  # not the start of a passage: the tag stays as text
            continue
        pending += text[position : opening.start()]
        if pending:
            parts.append((pending, None))
        inner = text[opening.end() : closing.start()]
        if inner:
            parts.append((inner, opening.group(2)))
        pending, position = "", closing.end()
        index += 2
    pending += text[position:]
    if pending:
        parts.append((pending, None))
    return _merged(parts)


def _merged(parts: list[Part]) -> list[Part]:
    out: list[Part] = []
    for piece, language in parts:
        if out and out[-1][1] == language:
            out[-1] = (out[-1][0] + piece, language)
        else:
            out.append((piece, language))
    return out


def plain_text(text: str, languages: Collection[str] = LANGUAGES) -> str:
    """``text`` without its language markup: what a screen reader, an SMS or a terminal gets."""
    return "".join(piece for piece, _ in split_languages(text, languages))


def has_foreign_passage(parts: list[Part]) -> bool:
    """True when some part is marked with a language (the message is not all in its own language)."""
    return any(language is not None for _, language in parts)


def check_markup(text: str, own_language: Optional[str] = None, languages: Collection[str] = LANGUAGES) -> None:
    """Raise MarkupError for a tag of an unknown language, a passage not closed, closed twice, nested or empty,
    or one marked in the text's own language; a text that passes splits into exactly the passages it marks."""
    known = ", ".join(f"[{code}]" for code in sorted(languages))
    opened: Optional[re.Match[str]] = None
    for tag in TAG.finditer(text):
        closing, code = tag.group(1) == "/", tag.group(2)
        if code not in languages:
            raise MarkupError(f"unknown language tag {tag.group(0)} (a passage in another language is {known})")
        if not closing:
            if opened is not None:
                raise MarkupError(f"{tag.group(0)} inside {opened.group(0)}: close [/{opened.group(2)}] first")
            if code == own_language:
                raise MarkupError(f"{tag.group(0)} marks a passage in the text's own language: remove the tags")
            opened = tag
        elif opened is None:
            raise MarkupError(f"{tag.group(0)} closes no passage")
        elif code != opened.group(2):
            raise MarkupError(f"{opened.group(0)} is closed by {tag.group(0)}: write [/{opened.group(2)}]")
        else:
            if not text[opened.end() : tag.start()].strip():
                raise MarkupError(f"{opened.group(0)}{tag.group(0)} marks no words")
            opened = None
    if opened is not None:
        raise MarkupError(f"{opened.group(0)} is not closed: end the passage with [/{opened.group(2)}]")
