"""How staff pages show times, statuses, channels and summaries (plain data for the templates)."""
from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timezone
from functools import lru_cache
from typing import Any, Mapping
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.store.models import HANDOFF_FOLLOWED_UP, HANDOFF_IN_REVIEW, HANDOFF_NEW

DEFAULT_TIMEZONE = "America/Halifax"
STATUS_LABELS = {HANDOFF_NEW: "New", HANDOFF_IN_REVIEW: "In review", HANDOFF_FOLLOWED_UP: "Followed up"}
CHANNEL_LABELS = {"rest": "Web (REST)", "webchat": "Web chat", "twilio_sms": "SMS", "telegram": "Telegram", "terminal": "Terminal"}
SMS_CHANNELS = ("twilio_sms",)


@lru_cache(maxsize=1)
def display_zone() -> ZoneInfo | timezone:
    """The zone staff read times in (STAFF_TIMEZONE, default Atlantic time); UTC if the zone is unknown."""
    name = os.environ.get("STAFF_TIMEZONE", "").strip() or DEFAULT_TIMEZONE
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return timezone.utc


def local_time(value: datetime | None) -> str:
    """A stored naive-UTC time as '2026-03-02 10:15 AST', or '' for None."""
    if value is None:
        return ""
    local = value.replace(tzinfo=timezone.utc).astimezone(display_zone())
    return local.strftime("%Y-%m-%d %H:%M %Z").strip()


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status)


def channel_label(channel: str) -> str:
    return CHANNEL_LABELS.get(channel, channel)


@dataclass(frozen=True)
class FactorView:
    """One factor of a summary as the practitioner reads it."""

    id: str
    name: str
    rating: str
    words: str | None
    note: str | None


@dataclass(frozen=True)
class SummaryView:
    """A stored summary body turned into what the pages show."""

    factors: list[FactorView]
    priorities: list[str]
    clarity_before: int | None
    clarity_after: int | None


def summary_view(body: Mapping[str, Any]) -> SummaryView:
    """Read a summary body (see bot.activity.summary.build_summary) defensively: old bodies may lack keys."""
    factors = []
    names = {}
    for factor in body.get("factors") or []:
        names[factor.get("id")] = factor.get("name") or factor.get("id") or ""
        words = factor.get("reflection")
        note = None
        if words is None:
            note = "Skipped" if factor.get("reflection_skipped") else "Not answered"
        factors.append(
            FactorView(
                id=str(factor.get("id") or ""),
                name=str(factor.get("name") or factor.get("id") or ""),
                rating=str(factor.get("rating_label") or "Skipped"),
                words=words,
                note=note,
            )
        )
    return SummaryView(
        factors=factors,
        priorities=[str(names.get(p, p)) for p in body.get("priorities") or []],
        clarity_before=body.get("clarity_before"),
        clarity_after=body.get("clarity_after"),
    )
