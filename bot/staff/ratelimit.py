"""Sign-in throttling that cannot be turned against staff, over the login_attempts table.

Wrong passwords are counted per (account, client address) and per client address, never per account alone: an
attacker who knows a practitioner's email only slows down their own address, and the practitioner signing in from
anywhere else is never stopped. After a few failures in a row the next try waits (1 minute, doubling up to 15
minutes) instead of a hard lock; a success resets the count, and `python -m bot staff unlock` or `set-password`
clears it. The typed email is kept only as a keyed hash; the client address is request.client.host, which the web
app resolves from X-Forwarded-For only for TRUSTED_PROXIES (bot/web/security.py).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session
from starlette.requests import Request

from bot.settings import get_settings
from bot.store import staff_access
from bot.store.attempts import address_key
from bot.store.models import utcnow

FREE_FAILURES_PER_ACCOUNT = 5  # wrong passwords in a row for one account from one address before any wait
MAX_FAILURES_PER_ADDRESS = 20  # higher: a whole office may share one address (free failures before any wait)
FIRST_DELAY = timedelta(minutes=1)  # then 1, 2, 4, 8 minutes ... after each further failure
MAX_DELAY = timedelta(minutes=15)
WINDOW = timedelta(hours=24)  # failures older than this (or before a success) no longer count
KEEP_ATTEMPTS = WINDOW  # attempts are forgotten after this
ADDRESS_CHARS = 64


@dataclass(frozen=True)
class LoginKeys:
    """The rate-limit keys of one attempt: the account (a keyed hash of the typed email) and the client address."""

    email: str
    address: str

    @property
    def pair(self) -> str:
        """The (account, address) key."""
        return f"{self.email}|{self.address}"

    @property
    def all(self) -> tuple[str, str]:
        return (self.pair, self.address)


@dataclass(frozen=True)
class Wait:
    """How long the (account, address) pair and the address must wait before the next try (zero: now)."""

    account: timedelta
    address: timedelta

    @property
    def longest(self) -> timedelta:
        return max(self.account, self.address)

    @property
    def limited(self) -> bool:
        return self.longest > timedelta(0)

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.longest.total_seconds())) if self.limited else 0


def email_key(email: str) -> str:
    """The key part for a typed email (any email, account or not, is throttled the same way: no enumeration)."""
    digest = hashlib.sha256(f"{get_settings().secret_key}:{email.strip().lower()}".encode()).hexdigest()[:40]
    return f"email:{digest}"


def keys_for(email: str, address: str) -> LoginKeys:
    return LoginKeys(email=email_key(email), address=f"ip:{address[:ADDRESS_CHARS]}")


def client_address(request: Request) -> str:
    """The client's address as the app sees it (X-Forwarded-For believed only from TRUSTED_PROXIES)."""
    return request.client.host if request.client else "unknown"


def address_digest(address: str) -> str:
    """A keyed hash of a client address, for the audit log (the address itself is not written there)."""
    return address_key(address[:ADDRESS_CHARS]).split(":", 1)[1]


def delay_after(failures: int, free: int) -> timedelta:
    """The wait before the next try after ``failures`` wrong passwords in a row when ``free`` are allowed."""
    if failures < free:
        return timedelta(0)
    factor: int = 2 ** min(failures - free, 16)  # failures >= free: a whole number
    return min(MAX_DELAY, FIRST_DELAY * factor)


def _wait_of(*, session: Session, key: str, free: int, now: datetime) -> timedelta:
    failures, last = staff_access.login_failures_in_a_row(session=session, key=key, since=now - WINDOW)
    if last is None:
        return timedelta(0)
    return max(timedelta(0), last + delay_after(failures, free) - now)


def wait(*, session: Session, keys: LoginKeys, now: datetime | None = None) -> Wait:
    """How long this attempt's account-and-address and address must wait."""
    now = now or utcnow()
    return Wait(
        account=_wait_of(session=session, key=keys.pair, free=FREE_FAILURES_PER_ACCOUNT, now=now),
        address=_wait_of(session=session, key=keys.address, free=MAX_FAILURES_PER_ADDRESS, now=now),
    )


def is_limited(*, session: Session, keys: LoginKeys) -> bool:
    """True when this account from this address, or this address, must wait before trying again."""
    return wait(session=session, keys=keys).limited


def record(*, session: Session, keys: LoginKeys, succeeded: bool) -> Wait:
    """Record an attempt (only keys, outcome and time), forget old ones; the wait it leaves."""
    staff_access.add_login_attempt(session=session, keys=keys.all, succeeded=succeeded)
    staff_access.prune_login_attempts(session=session, before=utcnow() - KEEP_ATTEMPTS)
    return wait(session=session, keys=keys)


def clear_account(*, session: Session, email: str) -> int:
    """Lift the throttle of an account from every address (unlock, set-password); how many attempts were forgotten."""
    return staff_access.clear_login_attempts(session=session, key_prefix=email_key(email) + "|")


def clear_address(*, session: Session, address: str) -> int:
    """Lift the throttle of a client address, for itself and for every account tried from it."""
    key = keys_for("", address).address
    return staff_access.clear_login_attempts(session=session, key=key) + staff_access.clear_login_attempts(
        session=session, key_suffix="|" + key
    )
