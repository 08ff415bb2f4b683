"""Provider messages claimed under a lease: done only after the turn answered, so a retry after a crash is processed."""

from __future__ import annotations

import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Optional

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import utcnow
from bot.store.security_models import CLAIM_DONE, CLAIM_FAILED, CLAIM_PROCESSING, InboundClaim

# What claim_inbound found.
NEW = "new"  # first delivery: process it
RETRY = "retry"  # an earlier delivery's turn failed or its process died: process it now
BUSY = "busy"  # another live process (or this one) is processing it right now
DONE = "done"  # processed and answered: ignore the repeat
PROCESS = (NEW, RETRY)
# Longer than any turn (Rasa's lock lifetime is 30 s in production); only matters when the holder is on another host.
LEASE = timedelta(seconds=120)

_in_flight: set[tuple[str, str]] = set()
_in_flight_lock = threading.Lock()


def _start_time(pid: int) -> Optional[str]:
    """The kernel's start time of process ``pid`` (field 22 of /proc/PID/stat), or None when it is gone."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return stat.rsplit(")", 1)[-1].split()[19]


def this_process() -> str:
    """host:pid:start-time: names this process uniquely, even after its pid is reused."""
    pid = os.getpid()
    return f"{socket.gethostname()}:{pid}:{_start_time(pid) or '?'}"


def holder_alive(holder: str) -> Optional[bool]:
    """Whether the process named by ``holder`` still runs: None when it is on another host (only its lease tells)."""
    host, _, rest = holder.partition(":")
    pid, _, started = rest.partition(":")
    if host != socket.gethostname() or not pid.isdigit():
        return None
    return _start_time(int(pid)) == started


@dataclass(frozen=True)
class Claim:
    """The outcome of one claim: what to do, and how many deliveries of this message were processed so far."""

    state: str
    attempts: int = 1

    @property
    def process(self) -> bool:
        return self.state in PROCESS


def _key(channel: str, message_key: str) -> tuple[str, str]:
    return (channel, message_key)


def claim_inbound(
    *,
    session: Session,
    channel: str,
    message_key: str,
    now: Optional[datetime] = None,
    holder: Optional[str] = None,
    lease: timedelta = LEASE,
) -> Claim:
    """Take a provider message for this process, or say why not (BUSY, DONE); flushes, the caller commits."""
    now, holder = now or utcnow(), holder or this_process()
    try:
        with session.begin_nested():
            session.add(
                InboundClaim(
                    channel=channel,
                    message_key=message_key,
                    status=CLAIM_PROCESSING,
                    holder=holder,
                    lease_until=now + lease,
                    attempts=1,
                    created_at=now,
                )
            )
            session.flush()
    except IntegrityError:
        return _take_over(
            session=session, channel=channel, message_key=message_key, now=now, holder=holder, lease=lease
        )
    with _in_flight_lock:
        _in_flight.add(_key(channel, message_key))
    return Claim(NEW)


def _take_over(
    *, session: Session, channel: str, message_key: str, now: datetime, holder: str, lease: timedelta
) -> Claim:
    row = session.execute(
        select(InboundClaim).where(InboundClaim.channel == channel, InboundClaim.message_key == message_key)
    ).scalar_one()
    if row.status == CLAIM_DONE:
        return Claim(DONE, row.attempts)
    if row.status == CLAIM_PROCESSING and not _abandoned(row, now=now, me=holder):
        return Claim(BUSY, row.attempts)
    # Compare-and-set: of two processes taking over the same claim at once, exactly one wins.
    taken = session.execute(
        update(InboundClaim)
        .where(
            InboundClaim.id == row.id,
            InboundClaim.status == row.status,
            InboundClaim.holder == row.holder,
            InboundClaim.lease_until == row.lease_until,
        )
        .values(status=CLAIM_PROCESSING, holder=holder, lease_until=now + lease, attempts=InboundClaim.attempts + 1)
        .execution_options(synchronize_session=False)
    ).rowcount
    if taken != 1:
        return Claim(BUSY, row.attempts)
    with _in_flight_lock:
        _in_flight.add(_key(channel, message_key))
    return Claim(RETRY, row.attempts + 1)


def _abandoned(row: InboundClaim, *, now: datetime, me: str) -> bool:
    """True when nobody is processing the claim any more: its process died, or its lease ran out."""
    if row.holder == me:
        with _in_flight_lock:
            return _key(row.channel, row.message_key) not in _in_flight
    alive = holder_alive(row.holder)
    if alive is not None:
        return not alive
    return bool(row.lease_until <= now)


def _settle(*, session: Session, channel: str, message_key: str, status: str, now: Optional[datetime]) -> None:
    session.execute(
        update(InboundClaim)
        .where(InboundClaim.channel == channel, InboundClaim.message_key == message_key)
        .values(status=status, finished_at=now or utcnow())
        .execution_options(synchronize_session=False)
    )
    forget_in_flight(channel=channel, message_key=message_key)


def finish_inbound(*, session: Session, channel: str, message_key: str, now: Optional[datetime] = None) -> None:
    """The turn answered the participant: a later delivery of the same message is a repeat."""
    _settle(session=session, channel=channel, message_key=message_key, status=CLAIM_DONE, now=now)


def release_inbound(*, session: Session, channel: str, message_key: str, now: Optional[datetime] = None) -> None:
    """The turn failed: a later delivery of the same message is processed."""
    _settle(session=session, channel=channel, message_key=message_key, status=CLAIM_FAILED, now=now)


def settle_inbound(*, session: Session, channel: str, message_key: str, answered: bool) -> None:
    """After the turn: done when the bot's answer went out; released (a provider retry is processed) when not."""
    if answered:
        finish_inbound(session=session, channel=channel, message_key=message_key)
    else:
        release_inbound(session=session, channel=channel, message_key=message_key)


def forget_in_flight(*, channel: str, message_key: str) -> None:
    """This process no longer works on the message (also when recording that failed: the lease then decides)."""
    with _in_flight_lock:
        _in_flight.discard(_key(channel, message_key))
