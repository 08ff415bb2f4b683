"""Resume-code attempts: limited per key (a channel identity, a client address) with growing delays, and kept as an audit."""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime, timedelta
from typing import Optional

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store.models import utcnow
from bot.store.security_models import ResumeAttempt

FREE_FAILURES = 3  # wrong codes allowed back to back (typos) before any wait
FIRST_DELAY = timedelta(seconds=30)  # then 30 s, 60 s, 2 min ... after each further wrong code
MAX_DELAY = timedelta(hours=1)
WINDOW = timedelta(hours=24)  # failures older than this (or before a success) no longer count
KEEP = timedelta(days=30)  # the audit of attempts is kept this long


def identity_key(identity_id: int) -> str:
    """The key for one channel identity (its database id: no phone number or chat id)."""
    return f"identity:{identity_id}"


def address_key(address: str) -> str:
    """The key for one client address, as a keyed hash (the address itself is never stored)."""
    digest = hmac.new(get_settings().secret_key.encode(), address.encode(), hashlib.sha256).hexdigest()[:32]
    return f"address:{digest}"


def failures_in_a_row(*, session: Session, key: str, now: datetime) -> tuple[int, Optional[datetime]]:
    """How many wrong codes ``key`` tried since its last success (within WINDOW), and when the last one was."""
    since = now - WINDOW
    last_success = session.execute(
        select(func.max(ResumeAttempt.created_at)).where(
            ResumeAttempt.key == key, ResumeAttempt.succeeded.is_(True), ResumeAttempt.created_at > since
        )
    ).scalar_one()
    count, last = session.execute(
        select(func.count(), func.max(ResumeAttempt.created_at)).where(
            ResumeAttempt.key == key,
            ResumeAttempt.succeeded.is_(False),
            ResumeAttempt.created_at > (last_success or since),
        )
    ).one()
    return int(count), last


def delay_after(failures: int) -> timedelta:
    """How long to wait before the next attempt after ``failures`` wrong codes in a row."""
    if failures < FREE_FAILURES:
        return timedelta(0)
    factor: int = 2 ** (failures - FREE_FAILURES)  # failures >= FREE_FAILURES: a whole number
    return min(MAX_DELAY, FIRST_DELAY * factor)


def resume_retry_after(*, session: Session, key: str, now: Optional[datetime] = None) -> timedelta:
    """How long ``key`` must wait before trying another code (zero: it may try now)."""
    now = now or utcnow()
    failures, last = failures_in_a_row(session=session, key=key, now=now)
    if last is None:
        return timedelta(0)
    return max(timedelta(0), last + delay_after(failures) - now)


def resume_attempt_allowed(*, session: Session, key: str, now: Optional[datetime] = None) -> bool:
    """True when ``key`` may try a resume code now."""
    return resume_retry_after(session=session, key=key, now=now) == timedelta(0)


def record_resume_attempt(*, session: Session, key: str, succeeded: bool, now: Optional[datetime] = None) -> None:
    """Record one try (the audit: key, outcome, time; never the code) and forget tries older than KEEP."""
    now = now or utcnow()
    session.add(ResumeAttempt(key=key, succeeded=succeeded, created_at=now))
    session.execute(
        delete(ResumeAttempt).where(ResumeAttempt.created_at < now - KEEP).execution_options(synchronize_session=False)
    )
    session.flush()
