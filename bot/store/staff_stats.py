"""The numbers page's figures: runs, completions, handoffs and clarity before/after, per site or overall."""

from __future__ import annotations

from dataclasses import dataclass
from statistics import median
from typing import Any, Sequence

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from bot.store.export import clarity_score
from bot.store.models import (
    HANDOFF_FOLLOWED_UP,
    RUN_COMPLETED,
    RUN_DECLINED,
    ActivityRun,
    Answer,
    Handoff,
    Participant,
)

CLARITY_QUESTIONS = ("clarity_before", "clarity_after")


# ---- site statistics ------------------------------------------------------------------------------
@dataclass(frozen=True)
class SiteStats:
    """The evaluation numbers of one site (or all sites)."""

    started: int
    completed: int
    handed_off: int
    followed_up: int
    median_minutes_to_complete: float | None
    clarity_pairs: int
    clarity_before_mean: float | None
    clarity_after_mean: float | None
    clarity_improved: int


def _participant_site_filter(site_ids: Sequence[int] | None, include_unassigned: bool) -> ColumnElement | None:
    if site_ids is None:
        return None
    condition = Participant.site_id.in_(site_ids)
    return or_(condition, Participant.site_id.is_(None)) if include_unassigned else condition


def site_stats(*, session: Session, site_ids: Sequence[int] | None, include_unassigned: bool = False) -> SiteStats:
    """Started, completed, handed off, followed up, median time to complete and clarity before vs after.

    ``site_ids`` None means every site; ``include_unassigned`` counts participants not yet linked to a site
    (they belong to the default site).
    """
    site_filter = _participant_site_filter(site_ids, include_unassigned)
    runs = (
        select(ActivityRun.id, ActivityRun.status, ActivityRun.started_at, ActivityRun.completed_at)
        .join(Participant, Participant.id == ActivityRun.participant_id)
        .where(ActivityRun.status != RUN_DECLINED)  # a visit that declined consent did not start the activity
    )
    if site_filter is not None:
        runs = runs.where(site_filter)
    rows = session.execute(runs).all()
    handoffs = select(Handoff.status)
    if site_ids is not None:
        handoffs = handoffs.where(Handoff.site_id.in_(site_ids))
    return stats_of(session=session, run_rows=rows, statuses=list(session.execute(handoffs).scalars()))


def stats_of(*, session: Session, run_rows: Sequence[Any], statuses: Sequence[str]) -> SiteStats:
    """The figures for these runs (rows with id, status, started_at, completed_at) and handoff statuses."""
    completed = [r for r in run_rows if r.status == RUN_COMPLETED and r.completed_at is not None]
    minutes = [(r.completed_at - r.started_at).total_seconds() / 60 for r in completed]
    before, after = _clarity_pairs(session=session, run_ids=[r.id for r in completed])
    return SiteStats(
        started=len(run_rows),
        completed=len(completed),
        handed_off=len(statuses),
        followed_up=sum(1 for s in statuses if s == HANDOFF_FOLLOWED_UP),
        median_minutes_to_complete=round(median(minutes), 1) if minutes else None,
        clarity_pairs=len(before),
        clarity_before_mean=round(sum(before) / len(before), 2) if before else None,
        clarity_after_mean=round(sum(after) / len(after), 2) if after else None,
        clarity_improved=sum(1 for b, a in zip(before, after, strict=True) if a > b),
    )


def _clarity_pairs(*, session: Session, run_ids: list[int]) -> tuple[list[int], list[int]]:
    """Before and after clarity scores of the runs that have both (current answers only)."""
    if not run_ids:
        return [], []
    answers = session.execute(
        select(Answer).where(
            Answer.run_id.in_(run_ids), Answer.question_id.in_(CLARITY_QUESTIONS), Answer.superseded_at.is_(None)
        )
    ).scalars()
    scores: dict[int, dict[str, int]] = {}
    for answer in answers:
        score = clarity_score(answer)
        if score is not None:
            scores.setdefault(answer.run_id, {})[answer.question_id] = score
    pairs = [(s["clarity_before"], s["clarity_after"]) for s in scores.values() if len(s) == 2]
    return [b for b, _ in pairs], [a for _, a in pairs]
