"""Tables of the security work (issue 15): inbound provider messages claimed under a lease, resume-code attempts."""

from __future__ import annotations

from sqlalchemy import Boolean, Column, DateTime, Index, Integer, String, UniqueConstraint

from bot.store.models import Base, utcnow

# InboundClaim statuses.
CLAIM_PROCESSING = "processing"  # a process is handling it (holder, until lease_until)
CLAIM_DONE = "done"  # handled and answered: a provider retry is answered once, i.e. ignored
CLAIM_FAILED = "failed"  # the turn failed and the participant was asked to send again: a retry is processed


class InboundClaim(Base):
    """A provider message (Twilio MessageSid, Telegram update_id) taken by one process, then marked done or failed."""

    __tablename__ = "inbound_claims"
    __table_args__ = (UniqueConstraint("channel", "message_key", name="uq_inbound_claims_channel_message_key"),)
    id = Column(Integer, primary_key=True)
    channel = Column(String(32), nullable=False)
    message_key = Column(String(128), nullable=False)
    status = Column(String(16), nullable=False, default=CLAIM_PROCESSING)
    holder = Column(String(160), nullable=False)  # host:pid:start-time of the process handling it
    lease_until = Column(DateTime, nullable=False)
    attempts = Column(Integer, nullable=False, default=1)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    finished_at = Column(DateTime, nullable=True)


class ResumeAttempt(Base):
    """One try of a resume code, under an identity key or a client-address key (ids and keyed hashes only)."""

    __tablename__ = "resume_attempts"
    __table_args__ = (Index("ix_resume_attempts_key_created_at", "key", "created_at"),)
    id = Column(Integer, primary_key=True)
    key = Column(String(128), nullable=False)
    succeeded = Column(Boolean, nullable=False, default=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
