"""How hard the bot's prose is to read: Flesch-Kincaid grade of every prompt, help text, explanation and message."""

from __future__ import annotations

import string
from dataclasses import dataclass

import textstat

from bot.content import language_spans
from bot.content.model import Content

MAX_GRADE = 6.0  # the plain-language target for English (issue 11): every prompt and help text at grade 6 or below
# Messages that are headings or sentence templates, not prose: a two-word heading has no meaningful grade.
NOT_PROSE = ("summary_", "options_", "choice_line")
# Sample values for placeholders, so that "{n}/6 {factor}" reads as it is sent.
SAMPLES = {
    "n": "2",
    "limit": "4000",
    "code": "ABCD-123",
    "days": "7",
    "before": "2",
    "after": "4",
    "choices": "1 or 2",
    "number": "1",
}


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


def _filled(text: str, content: Content, **real: str) -> str:
    """``text`` as a participant reads it: placeholders filled with real names or samples, no language markup."""
    first_step = next(s for s in content.steps if s.factor)
    option = first_step.options[0]
    values = {
        **SAMPLES,
        "practitioner": content.practitioner("work_seeker"),
        "part": content.factor(first_step.factor or "").name,
        "option": option.label,
        "label": option.label,
        "meaning": option.meaning or option.label,
        "action": next(iter(content.request_actions.values()), ""),
        **real,
    }
    names = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    return language_spans.plain_text(text.format(**{n: values[n] for n in names}) if names else text)


def prose(content: Content) -> list[tuple[str, str]]:
    """Every prose text a participant reads, as (where, text with placeholders filled and no language markup)."""
    texts: list[tuple[str, str]] = []
    for step in content.steps:
        real = (
            {"factor": content.factor(step.factor).name, "n": str(content.factor_number(step.factor))}
            if step.factor
            else {}
        )
        for audience, text in step.prompt.items():
            texts.append((f"steps.{step.id}.prompt.{audience}", _filled(text, content, **real)))
        for audience, text in step.help.items():
            texts.append((f"steps.{step.id}.help.{audience}", _filled(text, content, **real)))
    for factor in content.factors:
        for audience, text in factor.explain.items():
            texts.append((f"factors.{factor.id}.explain.{audience}", text))
    for term in content.terms:
        for audience, text in term.text.items():
            texts.append((f"terms.{term.id}.{audience}", text))
    for topic, by_audience in content.faq.items():
        for audience, text in by_audience.items():
            texts.append((f"faq.{topic}.{audience}", text))
    for key, text in content.messages.items():
        if not key.startswith(NOT_PROSE):
            texts.append((f"messages.{key}", _filled(text, content)))
    return texts


def graded(content: Content) -> list[Graded]:
    """Every prose text of ``content`` with its grade, hardest first."""
    rows = [Graded(where, text, grade(text, content.language)) for where, text in prose(content)]
    return sorted(rows, key=lambda row: (-row.grade, row.where))


def too_hard(content: Content, limit: float = MAX_GRADE) -> list[Graded]:
    """The texts above ``limit``, hardest first."""
    return [row for row in graded(content) if row.grade > limit]
