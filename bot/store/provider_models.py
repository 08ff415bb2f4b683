"""The provider_messages table: each message record a provider (Twilio) keeps, by id only, until we deleted it there."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint

from bot.store.models import Base, utcnow

PROVIDER_TWILIO = "twilio"
INBOUND = "inbound"
OUTBOUND = "outbound"


class ProviderMessage(Base):
    """One message record at a provider (Twilio's message log holds its body and the phone number), by its id (SID).

    Never the body nor the number. The row stays after the provider's copy is deleted (``deleted_at``), as the
    audit of what was deleted there; ``identity_id`` links it to the person for erasure, and is cleared by it.
    """

    __tablename__ = "provider_messages"
    __table_args__ = (
        UniqueConstraint("provider", "sid"),
        Index("ix_provider_messages_deleted_at_next_attempt_at", "deleted_at", "next_attempt_at"),
    )
    id = Column(Integer, primary_key=True)
    provider = Column(String(16), nullable=False, default=PROVIDER_TWILIO)
    sid = Column(String(64), nullable=False)
    direction = Column(String(8), nullable=False)  # INBOUND or OUTBOUND
    identity_id = Column(Integer, ForeignKey("channel_identities.id", ondelete="SET NULL"), nullable=True, index=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    status = Column(String(32), nullable=True)  # the provider's status when last looked at ("delivered", ...)
    checked_at = Column(DateTime, nullable=True)  # when it was last looked at
    deleted_at = Column(DateTime, nullable=True)  # when the provider's copy was deleted (or found gone)
    erased_at = Column(DateTime, nullable=True)  # its person was erased: deleted at the provider even when kept
    attempts = Column(Integer, nullable=False, default=0)  # passes that looked at it
    failures = Column(Integer, nullable=False, default=0)  # calls to the provider that failed (reported)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    lease_holder = Column(String(160), nullable=True)  # the worker looking at it now (host:pid:start-time)
    lease_until = Column(DateTime, nullable=True)
    last_error = Column(String(64), nullable=True)  # the error's kind only ("HTTP 500", "Timeout"): never a text
