"""Tables of the staff sign-in work (issue 12): server-side staff sessions."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from bot.store.models import Base, utcnow

# Why a session ended (StaffSessionRow.end_reason).
ENDED_SIGNED_OUT = "signed_out"
ENDED_PASSWORD_CHANGED = "password_changed"
ENDED_DEACTIVATED = "deactivated"
ENDED_BY_ADMIN = "ended_by_admin"
ENDED_REPLACED = "replaced"  # signed in again from the same browser


class StaffSessionRow(Base):
    """One signed-in staff session. The cookie carries a random token; only its SHA-256 digest is stored here."""

    __tablename__ = "staff_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), nullable=False, unique=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="CASCADE"), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    last_seen_at = Column(DateTime, nullable=False, default=utcnow)
    expires_at = Column(DateTime, nullable=False)  # absolute end, however busy
    ended_at = Column(DateTime, nullable=True)  # set by sign-out, a password change, deactivation or an admin
    end_reason = Column(String(32), nullable=True)
