"""Staff sign-in records: failed-attempt counting for the throttle, and server-side staff sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable, Optional, cast

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.orm import Session

from bot.store.models import (
    LoginAttempt,
    Practitioner,
    utcnow,
)
from bot.store.staff_models import StaffSessionRow


# ---- sign-in rate limiting --------------------------------------------------------------------
def add_login_attempt(*, session: Session, keys: Iterable[str], succeeded: bool) -> None:
    """Record one sign-in attempt under each key (hashed email, client address)."""
    now = utcnow()
    session.add_all([LoginAttempt(key=key, succeeded=succeeded, created_at=now) for key in keys])
    session.flush()


def failed_attempts_since(*, session: Session, key: str, since: datetime) -> int:
    """Failed sign-in attempts recorded under ``key`` since ``since``."""
    return int(
        session.execute(
            select(func.count(LoginAttempt.id)).where(
                LoginAttempt.key == key, LoginAttempt.succeeded.is_(False), LoginAttempt.created_at >= since
            )
        ).scalar_one()
    )


def prune_login_attempts(*, session: Session, before: datetime) -> None:
    """Forget sign-in attempts older than ``before``."""
    session.execute(
        delete(LoginAttempt).where(LoginAttempt.created_at < before).execution_options(synchronize_session=False)
    )


def login_failures_in_a_row(*, session: Session, key: str, since: datetime) -> tuple[int, datetime | None]:
    """Failed sign-ins under ``key`` after its last success (and after ``since``), and when the last one was."""
    last_success = session.execute(
        select(func.max(LoginAttempt.created_at)).where(
            LoginAttempt.key == key, LoginAttempt.succeeded.is_(True), LoginAttempt.created_at > since
        )
    ).scalar_one()
    count, last = session.execute(
        select(func.count(LoginAttempt.id), func.max(LoginAttempt.created_at)).where(
            LoginAttempt.key == key,
            LoginAttempt.succeeded.is_(False),
            LoginAttempt.created_at > (last_success or since),
        )
    ).one()
    return int(count), last


def clear_login_attempts(
    *, session: Session, key: str | None = None, key_prefix: str | None = None, key_suffix: str | None = None
) -> int:
    """Forget the sign-in attempts under ``key``, or every key starting with ``key_prefix`` / ending with ``key_suffix``.

    Returns how many were forgotten.
    """
    statement = delete(LoginAttempt)
    if key is not None:
        statement = statement.where(LoginAttempt.key == key)
    elif key_prefix is not None:
        statement = statement.where(LoginAttempt.key.startswith(key_prefix, autoescape=True))
    elif key_suffix is not None:
        statement = statement.where(LoginAttempt.key.endswith(key_suffix, autoescape=True))
    else:
        raise ValueError("a key, a key prefix or a key suffix is required")
    return int(session.execute(statement.execution_options(synchronize_session=False)).rowcount or 0)


# ---- staff sessions (server side) ---------------------------------------------------------------
def create_staff_session(
    *, session: Session, practitioner: Practitioner, token_hash: str, expires_at: datetime
) -> StaffSessionRow:
    """A new signed-in session of ``practitioner`` (only the digest of the cookie's token is stored)."""
    now = utcnow()
    row: StaffSessionRow = StaffSessionRow(
        token_hash=token_hash, practitioner_id=practitioner.id, created_at=now, last_seen_at=now, expires_at=expires_at
    )
    session.add(row)
    session.flush()
    return row


def live_staff_session(
    *, session: Session, token_hash: str, idle_since: datetime, now: datetime
) -> StaffSessionRow | None:
    """The session with this token digest if it is not ended, not past its end, used since ``idle_since`` and its account active."""
    return cast(
        Optional[StaffSessionRow],
        session.execute(
            select(StaffSessionRow)
            .join(Practitioner, Practitioner.id == StaffSessionRow.practitioner_id)
            .where(
                StaffSessionRow.token_hash == token_hash,
                StaffSessionRow.ended_at.is_(None),
                StaffSessionRow.expires_at > now,
                StaffSessionRow.last_seen_at > idle_since,
                Practitioner.is_active.is_(True),
            )
        ).scalar_one_or_none(),
    )


def end_staff_session(*, session: Session, token_hash: str, reason: str) -> bool:
    """End one session now; False if it was already ended or does not exist."""
    result = session.execute(
        update(StaffSessionRow)
        .where(StaffSessionRow.token_hash == token_hash, StaffSessionRow.ended_at.is_(None))
        .values(ended_at=utcnow(), end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return bool(result.rowcount)


def end_staff_sessions_of(*, session: Session, practitioner: Practitioner, reason: str) -> int:
    """End every open session of an account now; how many were open (expired ones are ended too, but not counted)."""
    now = utcnow()
    open_now = int(
        session.execute(
            select(func.count(StaffSessionRow.id)).where(
                StaffSessionRow.practitioner_id == practitioner.id,
                StaffSessionRow.ended_at.is_(None),
                StaffSessionRow.expires_at > now,
            )
        ).scalar_one()
    )
    session.execute(
        update(StaffSessionRow)
        .where(StaffSessionRow.practitioner_id == practitioner.id, StaffSessionRow.ended_at.is_(None))
        .values(ended_at=now, end_reason=reason)
        .execution_options(synchronize_session=False)
    )
    return open_now


def prune_staff_sessions(*, session: Session, before: datetime) -> None:
    """Forget sessions that ended, or reached their end, before ``before``."""
    session.execute(
        delete(StaffSessionRow)
        .where(or_(StaffSessionRow.expires_at < before, StaffSessionRow.ended_at < before))
        .execution_options(synchronize_session=False)
    )
