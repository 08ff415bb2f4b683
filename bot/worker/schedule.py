"""When the bot may speak first: hours after the last activity, within the allowed local hours, never on a holiday."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.settings import Settings


@dataclass(frozen=True)
class ContactRules:
    """The reminder schedule and the hours and days the bot may write, in the sites' time zone."""

    after: tuple[timedelta, ...]  # the k-th reminder is due this long after the last activity
    zone: ZoneInfo
    start: time  # first allowed local time
    end: time  # allowed until (exclusive)
    holidays: frozenset[date]

    @classmethod
    def from_settings(cls, settings: Settings) -> ContactRules:
        after_text = settings.reminder_after_hours.strip().lower()
        after = (
            ()
            if after_text in ("off", "none", "0")
            else tuple(sorted(timedelta(hours=float(part)) for part in after_text.split(",") if part.strip()))
        )
        start_hour, _, end_hour = settings.reminder_hours.partition("-")
        holidays = frozenset(date.fromisoformat(d.strip()) for d in settings.holidays.split(",") if d.strip())
        return cls(after, ZoneInfo(settings.staff_timezone), _hour(start_hour), _hour(end_hour), holidays)

    def local(self, now_utc: datetime) -> datetime:
        """A naive UTC time (as stored) in the sites' time zone."""
        return now_utc.replace(tzinfo=timezone.utc).astimezone(self.zone)

    def allowed(self, now_utc: datetime) -> bool:
        """True when the bot may write at ``now_utc``: within the allowed hours, not on a holiday."""
        local = self.local(now_utc)
        return local.date() not in self.holidays and self.start <= local.time() < self.end

    def next_allowed(self, now_utc: datetime) -> datetime:
        """The first moment at or after ``now_utc`` when the bot may write (naive UTC)."""
        local = self.local(now_utc)
        for days in range(0, 60):
            day = local.date() + timedelta(days=days)
            if day in self.holidays:
                continue
            opening = datetime.combine(day, self.start, tzinfo=self.zone)
            closing = datetime.combine(day, self.end, tzinfo=self.zone)
            candidate = max(opening, local) if days == 0 else opening
            if candidate < closing:
                return candidate.astimezone(timezone.utc).replace(tzinfo=None)
        raise ValueError("no allowed hour in the next 60 days: check REMINDER_HOURS and HOLIDAYS")


def _hour(text: str) -> time:
    """ "9" or "9:30" as a time of day ("24" is the end of the day)."""
    hours, _, minutes = text.strip().partition(":")
    if int(hours) == 24:
        return time(23, 59, 59)
    return time(int(hours), int(minutes or 0))
