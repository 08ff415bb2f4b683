"""Tables of a match between a work seeker and an employer that their two practitioners share: its stage and history."""

from __future__ import annotations

from sqlalchemy import Column, Date, DateTime, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import relationship

from bot.store.models import Base, utcnow

SUGGESTED = "suggested"
INTRODUCED = "introduced"
INTERVIEWING = "interviewing"
HIRED = "hired"
RETAINED_1M = "retained_1m"  # still there at one month
RETAINED_3M = "retained_3m"  # still there at three months
ENDED = "ended"  # with a reason
STAGES = (SUGGESTED, INTRODUCED, INTERVIEWING, HIRED, RETAINED_1M, RETAINED_3M, ENDED)


class Match(Base):
    """A work seeker's and an employer's shared summaries at one site, brought together by a practitioner."""

    __tablename__ = "matches"
    __table_args__ = (UniqueConstraint("seeker_handoff_id", "employer_handoff_id", name="uq_matches_pair"),)
    id = Column(Integer, primary_key=True)
    seeker_handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    employer_handoff_id = Column(Integer, ForeignKey("handoffs.id", ondelete="CASCADE"), nullable=False, index=True)
    site_id = Column(Integer, ForeignKey("sites.id"), nullable=False, index=True)
    stage = Column(String(16), nullable=False, default=SUGGESTED)
    ended_reason = Column(Text, nullable=True)
    created_by_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    updated_at = Column(DateTime, nullable=False, default=utcnow, onupdate=utcnow)
    events = relationship("MatchEvent", order_by="MatchEvent.id", cascade="all, delete-orphan")


class MatchEvent(Base):
    """One step of a match: the stage set (or None for a note alone), the day it happened, a shared note, by whom."""

    __tablename__ = "match_events"
    id = Column(Integer, primary_key=True)
    match_id = Column(Integer, ForeignKey("matches.id", ondelete="CASCADE"), nullable=False, index=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    stage = Column(String(16), nullable=True)
    happened_on = Column(Date, nullable=True)
    note = Column(Text, nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)
    practitioner = relationship("Practitioner")
