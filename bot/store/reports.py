"""The site report's figures (funnel, contact time, clarity and confidence, the closing reflection's change, rates)
for a period and audience, all as SQL aggregates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Sequence

from sqlalchemy import Integer, String, and_, case, cast, func, or_, select, union_all
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import ColumnElement

from bot.store.match_reports import MatchFigures, match_figures
from bot.store.models import (
    CONSENT_PARTICIPATE,
    HANDOFF_FOLLOWED_UP,
    RUN_COMPLETED,
    ActivityRun,
    Answer,
    AuditEvent,
    ConsentRecord,
    Handoff,
    Participant,
    PractitionerNote,
)

# A practitioner's first action on a handoff: claiming it (which puts it in review), a note, or any status change.
# Only viewing it is not contact. Add an action here when a new kind of follow-up is recorded in the audit log.
CONTACT_ACTIONS = ("handoff_claimed", "note_added", "status_new", "status_in_review", "status_followed_up")
CLARITY_SCORES = ("1", "2", "3", "4", "5")
# A closing reflection that describes no change ("nothing", "no"): every other non-empty answer describes one.
NO_CHANGE = ("", "no", "nothing", "none", "nope", "not really", "no change", "n/a", "na", "non", "rien", "pas vraiment")


@dataclass(frozen=True)
class ReportQuery:
    """Which runs a report covers: started in [start, end) (naive UTC), at these sites (None: every site)."""

    start: datetime
    end: datetime
    site_ids: tuple[int, ...] | None
    include_unassigned: bool = False  # the default site also counts participants not linked to a site yet


@dataclass(frozen=True)
class Figures:
    """One audience's figures; None where there is nothing to compute it from."""

    declined: int
    started: int
    completed: int
    shared: int
    withdrawn: int
    contacted: int
    followed_up: int
    contact_median_minutes: float | None
    clarity_pairs: int
    clarity_before_mean: float | None
    clarity_after_mean: float | None
    clarity_before_median: float | None
    clarity_after_median: float | None
    clarity_improved: int
    confidence_pairs: int = 0
    confidence_before_mean: float | None = None
    confidence_after_mean: float | None = None
    confidence_improved: int = 0
    closing_asked: int = 0  # completed runs that answered or skipped the closing question (older runs were not asked)
    positive_change: int = 0  # of those, the ones whose words describe a change

    @property
    def confidence_improved_rate(self) -> float | None:
        return _ratio(self.confidence_improved, self.confidence_pairs)

    @property
    def positive_change_rate(self) -> float | None:
        """Completers who describe a positive change, out of those asked (the pilot's main outcome)."""
        return _ratio(self.positive_change, self.closing_asked)

    @property
    def decline_rate(self) -> float | None:
        """Declined out of everyone who answered the consent question."""
        return _ratio(self.declined, self.declined + self.started)

    @property
    def completion_rate(self) -> float | None:
        return _ratio(self.completed, self.started)

    @property
    def share_rate(self) -> float | None:
        """Shared out of completed."""
        return _ratio(self.shared, self.completed)

    @property
    def clarity_improved_rate(self) -> float | None:
        return _ratio(self.clarity_improved, self.clarity_pairs)


def _ratio(part: int, whole: int) -> float | None:
    return part / whole if whole else None


# ---- building blocks ------------------------------------------------------------------------------
def _minutes_between(session: Session, later: Any, earlier: Any) -> ColumnElement:
    """``later - earlier`` in minutes, in this database's dialect."""
    if session.get_bind().dialect.name == "sqlite":
        return (func.julianday(later) - func.julianday(earlier)) * 1440.0
    return func.extract("epoch", later - earlier) / 60.0


def _cohort(query: ReportQuery) -> Any:
    """The runs started in the period at the sites: audience, whether they said yes / no to taking part, completed."""
    consent = select(ConsentRecord.id).where(
        ConsentRecord.participant_id == ActivityRun.participant_id,  # indexed; the run id narrows it down
        ConsentRecord.run_id == ActivityRun.id,
        ConsentRecord.kind == CONSENT_PARTICIPATE,
    )
    yes = consent.where(ConsentRecord.granted.is_(True)).exists()
    no = consent.where(ConsentRecord.granted.is_(False)).exists()
    done = and_(ActivityRun.status == RUN_COMPLETED, ActivityRun.completed_at.is_not(None))
    statement = (
        select(
            ActivityRun.id.label("run_id"),
            # the run's role; a run that stopped before the role question takes the participant's role from before
            func.coalesce(ActivityRun.role, Participant.role).label("g"),
            case((yes, 1), else_=0).label("yes"),
            case((no, 1), else_=0).label("no"),
            case((done, 1), else_=0).label("done"),
        )
        .join(Participant, Participant.id == ActivityRun.participant_id)
        .where(ActivityRun.started_at >= query.start, ActivityRun.started_at < query.end)
    )
    if query.site_ids is not None:
        in_sites = Participant.site_id.in_(query.site_ids)
        statement = statement.where(
            or_(in_sites, Participant.site_id.is_(None)) if query.include_unassigned else in_sites
        )
    return statement.cte("cohort")


def _first_contacts() -> Any:
    """Per handoff (its id as text): the time of the first practitioner action on it."""
    events = select(AuditEvent.subject_id.label("handoff_key"), AuditEvent.created_at.label("at")).where(
        AuditEvent.subject_type == "handoff", AuditEvent.action.in_(CONTACT_ACTIONS)
    )
    notes = select(
        cast(PractitionerNote.handoff_id, String).label("handoff_key"), PractitionerNote.created_at.label("at")
    )
    actions = union_all(events, notes).subquery()
    return (
        select(actions.c.handoff_key, func.min(actions.c.at).label("first_at"))
        .group_by(actions.c.handoff_key)
        .subquery()
    )


def _sum(condition: ColumnElement) -> ColumnElement:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _middle(rn: ColumnElement, n: ColumnElement) -> ColumnElement:
    """True for the one or two middle ranks (1-based ``rn`` of ``n``) that a median averages."""
    return and_(rn * 2 >= n, rn * 2 <= n + 2)


def histogram_median(counts: dict[int, int]) -> float | None:
    """The median of values given as value -> how many times (a small histogram the database counted)."""
    total = sum(counts.values())
    if not total:
        return None
    wanted = ((total + 1) // 2, (total + 2) // 2)  # 1-based ranks of the middle one or two
    found: list[int] = []
    seen = 0
    for value in sorted(counts):
        seen += counts[value]
        found += [value for rank in wanted if seen - counts[value] < rank <= seen]
    return sum(found) / len(found)


# ---- the three aggregate queries ------------------------------------------------------------------
def _run_counts(session: Session, cohort: Any) -> dict[str | None, Any]:
    """Per audience: declined, started, completed."""
    started = cohort.c.yes == 1
    statement = select(
        cohort.c.g,
        _sum(and_(cohort.c.no == 1, cohort.c.yes == 0)),
        _sum(started),
        _sum(and_(started, cohort.c.done == 1)),
    ).group_by(cohort.c.g)
    return {row[0]: row[1:] for row in session.execute(statement)}


def _handoffs(session: Session, query: ReportQuery, cohort: Any) -> dict[str | None, Any]:
    """Per audience: shared, withdrawn, contacted, followed up, and the middle minutes to first contact.

    The median is ranked in the same query: the sum and number of the middle values within the audience, and of the
    middle values over every audience that fall in it (the caller adds those up for both audiences together).
    """
    first = _first_contacts()
    minutes = _minutes_between(session, first.c.first_at, Handoff.created_at)
    handoffs = (
        select(
            cohort.c.g,
            Handoff.status,
            Handoff.withdrawn_at,
            minutes.label("x"),
            # not yet contacted (no minutes) ranked last, so the contacted are ranked 1 to n
            func.row_number().over(partition_by=cohort.c.g, order_by=minutes.nulls_last()).label("rn_g"),
            func.count(minutes).over(partition_by=cohort.c.g).label("n_g"),
            func.row_number().over(order_by=minutes.nulls_last()).label("rn_all"),
            func.count(minutes).over().label("n_all"),
        )
        .join(cohort, cohort.c.run_id == Handoff.run_id)
        .outerjoin(first, first.c.handoff_key == cast(Handoff.id, String))
        .where(cohort.c.yes == 1)
    )
    if query.site_ids is not None:
        handoffs = handoffs.where(Handoff.site_id.in_(query.site_ids))
    h = handoffs.subquery()
    in_group = and_(h.c.x.is_not(None), _middle(h.c.rn_g, h.c.n_g))
    overall = and_(h.c.x.is_not(None), _middle(h.c.rn_all, h.c.n_all))
    statement = select(
        h.c.g,
        func.count(),
        _sum(h.c.withdrawn_at.is_not(None)),
        func.count(h.c.x),
        _sum(h.c.status == HANDOFF_FOLLOWED_UP),
        func.sum(case((in_group, h.c.x))),
        _sum(in_group),
        func.sum(case((overall, h.c.x))),
        _sum(overall),
    ).group_by(h.c.g)
    return {row[0]: row[1:] for row in session.execute(statement)}


def _scale_pairs(
    session: Session, cohort: Any, first: str = "clarity_before", last: str = "clarity_after"
) -> list[tuple[str | None, int, int, int]]:
    """(audience, before, after, how many) over the completed runs with both answers (current, unskipped, 1-5)."""
    score = cast(func.trim(Answer.value), Integer)
    before = func.max(case((Answer.question_id == first, score)))
    after = func.max(case((Answer.question_id == last, score)))
    pairs = (
        select(cohort.c.g, before.label("before"), after.label("after"))
        .join(cohort, cohort.c.run_id == Answer.run_id)
        .where(
            cohort.c.yes == 1,
            cohort.c.done == 1,
            Answer.question_id.in_((first, last)),
            Answer.superseded_at.is_(None),
            Answer.skipped.is_(False),
            func.trim(Answer.value).in_(CLARITY_SCORES),
        )
        .group_by(Answer.run_id, cohort.c.g)
        .having(and_(before.is_not(None), after.is_not(None)))
        .subquery()
    )
    statement = select(pairs.c.g, pairs.c.before, pairs.c.after, func.count()).group_by(
        pairs.c.g, pairs.c.before, pairs.c.after
    )  # at most 25 rows an audience: the scores are 1 to 5
    return [(g, int(b), int(a), int(n)) for g, b, a, n in session.execute(statement)]


def _closing(session: Session, cohort: Any) -> dict[str | None, tuple[int, int]]:
    """Per audience: completed runs asked the closing question, and those whose words describe a change."""
    words = func.rtrim(func.lower(func.trim(Answer.text)), " .!")
    changed = and_(Answer.skipped.is_(False), words.not_in(NO_CHANGE))
    statement = (
        select(cohort.c.g, func.count(), func.sum(case((changed, 1), else_=0)))
        .join(cohort, cohort.c.run_id == Answer.run_id)
        .where(
            cohort.c.yes == 1,
            cohort.c.done == 1,
            Answer.question_id == "closing_reflection",
            Answer.superseded_at.is_(None),
        )
        .group_by(cohort.c.g)
    )
    return {g: (int(n), int(c or 0)) for g, n, c in session.execute(statement)}


# ---- a whole report -----------------------------------------------------------------------------------
AUDIENCES: tuple[str | None, ...] = (None, "work_seeker", "employer")  # both, then each audience


@dataclass(frozen=True)
class Report:
    """The figures of both audiences together, then of work seekers and of employers; and the matches started."""

    query: ReportQuery
    by_audience: tuple[tuple[str | None, Figures], ...]
    matches: MatchFigures = MatchFigures()

    def of(self, audience: str | None) -> Figures:
        return dict(self.by_audience)[audience]


def _total(rows: dict[str | None, Any], audience: str | None, column: int) -> float:
    """A column added up over the audience's rows (every audience, NULL included, when ``audience`` is None)."""
    return sum(float(row[column] or 0) for g, row in rows.items() if audience is None or g == audience)


def _figures(
    audience: str | None,
    runs: dict[str | None, Any],
    shared: dict[str | None, Any],
    clarity: list[tuple[str | None, int, int, int]],
    confidence: list[tuple[str | None, int, int, int]],
    closing: dict[str | None, tuple[int, int]],
) -> Figures:
    # the sum and number of the middle minutes to first contact: within the audience, or over every audience
    middle_sum, middle_n = (
        (_total(shared, audience, 4), _total(shared, audience, 5))
        if audience
        else (
            _total(shared, audience, 6),
            _total(shared, audience, 7),
        )
    )
    pairs = [(b, a, n) for g, b, a, n in clarity if audience is None or g == audience]
    count = sum(n for _, _, n in pairs)
    before: dict[int, int] = {}
    after: dict[int, int] = {}
    for b, a, n in pairs:
        before[b] = before.get(b, 0) + n
        after[a] = after.get(a, 0) + n
    return Figures(
        declined=int(_total(runs, audience, 0)),
        started=int(_total(runs, audience, 1)),
        completed=int(_total(runs, audience, 2)),
        shared=int(_total(shared, audience, 0)),
        withdrawn=int(_total(shared, audience, 1)),
        contacted=int(_total(shared, audience, 2)),
        followed_up=int(_total(shared, audience, 3)),
        contact_median_minutes=round(middle_sum / middle_n, 1) if middle_n else None,
        clarity_pairs=count,
        clarity_before_mean=round(sum(b * n for b, _, n in pairs) / count, 2) if count else None,
        clarity_after_mean=round(sum(a * n for _, a, n in pairs) / count, 2) if count else None,
        clarity_before_median=histogram_median(before),
        clarity_after_median=histogram_median(after),
        clarity_improved=sum(n for b, a, n in pairs if a > b),
        **_confidence_figures([(b, a, n) for g, b, a, n in confidence if audience is None or g == audience]),
        closing_asked=sum(n for g, (n, _) in closing.items() if audience is None or g == audience),
        positive_change=sum(c for g, (_, c) in closing.items() if audience is None or g == audience),
    )


def _confidence_figures(pairs: list[tuple[int, int, int]]) -> dict[str, Any]:
    count = sum(n for _, _, n in pairs)
    return {
        "confidence_pairs": count,
        "confidence_before_mean": round(sum(b * n for b, _, n in pairs) / count, 2) if count else None,
        "confidence_after_mean": round(sum(a * n for _, a, n in pairs) / count, 2) if count else None,
        "confidence_improved": sum(n for b, a, n in pairs if a > b),
    }


def site_report(*, session: Session, query: ReportQuery, audiences: Sequence[str | None] = AUDIENCES) -> Report:
    """The report for the query: one Figures per audience, from three aggregate queries."""
    cohort = _cohort(query)
    runs = _run_counts(session, cohort)
    shared = _handoffs(session, query, cohort)
    clarity = _scale_pairs(session, cohort)
    confidence = _scale_pairs(session, cohort, "confidence_before", "confidence_after")
    closing = _closing(session, cohort)
    return Report(
        query=query,
        by_audience=tuple((a, _figures(a, runs, shared, clarity, confidence, closing)) for a in audiences),
        matches=match_figures(session=session, start=query.start, end=query.end, site_ids=query.site_ids),
    )


def figures(*, session: Session, query: ReportQuery, audience: str | None) -> Figures:
    """Every figure of one audience (``audience`` None: both) for the query's period and sites."""
    return site_report(session=session, query=query, audiences=(audience,)).of(audience)
