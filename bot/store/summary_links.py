"""The participant's own link to their summary: unguessable, expiring, one per run, only its token's digest stored."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import datetime, timedelta
from typing import Optional, cast

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, select
from sqlalchemy.orm import Session

from bot.store.models import ActivityRun, Base, utcnow

PATH = "/summary"  # the page is PATH/<token>, its PDF PATH/<token>/summary.pdf
TOKEN_CHARS = 27  # about 160 bits, URL-safe and GSM-7 (letters, digits, - and _)


class SummaryLink(Base):
    """A run's summary link. The token is HMAC(secret key, nonce): the bot can give the same link again, and a copy
    of the database alone (nonce and digest) cannot make one."""

    __tablename__ = "summary_links"
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("activity_runs.id", ondelete="CASCADE"), nullable=False, unique=True)
    nonce = Column(String(64), nullable=False)
    token_hash = Column(String(64), nullable=False, unique=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)


def token_of(nonce: str, secret_key: str) -> str:
    mac = hmac.new(secret_key.encode(), f"summary-link:{nonce}".encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode()[:TOKEN_CHARS]


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def link_token(*, session: Session, run: ActivityRun, secret_key: str, days: int, now: datetime | None = None) -> str:
    """The token of the run's summary link, made on first use; an expired link is renewed (a new token)."""
    now = now or utcnow()
    row = cast(
        Optional[SummaryLink],
        session.execute(select(SummaryLink).where(SummaryLink.run_id == run.id)).scalar_one_or_none(),
    )
    if row is None or row.expires_at <= now:
        nonce = secrets.token_urlsafe(32)
        if row is None:
            row = SummaryLink(run_id=run.id)
            session.add(row)
        row.nonce = nonce
        row.token_hash = digest(token_of(nonce, secret_key))
        row.created_at = now
        row.expires_at = now + timedelta(days=days)
        session.flush()
    return token_of(str(row.nonce), secret_key)


def find(*, session: Session, token: str) -> SummaryLink | None:
    """The link a token names (expired or not: the page tells the two apart), or None."""
    if not token or len(token) != TOKEN_CHARS:
        return None
    return cast(
        Optional[SummaryLink],
        session.execute(select(SummaryLink).where(SummaryLink.token_hash == digest(token))).scalar_one_or_none(),
    )
