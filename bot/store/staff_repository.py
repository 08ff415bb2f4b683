"""Repository functions for the staff side: accounts, queues, notes, audit (sign-in and sessions: staff_access; numbers: staff_stats; erasure: erasure)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, cast

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Select

from bot.store.models import (
    ADMIN,
    HANDOFF_IN_REVIEW,
    HANDOFF_NEW,
    ActivityRun,
    Answer,
    AuditEvent,
    ChannelIdentity,
    Handoff,
    InviteCode,
    Participant,
    Practitioner,
    PractitionerNote,
    Site,
    utcnow,
)


# ---- sites and accounts ---------------------------------------------------------------------
def find_site(*, session: Session, code: str) -> Site | None:
    """The site with ``code``, or None."""
    return cast(Optional[Site], session.execute(select(Site).where(Site.code == code)).scalar_one_or_none())


def list_sites(*, session: Session) -> list[Site]:
    """Every site, by code."""
    return list(session.execute(select(Site).order_by(Site.code)).scalars())


def find_practitioner_by_email(*, session: Session, email: str) -> Practitioner | None:
    """The account with this email (compared case-insensitively), or None."""
    statement = select(Practitioner).where(func.lower(Practitioner.email) == email.strip().lower())
    return cast(Optional[Practitioner], session.execute(statement).scalar_one_or_none())


def get_practitioner(*, session: Session, practitioner_id: int) -> Practitioner | None:
    """The account with this id, or None."""
    return cast(Optional[Practitioner], session.get(Practitioner, practitioner_id))


def create_practitioner(
    *, session: Session, email: str, display_name: str, role: str, password_hash: str, site: Site | None
) -> Practitioner:
    """A new active staff account."""
    practitioner: Practitioner = Practitioner(
        email=email.strip().lower(),
        display_name=display_name.strip(),
        role=role,
        password_hash=password_hash,
        site_id=site.id if site is not None else None,
        is_active=True,
    )
    session.add(practitioner)
    session.flush()
    return practitioner


def set_password_hash(*, session: Session, practitioner: Practitioner, password_hash: str) -> None:
    """Replace an account's password hash (sign-up, rehash on login, reset)."""
    practitioner.password_hash = password_hash
    session.flush()


def set_active(*, session: Session, practitioner: Practitioner, active: bool) -> None:
    """Enable or disable an account (a disabled account cannot sign in and its sessions stop working)."""
    practitioner.is_active = active
    session.flush()


def record_login(*, session: Session, practitioner: Practitioner) -> None:
    practitioner.last_login_at = utcnow()
    session.flush()


def list_practitioners(*, session: Session) -> list[Practitioner]:
    """Every account, by email."""
    return list(session.execute(select(Practitioner).order_by(Practitioner.email)).scalars())


def create_invite(
    *,
    session: Session,
    code: str,
    site: Site,
    practitioner: Practitioner | None = None,
    expires_at: datetime | None = None,
    language: str | None = None,
) -> InviteCode:
    """A new invite code linking participants who use it to ``site`` (and, when given, starting them in ``language``)."""
    invite: InviteCode = InviteCode(
        code=code,
        site_id=site.id,
        practitioner_id=practitioner.id if practitioner else None,
        expires_at=expires_at,
        language=language,
    )
    session.add(invite)
    session.flush()
    return invite


# ---- queues -------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Scope:
    """Which handoffs a practitioner may see: all sites (None) or some; all audiences (None) or one."""

    site_ids: tuple[int, ...] | None
    audience: str | None

    @property
    def nothing(self) -> bool:
        return self.site_ids == ()


def _scoped(statement: Select, scope: Scope) -> Select:
    if scope.site_ids is not None:
        statement = statement.where(Handoff.site_id.in_(scope.site_ids))
    if scope.audience is not None:
        statement = statement.where(Handoff.audience == scope.audience)
    return statement


def find_handoff(*, session: Session, handoff_id: int, scope: Scope) -> Handoff | None:
    """The handoff if it exists AND is in ``scope``; None otherwise (callers answer 404 either way)."""
    if scope.nothing:
        return None
    statement = _scoped(select(Handoff).where(Handoff.id == handoff_id), scope)
    return cast(Optional[Handoff], session.execute(statement).scalar_one_or_none())


def handoffs_of_participant(*, session: Session, participant_id: int, scope: Scope) -> list[Handoff]:
    """Every handoff of the participant's runs that is in ``scope``, newest first (others are never counted)."""
    if scope.nothing:
        return []
    statement = (
        select(Handoff)
        .join(ActivityRun, ActivityRun.id == Handoff.run_id)
        .where(ActivityRun.participant_id == participant_id)
        .order_by(Handoff.created_at.desc(), Handoff.id.desc())
    )
    return list(session.execute(_scoped(statement, scope)).scalars())


def get_handoff(*, session: Session, handoff_id: int) -> Handoff | None:
    """A handoff regardless of scope (the notifier's use only)."""
    return cast(Optional[Handoff], session.get(Handoff, handoff_id))


def claim(*, session: Session, handoff: Handoff, practitioner: Practitioner) -> None:
    """Assign a handoff to ``practitioner``; a new one moves to in review."""
    handoff.assigned_to_id = practitioner.id
    if handoff.status == HANDOFF_NEW:
        handoff.status = HANDOFF_IN_REVIEW
    handoff.updated_at = utcnow()
    session.flush()


def set_status(*, session: Session, handoff: Handoff, status: str) -> None:
    handoff.status = status
    handoff.updated_at = utcnow()
    session.flush()


def add_note(*, session: Session, handoff: Handoff, practitioner: Practitioner, note: str) -> PractitionerNote:
    """A practitioner's private note on a handoff."""
    row: PractitionerNote = PractitionerNote(handoff_id=handoff.id, practitioner_id=practitioner.id, text=note)
    session.add(row)
    session.flush()
    return row


def notes(*, session: Session, handoff: Handoff) -> list[tuple[PractitionerNote, str | None]]:
    """A handoff's notes, oldest first, each with its author's name (None once the account is gone)."""
    rows = session.execute(
        select(PractitionerNote, Practitioner.display_name)
        .outerjoin(Practitioner, Practitioner.id == PractitionerNote.practitioner_id)
        .where(PractitionerNote.handoff_id == handoff.id)
        .order_by(PractitionerNote.id)
    )
    return [(note, name) for note, name in rows]


def channels_of_run(*, session: Session, run: ActivityRun) -> list[str]:
    """The channels the run's current answers came through, in first-use order."""
    rows = session.execute(select(Answer.channel).where(Answer.run_id == run.id).order_by(Answer.id)).scalars()
    seen: list[str] = []
    for channel in [run.channel, *rows]:
        if channel and channel not in seen:
            seen.append(channel)
    return seen


def identities_of(*, session: Session, participant_id: int) -> list[ChannelIdentity]:
    """A participant's channel identities, oldest first."""
    return list(
        session.execute(
            select(ChannelIdentity).where(ChannelIdentity.participant_id == participant_id).order_by(ChannelIdentity.id)
        ).scalars()
    )


# ---- notification recipients --------------------------------------------------------------------
def notification_recipients(*, session: Session, handoff: Handoff) -> list[str]:
    """Who hears of a new handoff: the site's notify_emails if set, else its active practitioners of the audience role."""
    site = session.get(Site, handoff.site_id)
    if site is not None and site.notify_emails and site.notify_emails.strip():
        return [e.strip() for e in site.notify_emails.split(",") if e.strip()]
    rows = session.execute(
        select(Practitioner.email)
        .where(
            Practitioner.site_id == handoff.site_id,
            Practitioner.role == handoff.audience,
            Practitioner.is_active.is_(True),
        )
        .order_by(Practitioner.id)
    ).scalars()
    return list(rows)


# ---- audit ----------------------------------------------------------------------------------------
def audit(
    *, session: Session, practitioner: Practitioner | None, action: str, subject_type: str, subject_id: str
) -> AuditEvent:
    """Record who did what to which record (ids only, never content)."""
    event: AuditEvent = AuditEvent(
        practitioner_id=practitioner.id if practitioner is not None else None,
        action=action,
        subject_type=subject_type,
        subject_id=str(subject_id),
    )
    session.add(event)
    session.flush()
    return event


def audit_events(*, session: Session, limit: int = 500) -> list[tuple[AuditEvent, str | None]]:
    """The newest audit events with the acting account's email."""
    rows = session.execute(
        select(AuditEvent, Practitioner.email)
        .outerjoin(Practitioner, Practitioner.id == AuditEvent.practitioner_id)
        .order_by(AuditEvent.id.desc())
        .limit(limit)
    )
    return [(event, email) for event, email in rows]


# ---- participants and deletion ----------------------------------------------------------------------
def find_participant(*, session: Session, public_id: str) -> Participant | None:
    """The participant with this public id, or None."""
    statement = select(Participant).where(Participant.public_id == public_id.strip())
    return cast(Optional[Participant], session.execute(statement).scalar_one_or_none())


def find_participant_by_identity(*, session: Session, external_id: str) -> list[Participant]:
    """Participants with a channel identity of this external id (phone number, chat id) on any channel."""
    return list(
        session.execute(
            select(Participant)
            .join(ChannelIdentity, ChannelIdentity.participant_id == Participant.id)
            .where(ChannelIdentity.external_id == external_id.strip())
            .distinct()
        ).scalars()
    )


def participant_of_handoff(*, session: Session, handoff: Handoff) -> Participant:
    run = session.get(ActivityRun, handoff.run_id)
    return cast(Participant, session.get(Participant, run.participant_id))


def visible_sites(*, session: Session, practitioner: Practitioner) -> list[Site]:
    """The sites a practitioner works with: all for an admin, else their own."""
    if practitioner.role == ADMIN:
        return list_sites(session=session)
    site = session.get(Site, practitioner.site_id) if practitioner.site_id else None
    return [site] if site is not None else []
