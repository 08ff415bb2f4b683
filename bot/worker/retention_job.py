"""The worker's daily retention purge: once a day from RETENTION_HOUR in the sites' time zone, by one worker at a time."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone
from typing import Optional
from zoneinfo import ZoneInfo

from bot.settings import Settings, get_settings
from bot.staff.tracker import tracker_database_url
from bot.store import retention
from bot.store.db import session_scope

logger = logging.getLogger(__name__)
# Whether today's purge is done is asked of the database (its audit entry), so a restarted worker or a second one
# does not purge twice; asking every few minutes is soon enough.
CHECK_EVERY = timedelta(minutes=5)


@dataclass
class RetentionJob:
    """Runs retention.purge when the day's start time has passed and no purge has run since it."""

    policy: retention.RetentionPolicy
    zone: ZoneInfo
    hour: int
    check_every: timedelta = CHECK_EVERY
    checked_at: Optional[datetime] = None

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None) -> RetentionJob:
        settings = settings or get_settings()
        return cls(
            retention.RetentionPolicy.from_settings(settings),
            ZoneInfo(settings.staff_timezone),
            settings.retention_hour,
        )

    def slot(self, now: datetime) -> datetime:
        """The latest daily start (``hour`` o'clock local) at or before ``now``, as naive UTC."""
        local = now.replace(tzinfo=timezone.utc).astimezone(self.zone)
        start = datetime.combine(local.date(), time(self.hour), tzinfo=self.zone)
        if start > local:
            start = datetime.combine(local.date() - timedelta(days=1), time(self.hour), tzinfo=self.zone)
        return start.astimezone(timezone.utc).replace(tzinfo=None)

    def run_if_due(self, now: datetime) -> Optional[retention.Tally]:
        """Purge if today's purge is due and no other worker is purging; what went, or None when nothing ran."""
        if self.checked_at is not None and now - self.checked_at < self.check_every:
            return None
        self.checked_at = now
        with retention.purge_lock() as held:
            if not held:
                return None
            with session_scope() as session:
                last = retention.last_purge_at(session=session)
            if last is not None and last >= self.slot(now):
                return None
            tally = retention.purge(policy=self.policy, now=now, tracker_url=tracker_database_url())
        # Counts only: never an id, an address or a word.
        logger.info("retention purge: %s", tally.audit_text())
        return tally

    def tick(self, now: datetime) -> int:
        """run_if_due for the worker's loop: participants erased; a failure is logged (its type) and tried again later,
        without stopping the outbox."""
        try:
            tally = self.run_if_due(now)
        except Exception as exc:  # noqa: BLE001 - the message could quote a sender id
            logger.error("retention purge failed (%s); will try again", type(exc).__name__)
            return 0
        return 0 if tally is None else len(tally.participant_ids)
