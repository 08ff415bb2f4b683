"""The outbox table: every message the bot sends on its own (not as a request's immediate reply), until delivered."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String, Text

from bot.store.models import Base, utcnow

# OutboxMessage statuses.
OUTBOX_PENDING = "pending"  # waiting for its time (next_attempt_at), or held by a worker's lease while sent
OUTBOX_SENT = "sent"  # the provider accepted it (provider_id, sent_at)
OUTBOX_FAILED = "failed"  # refused for good, or still failing after the last retry (last_error: the error type)
OUTBOX_CANCELLED = "cancelled"  # no longer to be sent (the reason it was for has gone)
OUTBOX_OPEN = (OUTBOX_PENDING,)


class OutboxMessage(Base):
    """One outgoing message: written in the transaction of the change that causes it, then delivered by a worker.

    ``recipient_key`` orders delivery: a recipient's messages go out one at a time, oldest first. ``payload`` holds
    what the deliverer needs to build the message at send time (ids and an address), never a participant's words.
    """

    __tablename__ = "outbox_messages"
    __table_args__ = (
        Index("ix_outbox_messages_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_outbox_messages_recipient_key_id", "recipient_key", "id"),
    )
    id = Column(Integer, primary_key=True)
    kind = Column(String(32), nullable=False)  # what delivers it, e.g. "handoff_email"
    recipient_key = Column(String(200), nullable=False)
    payload = Column(Text, nullable=False, default="{}")  # JSON
    participant_id = Column(Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=True, index=True)
    status = Column(String(16), nullable=False, default=OUTBOX_PENDING)
    attempts = Column(Integer, nullable=False, default=0)
    next_attempt_at = Column(DateTime, nullable=False, default=utcnow)
    lease_holder = Column(String(160), nullable=True)  # the worker sending it now (host:pid:start-time)
    lease_until = Column(DateTime, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    sent_at = Column(DateTime, nullable=True)
    provider_id = Column(String(200), nullable=True)  # the provider's id for the delivery (e.g. the Message-ID)
    last_error = Column(String(64), nullable=True)  # the error's type only: provider texts can quote an address
