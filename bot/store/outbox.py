"""The outbox's queries: write a message with the change that causes it, lease the due ones in order, settle them."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Mapping, Optional, Sequence, cast

from sqlalchemy import and_, exists, or_, select, update
from sqlalchemy.orm import Session, aliased

from bot.store.inbound_claims import holder_alive
from bot.store.models import utcnow
from bot.store.outbox_models import (
    OUTBOX_CANCELLED,
    OUTBOX_FAILED,
    OUTBOX_PENDING,
    OUTBOX_SENT,
    OutboxMessage,
)

# A worker holds a message this long while it is sent; a worker that died mid-send loses it then (sooner when it
# ran on this host: a dead holder's lease is taken over at once).
LEASE = timedelta(seconds=120)
MAX_ATTEMPTS = 8
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)


@dataclass(frozen=True)
class Leased:
    """One message a worker now holds: what to deliver, and to whom."""

    id: int
    kind: str
    recipient_key: str
    payload: dict[str, Any]
    attempts: int  # this one included


def enqueue(
    *,
    session: Session,
    kind: str,
    recipient_key: str,
    payload: Mapping[str, Any],
    participant_id: Optional[int] = None,
    not_before: Optional[datetime] = None,
) -> OutboxMessage:
    """Add a message to the outbox in the caller's transaction: it exists exactly when the change that causes it does."""
    row: OutboxMessage = OutboxMessage(
        kind=kind,
        recipient_key=recipient_key,
        payload=json.dumps(dict(payload), sort_keys=True),
        participant_id=participant_id,
        status=OUTBOX_PENDING,
        attempts=0,
        next_attempt_at=not_before or utcnow(),
    )
    session.add(row)
    session.flush()
    return row


def _leasable(now: datetime) -> Any:
    """Pending, due, and not held by a live worker's lease."""
    return and_(
        OutboxMessage.status == OUTBOX_PENDING,
        OutboxMessage.next_attempt_at <= now,
        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now),
    )


def _first_of_its_recipient() -> Any:
    """No older message to the same recipient is still pending: a recipient's messages go out in order."""
    older = aliased(OutboxMessage)
    return ~exists().where(
        older.recipient_key == OutboxMessage.recipient_key,
        older.status == OUTBOX_PENDING,
        older.id < OutboxMessage.id,
    )


def lease_due(
    *, session: Session, holder: str, now: Optional[datetime] = None, limit: int = 20, lease: timedelta = LEASE
) -> list[Leased]:
    """Take up to ``limit`` due messages, at most one per recipient (its oldest), under a lease for ``holder``.

    On PostgreSQL the rows are locked with SKIP LOCKED, so several workers share the table without taking the same
    message; SQLite serialises writers (one worker). Commit the caller's transaction before sending.
    """
    now = now or utcnow()
    _release_dead_holders(session=session, now=now)
    statement = (
        select(OutboxMessage)
        .where(_leasable(now), _first_of_its_recipient())
        .order_by(OutboxMessage.id)
        .limit(limit)
        .with_for_update(skip_locked=True, of=OutboxMessage)
    )
    rows = list(session.execute(statement).scalars())
    leased: list[Leased] = []
    for row in rows:
        row.lease_holder = holder
        row.lease_until = now + lease
        row.attempts = (row.attempts or 0) + 1
        leased.append(Leased(row.id, row.kind, row.recipient_key, json.loads(row.payload or "{}"), row.attempts))
    session.flush()
    return leased


def _release_dead_holders(*, session: Session, now: datetime) -> None:
    """Messages held by a worker of this host that is no longer running are free again (it died mid-send)."""
    held = session.execute(
        select(OutboxMessage.id, OutboxMessage.lease_holder).where(
            OutboxMessage.status == OUTBOX_PENDING, OutboxMessage.lease_until >= now
        )
    ).all()
    dead = [row_id for row_id, holder in held if holder and holder_alive(holder) is False]
    if dead:
        session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(dead))
            .values(lease_until=None)
            .execution_options(synchronize_session=False)
        )


def _held(message_id: int, holder: str) -> Any:
    return and_(OutboxMessage.id == message_id, OutboxMessage.lease_holder == holder)


def mark_sent(
    *, session: Session, message_id: int, holder: str, provider_id: Optional[str], now: Optional[datetime] = None
) -> bool:
    """The provider accepted it: recorded whoever holds the lease now (the send happened); False if it was settled already."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OUTBOX_PENDING)
        .values(
            status=OUTBOX_SENT,
            sent_at=now or utcnow(),
            provider_id=provider_id,
            lease_until=None,
            last_error=None,
        )
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


def retry_delay(attempts: int) -> timedelta:
    """30 s, 1 min, 2 min, ... doubling after each failed attempt, never more than an hour."""
    return cast(timedelta, min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_RETRY))


def mark_failed(
    *,
    session: Session,
    message_id: int,
    holder: str,
    error: str,
    permanent: bool = False,
    now: Optional[datetime] = None,
) -> str:
    """A failed attempt: retried later with backoff, or failed for good (permanent, or out of attempts)."""
    now = now or utcnow()
    row = session.execute(select(OutboxMessage).where(_held(message_id, holder))).scalar_one_or_none()
    if row is None or row.status != OUTBOX_PENDING:
        return str(row.status) if row is not None else OUTBOX_CANCELLED
    row.last_error = error[:64]
    row.lease_until = None
    if permanent or row.attempts >= MAX_ATTEMPTS:
        row.status = OUTBOX_FAILED
    else:
        row.next_attempt_at = now + retry_delay(row.attempts)
    session.flush()
    return str(row.status)


def postpone(*, session: Session, message_id: int, holder: str, until: datetime) -> None:
    """Not allowed now (quiet hours): due again at ``until``; the attempt does not count."""
    session.execute(
        update(OutboxMessage)
        .where(_held(message_id, holder), OutboxMessage.status == OUTBOX_PENDING)
        .values(next_attempt_at=until, lease_until=None, attempts=OutboxMessage.attempts - 1)
        .execution_options(synchronize_session=False)
    )


def cancel(*, session: Session, message_id: int, reason: str) -> None:
    """No longer to be sent (what it was about has gone)."""
    session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id == message_id, OutboxMessage.status == OUTBOX_PENDING)
        .values(status=OUTBOX_CANCELLED, last_error=reason[:64], lease_until=None)
        .execution_options(synchronize_session=False)
    )


def sent_to_participant(*, session: Session, participant_id: int, kinds: Sequence[str]) -> list[OutboxMessage]:
    """What the bot sent (or is to send) a participant on its own, oldest first, for the staff page (no text kept)."""
    return list(
        session.execute(
            select(OutboxMessage)
            .where(OutboxMessage.participant_id == participant_id, OutboxMessage.kind.in_(list(kinds)))
            .order_by(OutboxMessage.id)
        ).scalars()
    )


def messages(*, session: Session, kinds: Sequence[str] = ()) -> list[OutboxMessage]:
    """Outbox rows, oldest first (optionally of some kinds): for the staff pages and the tests."""
    statement = select(OutboxMessage).order_by(OutboxMessage.id)
    if kinds:
        statement = statement.where(OutboxMessage.kind.in_(list(kinds)))
    return list(session.execute(statement).scalars())
