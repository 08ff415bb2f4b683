"""The hours and days the bot may write first, in Halifax time (daylight saving included)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.settings import Settings
from bot.worker.schedule import ContactRules

HALIFAX = ZoneInfo("America/Halifax")


def utc(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=HALIFAX).astimezone(timezone.utc).replace(tzinfo=None)


RULES = ContactRules.from_settings(
    Settings(reminder_after_hours="96, 24", reminder_hours="9-20", holidays="2026-07-01")
)


def test_schedule_is_read_sorted_and_can_be_turned_off() -> None:
    assert RULES.after == (timedelta(hours=24), timedelta(hours=96))
    assert ContactRules.from_settings(Settings(reminder_after_hours="off")).after == ()


@pytest.mark.parametrize(
    ("local", "allowed"),
    [
        ((2026, 12, 7, 8, 59), False),
        ((2026, 12, 7, 9, 0), True),
        ((2026, 12, 7, 19, 59), True),
        ((2026, 12, 7, 20, 0), False),
        ((2026, 7, 1, 12, 0), False),  # Canada Day, configured as a holiday
        ((2026, 7, 2, 12, 0), True),  # summer time (ADT, UTC-3) as well as winter (AST, UTC-4)
    ],
)
def test_allowed_hours_are_local_and_holidays_are_skipped(local: tuple[int, ...], allowed: bool) -> None:
    assert RULES.allowed(utc(*local)) is allowed


def test_next_allowed_is_the_next_morning_or_after_the_holiday() -> None:
    assert RULES.next_allowed(utc(2026, 12, 7, 21, 0)) == utc(2026, 12, 8, 9, 0)
    assert RULES.next_allowed(utc(2026, 12, 7, 10, 15)) == utc(2026, 12, 7, 10, 15)
    assert RULES.next_allowed(utc(2026, 6, 30, 20, 30)) == utc(2026, 7, 2, 9, 0)
