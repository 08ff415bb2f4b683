"""Tables of a handoff's follow-up: contact attempts, assignment history and note drafts kept across a sign-in."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint

from bot.store.models import Base, utcnow

REACHED = "reached"
LEFT_MESSAGE = "left_message"
NO_ANSWER = "no_answer"
WRONG_CONTACT = "wrong_contact"
OUTCOMES = (REACHED, LEFT_MESSAGE, NO_ANSWER, WRONG_CONTACT)


class ContactAttempt(Base):
    """One try at reaching the participant about a handoff: the outcome, who tried and when (no content)."""

    __tablename__ = "contact_attempts"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    outcome = Column(String(32), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class HandoffAssignment(Base):
    """One change of a handoff's owner: from whom, to whom, by whom; ``notified_at`` once the previous owner saw it."""

    __tablename__ = "handoff_assignments"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    from_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True, index=True)
    to_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    by_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    notified_at = Column(DateTime, nullable=True)


class NoteDraft(Base):
    """A note whose POST came after the session had ended: kept for its author until they sign in again and save it."""

    __tablename__ = "note_drafts"
    __table_args__ = (UniqueConstraint("practitioner_id", "handoff_id", name="uq_note_drafts_practitioner_handoff"),)
    id = Column(Integer, primary_key=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="CASCADE"), nullable=False)
    handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
