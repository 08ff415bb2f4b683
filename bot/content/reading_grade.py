"""How hard the bot's prose is to read: Flesch-Kincaid grade of every prompt, help text, explanation and message."""

from __future__ import annotations

import re
from dataclasses import dataclass

import textstat

from bot.content.loader import written_texts
from bot.content.model import Content

MAX_GRADE = 6.0  # the plain-language target for English (issue 11): every prompt and help text at grade 6 or below
# Messages that are headings or sentence templates, not prose: a two-word heading has no meaningful grade.
# Button labels and page titles (keep_*) are headings too.
LABELS = ("keep_button", "keep_pdf", "keep_how_heading", "keep_expired_title", "keep_not_found_title")
PROSE_EXCLUDED = tuple(f"messages.{key}" for key in ("summary_", "options_", "choice_line", *LABELS))
URL = re.compile(r"https?://\S+")  # a link is read as a link, not as a very long word


@dataclass(frozen=True)
class Graded:
    """One text, where it comes from, and its grade."""

    where: str
    text: str
    grade: float


def grade(text: str, language: str = "en") -> float:
    """The Flesch-Kincaid grade of ``text`` (syllables counted offline with pyphen's dictionary for ``language``)."""
    textstat.set_lang(language)
    return float(textstat.flesch_kincaid_grade(text))


EASY = 80.0  # Flesch reading ease from 80 ("easy") reads at about grade 6; French uses Kandel and Moles' constants


def ease(text: str, language: str) -> float:
    """Flesch reading ease of ``text`` with ``language``'s constants (Kandel-Moles for French): higher is easier."""
    textstat.set_lang(language)
    return float(textstat.flesch_reading_ease(text))


def hardest_by_ease(content: Content) -> list[Graded]:
    """Every prose text of ``content`` with its reading ease in ``grade``'s place, hardest (lowest) first."""
    rows = [Graded(where, text, ease(text, content.language)) for where, text in prose(content)]
    return sorted(rows, key=lambda row: (row.grade, row.where))


def prose(content: Content) -> list[tuple[str, str]]:
    """Every prose text a participant reads, as (where, text as sent: placeholders filled, no language markup)."""
    return [
        (where, URL.sub("", text).strip())
        for where, text, _ in written_texts(content)
        if not where.startswith(PROSE_EXCLUDED)
    ]


def graded(content: Content) -> list[Graded]:
    """Every prose text of ``content`` with its grade, hardest first."""
    rows = [Graded(where, text, grade(text, content.language)) for where, text in prose(content)]
    return sorted(rows, key=lambda row: (-row.grade, row.where))


def too_hard(content: Content, limit: float = MAX_GRADE) -> list[Graded]:
    """The texts above ``limit``, hardest first."""
    return [row for row in graded(content) if row.grade > limit]
