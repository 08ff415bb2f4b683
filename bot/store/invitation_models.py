"""The site invitations table: a practitioner invited a known client by SMS, linking their number to a site."""

from __future__ import annotations

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String

from bot.store.models import Base, utcnow


class SiteInvitation(Base):
    """One SMS invitation: which site (and, when chosen, which practitioner) invited which participant, in what language.

    The phone number is not here: it is the participant's SMS identity (``identity_id``), erased with them.
    """

    __tablename__ = "site_invitations"
    id = Column(Integer, primary_key=True)
    site_id = Column(Integer, ForeignKey("sites.id", ondelete="CASCADE"), nullable=False)
    participant_id = Column(Integer, ForeignKey("participants.id", ondelete="CASCADE"), nullable=False, index=True)
    identity_id = Column(Integer, ForeignKey("channel_identities.id", ondelete="CASCADE"), nullable=False)
    invited_by_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    language = Column(String(8), nullable=False)
    created_at = Column(DateTime, nullable=False, default=utcnow)
