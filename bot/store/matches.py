"""The match record: started from a suggested match, moved through its stages by either practitioner, with notes."""

from __future__ import annotations

from datetime import date
from typing import Any, Optional, cast

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Delete, Select

from bot.store.match_models import ENDED, STAGES, SUGGESTED, Match, MatchEvent
from bot.store.models import Handoff, Practitioner, utcnow


def start(*, session: Session, seeker: Handoff, employer: Handoff, practitioner: Practitioner) -> Match:
    """The match of these two summaries, started now by ``practitioner`` (the existing one if already started)."""
    found = session.execute(
        select(Match).where(Match.seeker_handoff_id == seeker.id, Match.employer_handoff_id == employer.id)
    ).scalar_one_or_none()
    if found is not None:
        return cast(Match, found)
    match = Match(
        seeker_handoff_id=seeker.id,
        employer_handoff_id=employer.id,
        site_id=seeker.site_id,
        stage=SUGGESTED,
        created_by_id=practitioner.id,
    )
    session.add(match)
    session.flush()
    session.add(MatchEvent(match_id=match.id, practitioner_id=practitioner.id, stage=SUGGESTED, happened_on=None))
    session.flush()
    return cast(Match, match)


def record(
    *,
    session: Session,
    match: Match,
    practitioner: Practitioner,
    stage: Optional[str],
    happened_on: Optional[date],
    note: Optional[str],
    ended_reason: Optional[str] = None,
) -> MatchEvent:
    """One step: a new stage (None keeps it), the day it happened, a note both practitioners see; an ended match
    keeps its reason."""
    if stage is not None and stage not in STAGES:
        raise ValueError(f"unknown stage {stage!r}")
    if stage is not None:
        match.stage = stage
        match.ended_reason = ended_reason if stage == ENDED else None
    match.updated_at = utcnow()
    event = MatchEvent(
        match_id=match.id, practitioner_id=practitioner.id, stage=stage, happened_on=happened_on, note=note
    )
    session.add(event)
    session.flush()
    return cast(MatchEvent, event)


def of_handoff(*, session: Session, handoff_id: int) -> list[Match]:
    """The matches this summary is part of, on either side, newest first."""
    return list(
        session.execute(
            select(Match)
            .where(or_(Match.seeker_handoff_id == handoff_id, Match.employer_handoff_id == handoff_id))
            .order_by(Match.created_at.desc(), Match.id.desc())
        ).scalars()
    )


def get(*, session: Session, match_id: int) -> Optional[Match]:
    return cast(Optional[Match], session.get(Match, match_id))


def _of_handoffs(handoff_ids: Any) -> Any:
    return select(Match.id).where(
        or_(Match.seeker_handoff_id.in_(handoff_ids), Match.employer_handoff_id.in_(handoff_ids))
    )


def counts_of_handoffs(handoff_ids: Any) -> dict[str, Select[Any]]:
    """Count statements of the matches these handoffs are part of, and of their events (a subquery or ids)."""
    ids = _of_handoffs(handoff_ids).scalar_subquery()
    return {
        "matches": select(func.count()).select_from(Match).where(Match.id.in_(ids)),
        "match_events": select(func.count()).select_from(MatchEvent).where(MatchEvent.match_id.in_(ids)),
    }


def deletes_of_handoffs(handoff_ids: list[int]) -> list[Delete]:
    """The matches these handoffs are part of, events first (the other side loses the record too)."""
    ids = _of_handoffs(handoff_ids).scalar_subquery()
    return [delete(MatchEvent).where(MatchEvent.match_id.in_(ids)), delete(Match).where(Match.id.in_(ids))]
