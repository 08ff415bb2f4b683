"""Records the channels own: opt-outs, blocks, paid-message sizes, invite links (provider message ids: inbound_claims)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional, Sequence

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store.models import ChannelIdentity, OutboundMessage, utcnow
from bot.store.repository import find_identity, find_invite, get_or_create_identity


def set_opted_out(*, session: Session, channel: str, external_id: str, opted_out: bool) -> ChannelIdentity:
    """Record an opt-out (STOP) or opt-in (START) for a sender."""
    identity = get_or_create_identity(session=session, channel=channel, external_id=external_id)
    identity.opted_out_at = utcnow() if opted_out else None
    session.flush()
    return identity


def is_opted_out(*, session: Session, channel: str, external_id: str) -> bool:
    identity = find_identity(session=session, channel=channel, external_id=external_id)
    return identity is not None and identity.opted_out_at is not None


def set_blocked(*, session: Session, channel: str, external_id: str, blocked: bool) -> Optional[ChannelIdentity]:
    """Record that a sender blocked the bot (or unblocked it by writing again)."""
    identity = find_identity(session=session, channel=channel, external_id=external_id)
    if identity is not None:
        identity.blocked_at = utcnow() if blocked else None
        session.flush()
    return identity


@dataclass(frozen=True)
class OutboundSize:
    """One sent (or refused) message as it is recorded: its size and cost, never its text."""

    characters: int
    segments: int
    status: str = "sent"  # "sent", "failed" or "unsubscribed"
    provider_id: Optional[str] = None


def record_outbounds(
    *,
    session: Session,
    channel: str,
    external_id: str,
    sizes: Sequence[OutboundSize],
    identity_id: Optional[int] = None,
) -> list[OutboundMessage]:
    """Record one reply's messages for the identity ``identity_id`` (found by number when not given); nothing for
    someone just erased on request."""
    if not sizes:
        return []
    if identity_id is None:
        identity = find_identity(session=session, channel=channel, external_id=external_id)
        if identity is None:
            return []  # the reply confirming an erasure must not bring the phone number back
        identity_id = identity.id
    rows = [
        OutboundMessage(
            identity_id=identity_id,
            channel=channel,
            characters=size.characters,
            segments=size.segments,
            provider_id=size.provider_id,
            status=size.status,
        )
        for size in sizes
    ]
    try:
        with session.begin_nested():  # an identity erased since it was read: its foreign key refuses the rows
            session.add_all(rows)
    except IntegrityError:
        return []
    return rows


def record_outbound(
    *,
    session: Session,
    channel: str,
    external_id: str,
    characters: int,
    segments: int,
    provider_id: Optional[str] = None,
    status: str = "sent",
) -> Optional[OutboundMessage]:
    """Record the size and cost of one sent message (never its text); nothing for someone just erased on request."""
    rows = record_outbounds(
        session=session,
        channel=channel,
        external_id=external_id,
        sizes=[OutboundSize(characters, segments, status, provider_id)],
    )
    return rows[0] if rows else None


def segments_used(*, session: Session, channel: str, external_id: str) -> int:
    """Total segments sent to one sender on one channel."""
    identity = find_identity(session=session, channel=channel, external_id=external_id)
    if identity is None:
        return 0
    total = session.execute(
        select(func.coalesce(func.sum(OutboundMessage.segments), 0)).where(OutboundMessage.identity_id == identity.id)
    ).scalar_one()
    return int(total)


def link_site_by_invite(*, session: Session, channel: str, external_id: str, code: str) -> bool:
    """Attach a sender's participant to the site of a valid invite code; False for an unknown or expired code."""
    invite = find_invite(session=session, code=code)
    if invite is None:
        return False
    identity = get_or_create_identity(session=session, channel=channel, external_id=external_id)
    identity.participant.site_id = invite.site_id
    if invite.language and identity.participant.language_chosen_at is None:
        identity.participant.language = invite.language
        identity.participant.language_chosen_at = utcnow()
    session.flush()
    return True


def language_of(*, session: Session, channel: str, external_id: str, default: str = "en") -> str:
    """The language a sender's participant chose or was detected in ("en" for someone the bot has not met)."""
    identity = find_identity(session=session, channel=channel, external_id=external_id)
    if identity is None or identity.participant is None:
        return default
    return identity.participant.language or default
