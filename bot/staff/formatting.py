"""How staff pages show times, statuses, channels and summaries (plain data for the templates)."""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.content import Content, load_content
from bot.content.loader import REFERENCE_LANGUAGE, available_languages
from bot.staff import wording

DEFAULT_TIMEZONE = "America/Halifax"


@lru_cache(maxsize=1)
def display_zone() -> ZoneInfo | timezone:
    """The zone staff read times in (STAFF_TIMEZONE, default Atlantic time); UTC if the zone is unknown."""
    name = os.environ.get("STAFF_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def zone_name() -> str:
    """The staff time zone's name as people read it ("America/Halifax"), or "UTC"."""
    zone = display_zone()
    return str(getattr(zone, "key", "UTC")) if zone is not timezone.utc else "UTC"


def local_iso(value: datetime | None) -> str:
    """A stored naive-UTC time in the staff time zone as ISO 8601 with its offset (2026-12-04T09:15:00-04:00), or ''."""
    if value is None:
        return ""
    return value.replace(tzinfo=timezone.utc).astimezone(display_zone()).isoformat(timespec="seconds")


def local_time(value: datetime | None) -> str:
    """A stored naive-UTC time as '2026-03-02 10:15 AST', or '' for None."""
    if value is None:
        return ""
    local = value.replace(tzinfo=timezone.utc).astimezone(display_zone())
    return local.strftime("%Y-%m-%d %H:%M %Z").strip()


def status_label(status: str) -> str:
    return wording.label("status", status)


def channel_label(channel: str) -> str:
    return wording.label("channel", channel)


def role_label(role: str) -> str:
    return wording.label("role", role)


def audience_label(audience: str) -> str:
    return wording.label("audience", audience)


def language_label(language: str | None) -> str:
    """A participant's language named in itself: 'English', 'Français'."""
    return wording.label("language", language or REFERENCE_LANGUAGE)


def summary_language(language: str | None) -> str:
    """The language a participant's summary is shown in: theirs when there is content for it, else English."""
    return language if language and language in available_languages() else REFERENCE_LANGUAGE


@dataclass(frozen=True)
class FactorView:
    """One factor of a summary as the practitioner reads it.

    ``name`` and ``rating`` are in the summary's language; ``name_also`` and ``rating_also`` give them in the staff
    pages' language when that differs (None otherwise).
    """

    id: str
    name: str
    rating: str
    words: str | None
    note: str | None
    rating_value: str | None = None
    name_also: str | None = None
    rating_also: str | None = None

    @property
    def rating_class(self) -> str:
        return f"rating-{self.rating_value or 'skipped'}"


@dataclass(frozen=True)
class NameView:
    """A factor name in the summary's language, and in the pages' language when that differs."""

    text: str
    also: str | None = None

    def __str__(self) -> str:
        return f"{self.text} ({self.also})" if self.also else self.text


@dataclass(frozen=True)
class SummaryView:
    """A stored summary body turned into what the pages show."""

    factors: list[FactorView]
    priorities: list[str]
    clarity_before: int | None
    clarity_after: int | None
    language: str = REFERENCE_LANGUAGE
    priority_names: tuple[NameView, ...] = ()
    confidence_before: int | None = None
    confidence_after: int | None = None
    # the person's words outside the six factors: (wording key of the label, words or None when skipped)
    about: tuple[tuple[str, str | None], ...] = ()
    closing: str | None = None

    @property
    def headline(self) -> str:
        """What tells one queue row from another: the business and job, or the work sought (never the barriers)."""
        shown = ("summary.about_business_name", "summary.about_hiring_role", "summary.about_work_sought")
        return " · ".join(words for key, words in self.about if key in shown and words)

    @property
    def translated(self) -> bool:
        """True when the summary is in another language than the staff pages (names then given in both)."""
        return self.language != wording.PAGE_LANGUAGE


ABOUT_KEYS = ("work_sought", "business_name", "hiring_role", "barriers")  # bot.activity.summary.ABOUT_QUESTIONS


def _names(content: Content) -> dict[str, str]:
    return {f.id: f.name for f in content.factors}


def _also(text: str, other: str | None) -> str | None:
    return other if other and other != text else None


def summary_view(body: Mapping[str, Any], language: str | None = None) -> SummaryView:
    """Read a summary body (see bot.activity.summary.build_summary) defensively: old bodies may lack keys.

    The factor names and ratings are shown in ``language`` (the participant's, from the content by factor id, so a
    participant who switched language after the summary still reads in theirs) and, when that is not the staff pages'
    language, also in the pages' language. Unknown factors keep the name stored in the body.
    """
    language = summary_language(language)
    content = load_content(language)
    names, ratings = _names(content), content.rating_labels()
    if language != wording.PAGE_LANGUAGE and wording.PAGE_LANGUAGE in available_languages():
        page_content = load_content(wording.PAGE_LANGUAGE)
        names_also, ratings_also = _names(page_content), page_content.rating_labels()
    else:
        names_also, ratings_also = {}, {}
    factors = []
    priority_names: dict[str, NameView] = {}
    for factor in body.get("factors") or []:
        factor_id = str(factor.get("id") or "")
        name = names.get(factor_id) or str(factor.get("name") or factor_id)
        name_also = _also(name, names_also.get(factor_id))
        priority_names[factor_id] = NameView(name, name_also)
        value = factor.get("rating")
        if value in ratings:
            rating, rating_also = ratings[value], _also(ratings[value], ratings_also.get(value))
        elif factor.get("rating_label"):
            rating, rating_also = str(factor["rating_label"]), None
        else:
            rating, rating_also, value = wording.text("summary.skipped"), None, None
        words = factor.get("reflection")
        note = None
        if words is None:
            note = wording.text("summary.skipped" if factor.get("reflection_skipped") else "summary.not_answered")
        factors.append(
            FactorView(
                id=factor_id,
                name=name,
                rating=rating,
                words=words,
                note=note,
                rating_value=str(value) if value else None,
                name_also=name_also,
                rating_also=rating_also,
            )
        )
    priorities = tuple(priority_names.get(str(p)) or NameView(str(p)) for p in body.get("priorities") or [])
    return SummaryView(
        factors=factors,
        priorities=[str(p) for p in priorities],
        clarity_before=body.get("clarity_before"),
        clarity_after=body.get("clarity_after"),
        language=language,
        priority_names=priorities,
        confidence_before=body.get("confidence_before"),
        confidence_after=body.get("confidence_after"),
        about=tuple(
            (f"summary.about_{key}", None if words is None else str(words))
            for key, words in (body.get("about") or {}).items()
            if key in ABOUT_KEYS
        ),
        closing=body.get("closing"),
    )
