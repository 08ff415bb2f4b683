"""Sign-in rate limiting over the login_attempts table: per email and per client address."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store import staff_repository as staff_repo
from bot.store.models import utcnow

WINDOW = timedelta(minutes=15)
MAX_FAILURES_PER_EMAIL = 5
MAX_FAILURES_PER_ADDRESS = 20  # higher: a whole office may share one address
KEEP_ATTEMPTS = timedelta(days=1)


@dataclass(frozen=True)
class LoginKeys:
    """The rate-limit keys of one attempt; the email is kept only as a keyed hash."""

    email: str
    address: str

    @property
    def all(self) -> tuple[str, str]:
        return (self.email, self.address)


def keys_for(email: str, address: str) -> LoginKeys:
    digest = hashlib.sha256(f"{get_settings().secret_key}:{email.strip().lower()}".encode()).hexdigest()[:40]
    return LoginKeys(email=f"email:{digest}", address=f"ip:{address[:100]}")


def is_limited(*, session: Session, keys: LoginKeys) -> bool:
    """True when the email or the address had too many recent failures."""
    since = utcnow() - WINDOW
    return (
        staff_repo.failed_attempts_since(session=session, key=keys.email, since=since) >= MAX_FAILURES_PER_EMAIL
        or staff_repo.failed_attempts_since(session=session, key=keys.address, since=since) >= MAX_FAILURES_PER_ADDRESS
    )


def record(*, session: Session, keys: LoginKeys, succeeded: bool) -> None:
    """Record an attempt and forget old ones."""
    staff_repo.add_login_attempt(session=session, keys=keys.all, succeeded=succeeded)
    staff_repo.prune_login_attempts(session=session, before=utcnow() - KEEP_ATTEMPTS)
