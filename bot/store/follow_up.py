"""A handoff's follow-up in the store: assignment with its history, due date, contact attempts, note drafts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Optional, cast

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, aliased
from sqlalchemy.sql.expression import Delete, Select

from bot.store.follow_up_models import OUTCOMES, ContactAttempt, HandoffAssignment, NoteDraft
from bot.store.models import HANDOFF_IN_REVIEW, HANDOFF_NEW, Handoff, Practitioner, utcnow
from bot.store.staff_models import StaffSessionRow

DRAFT_KEPT = timedelta(days=1)  # a note draft older than this is forgotten


@dataclass(frozen=True)
class Move:
    """A handoff moved away from someone: to whom, by whom, when (names None once an account is gone)."""

    handoff_id: int
    to_name: str | None
    by_name: str | None
    at: datetime


# ---- assignment ----------------------------------------------------------------------------------
def colleagues(*, session: Session, handoff: Handoff) -> list[Practitioner]:
    """Active practitioners of the handoff's site and audience role (who can work the case), by name."""
    statement = (
        select(Practitioner)
        .where(
            Practitioner.site_id == handoff.site_id,
            Practitioner.role == handoff.audience,
            Practitioner.is_active.is_(True),
        )
        .order_by(Practitioner.display_name, Practitioner.id)
    )
    return list(session.execute(statement).scalars())


def assign(*, session: Session, handoff: Handoff, to: Practitioner, by: Practitioner) -> HandoffAssignment | None:
    """Make ``to`` the owner (a new handoff moves to in review); the history row, or None if ``to`` already owns it."""
    if handoff.assigned_to_id == to.id:
        return None
    row: HandoffAssignment = HandoffAssignment(
        handoff_id=handoff.id, from_id=handoff.assigned_to_id, to_id=to.id, by_id=by.id
    )
    session.add(row)
    handoff.assigned_to_id = to.id
    if handoff.status == HANDOFF_NEW:
        handoff.status = HANDOFF_IN_REVIEW
    handoff.updated_at = utcnow()
    session.flush()
    return row


def _moves_from(practitioner_id: int) -> Select:
    to_, by_ = aliased(Practitioner), aliased(Practitioner)
    return (
        select(HandoffAssignment, to_.display_name, by_.display_name)
        .outerjoin(to_, to_.id == HandoffAssignment.to_id)
        .outerjoin(by_, by_.id == HandoffAssignment.by_id)
        .where(HandoffAssignment.from_id == practitioner_id, HandoffAssignment.by_id != practitioner_id)
    )


def _move(row: HandoffAssignment, to_name: str | None, by_name: str | None) -> Move:
    return Move(handoff_id=int(row.handoff_id), to_name=to_name, by_name=by_name, at=row.created_at)


def moved_away(*, session: Session, handoff: Handoff, practitioner: Practitioner) -> Move | None:
    """How the handoff left ``practitioner`` if someone else took it from them and it is still not theirs."""
    if handoff.assigned_to_id == practitioner.id:
        return None
    statement = _moves_from(practitioner.id).where(HandoffAssignment.handoff_id == handoff.id)
    found = session.execute(statement.order_by(HandoffAssignment.id.desc()).limit(1)).first()
    return _move(*found) if found is not None else None


def unseen_moves(*, session: Session, practitioner: Practitioner) -> list[Move]:
    """Handoffs taken from ``practitioner`` by someone else since they last heard: marked as heard now."""
    rows = session.execute(
        _moves_from(practitioner.id).where(HandoffAssignment.notified_at.is_(None)).order_by(HandoffAssignment.id)
    ).all()
    now = utcnow()
    for row, _, _ in rows:
        row.notified_at = now
    session.flush()
    return [_move(row, to_name, by_name) for row, to_name, by_name in rows]


def assigned_since(*, session: Session, handoff: Handoff) -> datetime | None:
    """When the current owner got the handoff (None when unassigned or assigned before history was kept)."""
    if handoff.assigned_to_id is None:
        return None
    statement = select(func.max(HandoffAssignment.created_at)).where(
        HandoffAssignment.handoff_id == handoff.id, HandoffAssignment.to_id == handoff.assigned_to_id
    )
    return cast(Optional[datetime], session.execute(statement).scalar_one_or_none())


# ---- due date and contact attempts ------------------------------------------------------------------
def set_due(*, session: Session, handoff: Handoff, due_on: date | None) -> None:
    """The day the follow-up is due (in the staff time zone), or None to clear it."""
    handoff.follow_up_due_on = due_on
    handoff.updated_at = utcnow()
    session.flush()


def record_attempt(*, session: Session, handoff: Handoff, practitioner: Practitioner, outcome: str) -> ContactAttempt:
    """One contact attempt with its outcome (one of OUTCOMES)."""
    if outcome not in OUTCOMES:
        raise ValueError(f"unknown outcome {outcome!r}")
    row: ContactAttempt = ContactAttempt(handoff_id=handoff.id, practitioner_id=practitioner.id, outcome=outcome)
    session.add(row)
    handoff.updated_at = utcnow()
    session.flush()
    return row


def attempts(*, session: Session, handoff: Handoff) -> list[tuple[ContactAttempt, str | None]]:
    """A handoff's contact attempts, newest first, each with who made it (None once the account is gone)."""
    rows = session.execute(
        select(ContactAttempt, Practitioner.display_name)
        .outerjoin(Practitioner, Practitioner.id == ContactAttempt.practitioner_id)
        .where(ContactAttempt.handoff_id == handoff.id)
        .order_by(ContactAttempt.id.desc())
    )
    return [(a, name) for a, name in rows]


# ---- note drafts ------------------------------------------------------------------------------------
def keep_draft(*, session: Session, practitioner_id: int, handoff_id: int, text: str) -> None:
    """Keep (or replace) a practitioner's unsaved note on a handoff until they sign in again."""
    row = session.execute(
        select(NoteDraft).where(NoteDraft.practitioner_id == practitioner_id, NoteDraft.handoff_id == handoff_id)
    ).scalar_one_or_none()
    if row is None:
        session.add(NoteDraft(practitioner_id=practitioner_id, handoff_id=handoff_id, text=text))
    else:
        row.text, row.created_at = text, utcnow()
    session.flush()


def draft_of(*, session: Session, practitioner: Practitioner, handoff: Handoff) -> str | None:
    """The practitioner's kept draft on this handoff, if it is recent enough (older ones are forgotten now)."""
    session.execute(delete(NoteDraft).where(NoteDraft.created_at < utcnow() - DRAFT_KEPT))
    statement = select(NoteDraft.text).where(
        NoteDraft.practitioner_id == practitioner.id, NoteDraft.handoff_id == handoff.id
    )
    return cast(Optional[str], session.execute(statement).scalar_one_or_none())


def session_never_ended(*, session: Session, token_hash: str, practitioner_id: int) -> bool:
    """Whether this staff session row exists, is the account's, was never ended (only ran out of time), account active."""
    statement = (
        select(StaffSessionRow.id)
        .join(Practitioner, Practitioner.id == StaffSessionRow.practitioner_id)
        .where(
            StaffSessionRow.token_hash == token_hash,
            StaffSessionRow.practitioner_id == practitioner_id,
            StaffSessionRow.ended_at.is_(None),
            Practitioner.is_active.is_(True),
        )
    )
    return session.execute(statement).first() is not None


def drop_draft(*, session: Session, practitioner: Practitioner, handoff: Handoff) -> None:
    session.execute(
        delete(NoteDraft).where(NoteDraft.practitioner_id == practitioner.id, NoteDraft.handoff_id == handoff.id)
    )


# ---- erasure ------------------------------------------------------------------------------------------
ERASED_WITH_HANDOFFS = {
    "contact_attempts": ContactAttempt,
    "handoff_assignments": HandoffAssignment,
    "note_drafts": NoteDraft,
}


def counts_of_handoffs(handoff_ids: object) -> dict[str, Select]:
    """Count statements of the follow-up rows of these handoffs (a subquery or a list of ids)."""
    return {
        table: select(func.count()).select_from(model).where(model.handoff_id.in_(handoff_ids))
        for table, model in ERASED_WITH_HANDOFFS.items()
    }


def deletes_of_handoffs(handoff_ids: list[int]) -> list[Delete]:
    return [delete(model).where(model.handoff_id.in_(handoff_ids)) for model in ERASED_WITH_HANDOFFS.values()]
