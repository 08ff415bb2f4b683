"""Sites' entry points in the store: sites by code or keyword, a site's permanent start link, SMS invitations."""

from __future__ import annotations

import re
import secrets
from typing import Optional, cast

from sqlalchemy import and_, exists, func, select
from sqlalchemy.orm import Session

from bot.store import outbox
from bot.store.invitation_models import SiteInvitation
from bot.store.models import ChannelIdentity, ConsentRecord, InviteCode, Participant, Practitioner, Site, utcnow
from bot.store.repository import get_or_create_identity

PARTICIPATE = "participate"  # the consent kind of the activity's first question
_KEYWORD_SPACES = re.compile(r"[\s_-]+")


def keyword_of(code: str) -> str:
    """A site's SMS keyword, derived from its code: case folded, dashes and underscores read as spaces."""
    return _KEYWORD_SPACES.sub(" ", code).strip().casefold()


def find_site(*, session: Session, code: str) -> Optional[Site]:
    """The site whose code is ``code`` (case-insensitive), or None."""
    return cast(
        Optional[Site],
        session.execute(select(Site).where(func.lower(Site.code) == code.strip().lower())).scalars().first(),
    )


def site_by_keyword(*, session: Session, keyword: str) -> Optional[Site]:
    """The site whose keyword (its code, read as keyword_of does) is ``keyword``, or None."""
    wanted = keyword_of(keyword)
    if not wanted:
        return None
    return next((s for s in session.execute(select(Site)).scalars() if keyword_of(str(s.code)) == wanted), None)


def other_sites(*, session: Session, default_code: str) -> list[Site]:
    """Every site but the default one, by name: the centres a participant can say they work with."""
    rows = session.execute(select(Site).where(Site.code != default_code).order_by(Site.name, Site.id)).scalars()
    return list(rows)


def has_consented(*, session: Session, participant: Participant) -> bool:
    """True once the participant has agreed to take part in any run (so the start of a conversation is over)."""
    granted = exists().where(
        and_(
            ConsentRecord.participant_id == participant.id,
            ConsentRecord.kind == PARTICIPATE,
            ConsentRecord.granted.is_(True),
        )
    )
    return bool(session.execute(select(granted)).scalar())


def times_consented(*, session: Session, participant: Participant) -> int:
    """How many times the participant has agreed to take part (the centre is asked after the first time only)."""
    return int(
        session.execute(
            select(func.count())
            .select_from(ConsentRecord)
            .where(
                ConsentRecord.participant_id == participant.id,
                ConsentRecord.kind == PARTICIPATE,
                ConsentRecord.granted.is_(True),
            )
        ).scalar_one()
    )


def link_site_by_code(*, session: Session, channel: str, external_id: str, code: str) -> bool:
    """Attach a sender's participant to the site ``code`` when they have no site yet; False for an unknown site.

    A participant who already has a site keeps it: a link opened later never moves them silently.
    """
    site = find_site(session=session, code=code)
    if site is None:
        return False
    identity = get_or_create_identity(session=session, channel=channel, external_id=external_id)
    if identity.participant.site_id is None:
        identity.participant.site_id = site.id
        session.flush()
    return True


def site_link_invite(*, session: Session, site: Site) -> InviteCode:
    """The site's permanent invite code (no practitioner, language or expiry), made the first time it is asked for."""
    found = session.execute(
        select(InviteCode)
        .where(
            InviteCode.site_id == site.id,
            InviteCode.practitioner_id.is_(None),
            InviteCode.language.is_(None),
            InviteCode.expires_at.is_(None),
        )
        .order_by(InviteCode.id)
    ).scalars()
    invite = cast(Optional[InviteCode], found.first())
    if invite is None:
        invite = InviteCode(code=secrets.token_urlsafe(9), site_id=site.id)  # valid in a Telegram start link
        session.add(invite)
        session.flush()
    return invite


def invite_number(
    *,
    session: Session,
    channel: str,
    number: str,
    site: Site,
    language: str,
    invited_by: Practitioner,
    practitioner: Optional[Practitioner] = None,
) -> SiteInvitation:
    """Record an SMS invitation of ``number`` to ``site``: its participant is linked to the site unless they have one.

    The language is the participant's until they choose one themselves.
    """
    identity: ChannelIdentity = get_or_create_identity(session=session, channel=channel, external_id=number)
    participant = identity.participant
    if participant.site_id is None:
        participant.site_id = site.id
    if participant.language_chosen_at is None:
        participant.language = language
        participant.language_chosen_at = utcnow()
    invitation: SiteInvitation = SiteInvitation(
        site_id=site.id,
        participant_id=participant.id,
        identity_id=identity.id,
        invited_by_id=invited_by.id,
        practitioner_id=practitioner.id if practitioner is not None else None,
        language=language,
    )
    session.add(invitation)
    session.flush()
    return invitation


def site_practitioners(*, session: Session, site: Site) -> list[Practitioner]:
    """The site's active follow-up practitioners (Case Managers and EESs), by name."""
    rows = session.execute(
        select(Practitioner)
        .where(Practitioner.site_id == site.id, Practitioner.is_active.is_(True))
        .order_by(Practitioner.display_name, Practitioner.id)
    ).scalars()
    return [p for p in rows if p.role in ("case_manager", "ees")]


INVITATION_SMS = "sms_invitation"  # the outbox kind of a practitioner's SMS invitation (bot/worker/sms_invitation.py)


def enqueue_invitation(*, session: Session, invitation: SiteInvitation, channel: str, number: str) -> None:
    """Put the invitation's SMS in the outbox, in the transaction that records it (the payload holds ids only)."""
    outbox.enqueue(
        session=session,
        kind=INVITATION_SMS,
        recipient_key=f"{channel}:{number}",
        payload={"invitation_id": invitation.id},
        participant_id=int(invitation.participant_id),
    )
