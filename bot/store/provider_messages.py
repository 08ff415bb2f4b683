"""Provider message records' queries: record a SID, lease the ones to look at (SKIP LOCKED), settle each look."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Optional, Sequence, cast

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import utcnow
from bot.store.provider_models import PROVIDER_TWILIO, ProviderMessage

# Twilio refuses to delete a message its systems are still processing (error 20009) and advises waiting at least a
# minute after it was sent or received.
FIRST_LOOK = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=1)
FIRST_RETRY = timedelta(seconds=30)
# A worker holds a record this long while it asks the provider about it; a dead worker's records are free after it.
LEASE = timedelta(seconds=120)


@dataclass(frozen=True)
class Leased:
    """One record a worker now holds: which message, which way it went, and since when."""

    id: int
    provider: str
    sid: str
    direction: str
    created_at: datetime
    attempts: int  # this one included


def record(
    *,
    session: Session,
    sid: str,
    direction: str,
    identity_id: Optional[int] = None,
    provider: str = PROVIDER_TWILIO,
    now: Optional[datetime] = None,
) -> None:
    """Note a message the provider keeps, in the caller's transaction; a SID already noted is left as it is (its
    identity filled in when it had none). An identity erased since it was read is not linked."""
    now = now or utcnow()

    def add(identity: Optional[int]) -> None:
        with session.begin_nested():
            session.add(
                ProviderMessage(
                    provider=provider,
                    sid=sid,
                    direction=direction,
                    identity_id=identity,
                    created_at=now,
                    attempts=0,
                    failures=0,
                    next_attempt_at=now + FIRST_LOOK,
                )
            )

    try:
        add(identity_id)
    except IntegrityError:
        if _exists(session=session, provider=provider, sid=sid):  # a repeat delivery, or noted by another process
            link_identity(session=session, sid=sid, identity_id=identity_id, provider=provider)
        else:  # the identity was erased since it was read: noted without it, so the provider's copy still goes
            add(None)


def _exists(*, session: Session, provider: str, sid: str) -> bool:
    row = session.execute(
        select(ProviderMessage.id).where(ProviderMessage.provider == provider, ProviderMessage.sid == sid)
    ).first()
    return row is not None


def link_identity(*, session: Session, sid: str, identity_id: Optional[int], provider: str = PROVIDER_TWILIO) -> None:
    """Link a record noted before its sender had an identity (a first message) to it; never one of an erased person."""
    if identity_id is None:
        return
    try:
        with session.begin_nested():
            session.execute(
                update(ProviderMessage)
                .where(
                    ProviderMessage.provider == provider,
                    ProviderMessage.sid == sid,
                    ProviderMessage.identity_id.is_(None),
                    ProviderMessage.erased_at.is_(None),
                )
                .values(identity_id=identity_id)
                .execution_options(synchronize_session=False)
            )
    except IntegrityError:
        return  # the identity was erased meanwhile: the record stays unlinked


def _due(now: datetime, *, only_erased: bool) -> Any:
    """Not deleted at the provider yet, due, not held by a live worker's lease (and its person erased, when kept)."""
    return and_(
        ProviderMessage.deleted_at.is_(None),
        ProviderMessage.next_attempt_at <= now,
        or_(ProviderMessage.lease_until.is_(None), ProviderMessage.lease_until < now),
        *((ProviderMessage.erased_at.is_not(None),) if only_erased else ()),
    )


def lease_due(
    *,
    session: Session,
    holder: str,
    now: Optional[datetime] = None,
    limit: int = 20,
    only_erased: bool = False,
    lease: timedelta = LEASE,
) -> list[Leased]:
    """Take up to ``limit`` due records under a lease for ``holder``, the longest due first.

    On PostgreSQL the rows are locked with SKIP LOCKED, so several workers share the table without taking the same
    record; SQLite serialises writers. Commit the caller's transaction before calling the provider.
    """
    now = now or utcnow()
    statement = (
        select(ProviderMessage)
        .where(_due(now, only_erased=only_erased))
        .order_by(ProviderMessage.next_attempt_at, ProviderMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=ProviderMessage)
    )
    leased: list[Leased] = []
    for row in session.execute(statement).scalars():
        row.lease_holder = holder
        row.lease_until = now + lease
        row.attempts = (row.attempts or 0) + 1
        leased.append(Leased(row.id, row.provider, row.sid, row.direction, row.created_at, row.attempts))
    session.flush()
    return leased


def _held(record_id: int, holder: str) -> Any:
    return and_(
        ProviderMessage.id == record_id,
        ProviderMessage.lease_holder == holder,
        ProviderMessage.deleted_at.is_(None),
    )


def _settle(*, session: Session, record_id: int, holder: str, **values: Any) -> bool:
    result = session.execute(
        update(ProviderMessage)
        .where(_held(record_id, holder))
        .values(lease_until=None, **values)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def mark_deleted(
    *, session: Session, record_id: int, holder: str, status: Optional[str], now: Optional[datetime] = None
) -> bool:
    """The provider's copy is gone (deleted now, or found gone): the record stays, for the audit."""
    now = now or utcnow()
    return _settle(
        session=session,
        record_id=record_id,
        holder=holder,
        status=status,
        checked_at=now,
        deleted_at=now,
        last_error=None,
    )


def wait_delay(attempts: int) -> timedelta:
    """1 min, 2 min, 4 min, ... after each look that found the message still on its way, never more than an hour."""
    return cast(timedelta, min(FIRST_LOOK * (2 ** max(attempts - 1, 0)), LONGEST_WAIT))


def retry_delay(failures: int) -> timedelta:
    """30 s, 1 min, 2 min, ... after each failed call, never more than an hour."""
    return cast(timedelta, min(FIRST_RETRY * (2 ** max(failures - 1, 0)), LONGEST_WAIT))


def mark_waiting(
    *,
    session: Session,
    record_id: int,
    holder: str,
    status: Optional[str],
    attempts: int,
    now: Optional[datetime] = None,
) -> datetime:
    """Still on its way (queued, sending, sent) or not deletable yet: looked at again later; when that is."""
    now = now or utcnow()
    until = now + wait_delay(attempts)
    _settle(
        session=session,
        record_id=record_id,
        holder=holder,
        status=status,
        checked_at=now,
        next_attempt_at=until,
        last_error=None,
    )
    return until


def mark_failed(
    *, session: Session, record_id: int, holder: str, error: str, now: Optional[datetime] = None
) -> tuple[int, datetime]:
    """A call to the provider failed: counted, reported, retried with backoff (never given up: the copy must go).

    Returns the record's failures so far and when it is tried again."""
    now = now or utcnow()
    row = session.execute(select(ProviderMessage).where(_held(record_id, holder))).scalar_one_or_none()
    if row is None:
        return 0, now
    row.failures = (row.failures or 0) + 1
    row.last_error = error[:64]
    row.checked_at = now
    row.lease_until = None
    row.next_attempt_at = now + retry_delay(row.failures)
    session.flush()
    return int(row.failures), cast(datetime, row.next_attempt_at)


def failing(*, session: Session) -> int:
    """Records whose last call to the provider failed and whose copy is still there: what an admin must look at."""
    return int(
        session.execute(
            select(func.count())
            .select_from(ProviderMessage)
            .where(ProviderMessage.deleted_at.is_(None), ProviderMessage.last_error.is_not(None))
        ).scalar_one()
    )


def records(*, session: Session, provider: str = PROVIDER_TWILIO) -> list[ProviderMessage]:
    """Every record of a provider, oldest first: for the audit and the tests."""
    return list(
        session.execute(
            select(ProviderMessage).where(ProviderMessage.provider == provider).order_by(ProviderMessage.id)
        ).scalars()
    )


def count_erased_with(identity_ids: Any) -> Any:
    """The count (a statement) of the records erasing these identities deletes: those already deleted at the provider."""
    return (
        select(func.count())
        .select_from(ProviderMessage)
        .where(ProviderMessage.identity_id.in_(identity_ids), ProviderMessage.deleted_at.is_not(None))
    )


def erase_identities(*, session: Session, identity_ids: Sequence[int], now: Optional[datetime] = None) -> None:
    """Erasing people: their records already deleted at the provider go; the others lose the link and are marked, so
    the worker still deletes the provider's copy (even when copies are kept)."""
    if not identity_ids:
        return
    session.execute(
        update(ProviderMessage)
        .where(ProviderMessage.identity_id.in_(list(identity_ids)), ProviderMessage.deleted_at.is_(None))
        .values(identity_id=None, erased_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    session.execute(
        delete(ProviderMessage)
        .where(ProviderMessage.identity_id.in_(list(identity_ids)))
        .execution_options(synchronize_session=False)
    )
