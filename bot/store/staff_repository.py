"""Repository functions for the staff side: accounts, queues, notes, audit, deletion (sign-in and sessions: staff_access; numbers: staff_stats)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Optional, Sequence, cast

from sqlalchemy import bindparam, create_engine, delete, func, inspect, or_, select, text
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.expression import Select

from bot.store.models import (
    ADMIN,
    HANDOFF_IN_REVIEW,
    HANDOFF_NEW,
    ActivityRun,
    Answer,
    AuditEvent,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    InviteCode,
    OutboundMessage,
    Participant,
    Practitioner,
    PractitionerNote,
    ResumeCode,
    Site,
    Summary,
    utcnow,
)
from bot.store.outbox_models import OutboxMessage
from bot.store.summary_links import SummaryLink


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


def queue(
    *, session: Session, scope: Scope, status: str | None = None, assigned_to_id: int | None = None
) -> list[Handoff]:
    """The handoffs in ``scope``, newest first, optionally only one status or one assignee."""
    if scope.nothing:
        return []
    statement = _scoped(select(Handoff), scope)
    if status is not None:
        statement = statement.where(Handoff.status == status)
    if assigned_to_id is not None:
        statement = statement.where(Handoff.assigned_to_id == assigned_to_id)
    statement = statement.options(
        selectinload(Handoff.summary),
        selectinload(Handoff.run),
        selectinload(Handoff.site),
        selectinload(Handoff.assigned_to),
    )
    return list(session.execute(statement.order_by(Handoff.created_at.desc(), Handoff.id.desc())).scalars())


def status_counts(*, session: Session, scope: Scope) -> dict[str, int]:
    """How many handoffs in ``scope`` have each status."""
    if scope.nothing:
        return {}
    statement = _scoped(select(Handoff.status, func.count(Handoff.id)), scope).group_by(Handoff.status)
    return {status: int(count) for status, count in session.execute(statement)}


def find_handoff(*, session: Session, handoff_id: int, scope: Scope) -> Handoff | None:
    """The handoff if it exists AND is in ``scope``; None otherwise (callers answer 404 either way)."""
    if scope.nothing:
        return None
    statement = _scoped(select(Handoff).where(Handoff.id == handoff_id), scope)
    return cast(Optional[Handoff], session.execute(statement).scalar_one_or_none())


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


def participant_row_counts(*, session: Session, participant_id: int) -> dict[str, int]:
    """How many rows of each table belong to a participant (shown before deleting, checked by tests)."""
    run_ids = select(ActivityRun.id).where(ActivityRun.participant_id == participant_id).scalar_subquery()
    identity_ids = select(ChannelIdentity.id).where(ChannelIdentity.participant_id == participant_id).scalar_subquery()
    handoff_ids = select(Handoff.id).where(Handoff.run_id.in_(run_ids)).scalar_subquery()
    counts = {
        "participants": select(func.count()).select_from(Participant).where(Participant.id == participant_id),
        "channel_identities": select(func.count())
        .select_from(ChannelIdentity)
        .where(ChannelIdentity.participant_id == participant_id),
        "activity_runs": select(func.count())
        .select_from(ActivityRun)
        .where(ActivityRun.participant_id == participant_id),
        "answers": select(func.count()).select_from(Answer).where(Answer.run_id.in_(run_ids)),
        "summaries": select(func.count()).select_from(Summary).where(Summary.run_id.in_(run_ids)),
        "summary_links": select(func.count()).select_from(SummaryLink).where(SummaryLink.run_id.in_(run_ids)),
        "consent_records": select(func.count())
        .select_from(ConsentRecord)
        .where(or_(ConsentRecord.participant_id == participant_id, ConsentRecord.run_id.in_(run_ids))),
        "handoffs": select(func.count()).select_from(Handoff).where(Handoff.run_id.in_(run_ids)),
        "practitioner_notes": select(func.count())
        .select_from(PractitionerNote)
        .where(PractitionerNote.handoff_id.in_(handoff_ids)),
        "resume_codes": select(func.count()).select_from(ResumeCode).where(ResumeCode.participant_id == participant_id),
        "outbound_messages": select(func.count())
        .select_from(OutboundMessage)
        .where(OutboundMessage.identity_id.in_(identity_ids)),
        "outbox_messages": select(func.count())
        .select_from(OutboxMessage)
        .where(OutboxMessage.participant_id == participant_id),
    }
    return {table: int(session.execute(statement).scalar_one()) for table, statement in counts.items()}


def delete_participant(*, session: Session, participant: Participant) -> list[str]:
    """Delete a participant and every row that is theirs; returns their channel external ids (tracker sender ids).

    Explicit deletes, children first, so nothing depends on the database enforcing ON DELETE CASCADE.
    """
    pid = participant.id
    sender_ids = [i.external_id for i in identities_of(session=session, participant_id=pid)]
    run_ids = list(session.execute(select(ActivityRun.id).where(ActivityRun.participant_id == pid)).scalars())
    identity_ids = list(
        session.execute(select(ChannelIdentity.id).where(ChannelIdentity.participant_id == pid)).scalars()
    )
    handoff_ids = (
        list(session.execute(select(Handoff.id).where(Handoff.run_id.in_(run_ids))).scalars()) if run_ids else []
    )
    statements = [
        delete(PractitionerNote).where(PractitionerNote.handoff_id.in_(handoff_ids)),
        delete(Handoff).where(Handoff.id.in_(handoff_ids)),
        delete(SummaryLink).where(SummaryLink.run_id.in_(run_ids)),
        delete(Summary).where(Summary.run_id.in_(run_ids)),
        delete(Answer).where(Answer.run_id.in_(run_ids)),
        delete(ConsentRecord).where(or_(ConsentRecord.participant_id == pid, ConsentRecord.run_id.in_(run_ids))),
        delete(ActivityRun).where(ActivityRun.id.in_(run_ids)),
        delete(ResumeCode).where(ResumeCode.participant_id == pid),
        delete(OutboundMessage).where(OutboundMessage.identity_id.in_(identity_ids)),
        delete(OutboxMessage).where(OutboxMessage.participant_id == pid),
        delete(ChannelIdentity).where(ChannelIdentity.id.in_(identity_ids)),
        delete(Participant).where(Participant.id == pid),
    ]
    for statement in statements:
        session.execute(statement.execution_options(synchronize_session=False))
    session.expunge(participant)
    session.flush()
    return sender_ids


def delete_tracker_events(*, url: str, sender_ids: Sequence[str]) -> int:
    """Delete Rasa SQL tracker store rows (table ``events``, column ``sender_id``) of these senders; 0 if no such table."""
    if not sender_ids:
        return 0
    # A plain engine: the tracker database is Rasa's, so none of our connection pragmas are applied to it.
    engine = create_engine(url, future=True)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.begin() as connection:
            result = connection.execute(
                text("DELETE FROM events WHERE sender_id IN :ids").bindparams(bindparam("ids", expanding=True)),
                {"ids": list(sender_ids)},
            )
            return int(result.rowcount or 0)
    finally:
        engine.dispose()


def visible_sites(*, session: Session, practitioner: Practitioner) -> list[Site]:
    """The sites a practitioner works with: all for an admin, else their own."""
    if practitioner.role == ADMIN:
        return list_sites(session=session)
    site = session.get(Site, practitioner.site_id) if practitioner.site_id else None
    return [site] if site is not None else []
