"""Who agreed to matching: a participant's latest word on it, and the shared summaries at a site it may compare."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Optional

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.store.models import CONSENT_MATCHING, ActivityRun, ConsentRecord, Handoff, Participant, Summary


@dataclass(frozen=True)
class Candidate:
    """A shared summary of the other side at the site, whose participant's latest word on matching is yes."""

    handoff_id: int
    run_public_id: str
    language: str
    summary_id: int
    facts: Optional[dict[str, Any]] = None  # as stored (bot.alignment.records.side_record), None until read


def _latest_matching() -> Any:
    """Each participant's latest matching consent record id (a later NO MATCHES outranks an earlier yes)."""
    return (
        select(ConsentRecord.participant_id, func.max(ConsentRecord.id).label("latest"))
        .where(ConsentRecord.kind == CONSENT_MATCHING)
        .group_by(ConsentRecord.participant_id)
        .subquery()
    )


def agreed_to_matching(*, session: Session, participant_id: int) -> Optional[bool]:
    """The participant's latest word on matching: True, False, or None when never asked."""
    granted = session.execute(
        select(ConsentRecord.granted)
        .where(ConsentRecord.participant_id == participant_id, ConsentRecord.kind == CONSENT_MATCHING)
        .order_by(ConsentRecord.id.desc())
        .limit(1)
    ).scalar_one_or_none()
    return None if granted is None else bool(granted)


def candidates(*, session: Session, site_id: int, audience: str) -> list[Candidate]:
    """Every shared, not withdrawn summary at ``site_id`` for ``audience`` (case_manager: work seekers, ees:
    employers) whose participant agreed to matching and has not taken it back: each person once, their latest shared
    summary; one query."""
    latest = _latest_matching()
    rows = session.execute(
        select(
            Participant.id,
            Handoff.id,
            ActivityRun.public_id,
            Participant.language,
            Summary.id,
            Summary.facts,
        )
        .join(ActivityRun, ActivityRun.id == Handoff.run_id)
        .join(Participant, Participant.id == ActivityRun.participant_id)
        .join(Summary, Summary.id == Handoff.summary_id)
        .join(latest, latest.c.participant_id == Participant.id)
        .join(ConsentRecord, ConsentRecord.id == latest.c.latest)
        .where(
            Handoff.site_id == site_id,
            Handoff.audience == audience,
            Handoff.withdrawn_at.is_(None),
            ConsentRecord.granted.is_(True),
        )
        .order_by(Handoff.id)
    ).all()
    latest_of: dict[int, Candidate] = {}
    for person, handoff_id, public_id, language, summary_id, facts in rows:  # a later summary replaces one
        latest_of[int(person)] = Candidate(
            int(handoff_id), str(public_id), str(language or "en"), int(summary_id), facts
        )
    return sorted(latest_of.values(), key=lambda c: c.handoff_id)


def bodies(*, session: Session, summary_ids: list[int]) -> dict[int, dict[str, Any]]:
    """The summaries' bodies by id, in one query (the words: only for the summaries a page shows or reads)."""
    if not summary_ids:
        return {}
    rows = session.execute(select(Summary.id, Summary.body).where(Summary.id.in_(summary_ids))).all()
    return {int(i): dict(body or {}) for i, body in rows}


def keep_facts(*, session: Session, facts_by_summary: dict[int, dict[str, Any]]) -> None:
    """Store what was read from summaries' words, so the next comparison reads that instead (one bulk update)."""
    if facts_by_summary:
        session.bulk_update_mappings(
            Summary, [{"id": summary_id, "facts": facts} for summary_id, facts in facts_by_summary.items()]
        )
