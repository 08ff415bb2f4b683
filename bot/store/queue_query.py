"""The staff queue in SQL: scope, reference search, filters, sort and one page, with per-status counts."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.sql.expression import Select

from bot.store.models import HANDOFF_FOLLOWED_UP, HANDOFF_STATUSES, ActivityRun, Answer, Handoff, Participant
from bot.store.staff_repository import Scope

SORTS = ("newest", "oldest", "status", "updated")
DUE_TODAY = "today"
OVERDUE = "overdue"
DUE_FILTERS = (DUE_TODAY, OVERDUE)
PER_PAGE = 25
SHORT_REFERENCE = 8  # characters of the participant's public id the summary shows
PUBLIC_ID_LENGTH = 32
MAX_HANDOFF_NUMBER = 2**31 - 1
_HEX = re.compile(r"[0-9a-f]+")
_NUMBER = re.compile(r"#?([0-9]{1,10})")
_BEFORE_ANY = datetime(1970, 1, 1)  # "since your last visit" for someone who never opened the queue


@dataclass(frozen=True)
class Reference:
    """A search for one case: a participant reference (``prefix`` of their public id) or a handoff number."""

    prefix: str | None = None
    handoff_id: int | None = None
    words: str | None = None  # a name, business or job the participant wrote (not a reference): found in their words


def parse_reference(text: str) -> Reference | None:
    """What a typed reference asks for; None when it is neither a reference nor a handoff number.

    A reference is the short one the summary shows (8 characters, 0-9 and a-f) or more of the public id, up to all
    32; case, spaces and dashes (a UUID's) do not matter. ``#12`` or up to 7 digits is a handoff number.
    """
    cleaned = re.sub(r"[\s-]", "", text).lower()
    number = _NUMBER.fullmatch(cleaned)
    if number is not None and (cleaned.startswith("#") or len(cleaned) < SHORT_REFERENCE):
        value = int(number.group(1))
        return Reference(handoff_id=value) if 0 < value <= MAX_HANDOFF_NUMBER else None
    if SHORT_REFERENCE <= len(cleaned) <= PUBLIC_ID_LENGTH and _HEX.fullmatch(cleaned):
        return Reference(prefix=cleaned)
    return None


def _public_id_starts_with(prefix: str) -> Any:
    """Public ids starting with ``prefix``: a range (served by the unique index, in any collation) and LIKE to be sure."""
    if len(prefix) == PUBLIC_ID_LENGTH:
        return Participant.public_id == prefix
    return (
        (Participant.public_id >= prefix)
        & (Participant.public_id < prefix + "g")
        & Participant.public_id.like(prefix + "%")
    )


def find_participants_by_reference(*, session: Session, prefix: str, limit: int = 20) -> list[Participant]:
    """Participants whose public id starts with ``prefix`` (a short reference can, rarely, match more than one)."""
    statement = select(Participant).where(_public_id_starts_with(prefix)).order_by(Participant.public_id).limit(limit)
    return list(session.execute(statement).scalars())


@dataclass(frozen=True)
class QueueQuery:
    """One queue request, already validated. Times are naive UTC; ``created_before`` is exclusive."""

    scope: Scope
    status: str | None = None
    audience: str | None = None
    assigned_to_id: int | None = None
    reference: Reference | None = None
    created_from: datetime | None = None
    created_before: datetime | None = None
    since: datetime | None = None  # the practitioner's previous queue visit (None: never)
    only_new: bool = False  # only handoffs created after ``since``
    sort: str = "newest"
    page: int = 1
    per_page: int = PER_PAGE
    due: str | None = None  # DUE_TODAY or OVERDUE: follow-ups not yet done that are due on or before ``today``
    today: date | None = None  # the day it is in the staff time zone (the clock is the caller's)


@dataclass(frozen=True)
class QueueRow:
    """One listed handoff with its participant's language and reference, and whether it came after ``since``."""

    handoff: Handoff
    language: str
    reference: str
    is_new: bool


@dataclass(frozen=True)
class QueuePage:
    """One page of the queue; ``counts`` per status and ``new_count`` apply every other filter of the query."""

    rows: list[QueueRow]
    total: int
    page: int
    pages: int
    per_page: int
    counts: dict[str, int] = field(default_factory=dict)
    new_count: int = 0
    due_counts: dict[str, int] = field(default_factory=dict)  # DUE_TODAY / OVERDUE, every other filter applied

    @property
    def first(self) -> int:
        """The 1-based position of the first row shown (0 when none)."""
        return (self.page - 1) * self.per_page + 1 if self.rows else 0

    @property
    def last(self) -> int:
        return (self.page - 1) * self.per_page + len(self.rows)


def _since(query: QueueQuery) -> datetime:
    return query.since if query.since is not None else _BEFORE_ANY


def _due_condition(due: str, today: date) -> Any:
    open_ = Handoff.status != HANDOFF_FOLLOWED_UP
    if due == OVERDUE:
        return open_ & (Handoff.follow_up_due_on < today)
    return open_ & (Handoff.follow_up_due_on == today)


def _where(
    statement: Select, query: QueueQuery, *, status: bool = True, only_new: bool = True, due: bool = True
) -> Select:
    """``statement`` limited to the scope and the filters (the status and "only new" ones when asked)."""
    scope = query.scope
    if scope.site_ids is not None:
        statement = statement.where(Handoff.site_id.in_(scope.site_ids))
    if scope.audience is not None:
        statement = statement.where(Handoff.audience == scope.audience)
    if query.audience is not None:
        statement = statement.where(Handoff.audience == query.audience)
    if query.assigned_to_id is not None:
        statement = statement.where(Handoff.assigned_to_id == query.assigned_to_id)
    if query.created_from is not None:
        statement = statement.where(Handoff.created_at >= query.created_from)
    if query.created_before is not None:
        statement = statement.where(Handoff.created_at < query.created_before)
    reference = query.reference
    if reference is not None and reference.handoff_id is not None:
        statement = statement.where(Handoff.id == reference.handoff_id)
    if reference is not None and reference.prefix is not None:
        runs = select(ActivityRun.id).join(Participant, Participant.id == ActivityRun.participant_id)
        statement = statement.where(Handoff.run_id.in_(runs.where(_public_id_starts_with(reference.prefix))))
    if reference is not None and reference.words is not None:
        statement = statement.where(Handoff.run_id.in_(_runs_whose_words_hold(reference.words)))
    if status and query.status is not None:
        statement = statement.where(Handoff.status == query.status)
    if only_new and query.only_new:
        statement = statement.where(Handoff.created_at > _since(query))
    if due and query.due in DUE_FILTERS and query.today is not None:
        statement = statement.where(_due_condition(query.due, query.today))
    return statement


# The answers a practitioner finds a person by: how to reach them (their name), the business, the job, the work sought.
SEARCHED_ANSWERS = ("contact", "business_name", "hiring_role", "work_sought")


def _runs_whose_words_hold(words: str) -> Any:
    """Runs with a current answer among SEARCHED_ANSWERS holding ``words`` (any case; % and _ are literal)."""
    pattern = "%" + re.sub(r"([\\%_])", r"\\\1", words.lower()) + "%"
    return select(Answer.run_id).where(
        Answer.question_id.in_(SEARCHED_ANSWERS),
        Answer.superseded_at.is_(None),
        Answer.skipped.is_(False),
        func.lower(Answer.text).like(pattern, escape="\\"),
    )


def _due_counts(session: Session, query: QueueQuery) -> dict[str, int]:
    """How many open follow-ups are due today and overdue, with every other filter of the query."""
    if query.today is None:
        return {}
    columns = [func.sum(case((_due_condition(d, query.today), 1), else_=0)) for d in DUE_FILTERS]
    found = session.execute(_where(select(*columns), query, due=False)).one()
    return {d: int(n or 0) for d, n in zip(DUE_FILTERS, found, strict=True)}


def _order(statement: Select, sort: str) -> Select:
    if sort == "oldest":
        return statement.order_by(Handoff.created_at.asc(), Handoff.id.asc())
    if sort == "status":
        rank = case({s: i for i, s in enumerate(HANDOFF_STATUSES)}, value=Handoff.status, else_=len(HANDOFF_STATUSES))
        return statement.order_by(rank, Handoff.created_at.desc(), Handoff.id.desc())
    if sort == "updated":
        return statement.order_by(Handoff.updated_at.desc(), Handoff.id.desc())
    return statement.order_by(Handoff.created_at.desc(), Handoff.id.desc())


def _counts(session: Session, query: QueueQuery) -> tuple[dict[str, int], dict[str, int]]:
    """Per status: how many handoffs match every filter but the status ones, and how many of those came after since."""
    newer = func.sum(case((Handoff.created_at > _since(query), 1), else_=0))
    statement = _where(select(Handoff.status, func.count(Handoff.id), newer), query, status=False, only_new=False)
    counts: dict[str, int] = {}
    new_counts: dict[str, int] = {}
    for status, count, new in session.execute(statement.group_by(Handoff.status)):
        counts[status], new_counts[status] = int(count), int(new or 0)
    return counts, new_counts


def queue_page(*, session: Session, query: QueueQuery) -> QueuePage:
    """The page of handoffs ``query`` asks for (the last page if it asks past it): two queries whatever the queue's size."""
    if query.scope.nothing:
        return QueuePage(rows=[], total=0, page=1, pages=1, per_page=query.per_page)
    all_counts, new_counts = _counts(session, query)
    counts = new_counts if query.only_new else all_counts  # each status link shows what clicking it would list
    total = counts.get(query.status, 0) if query.status is not None else sum(counts.values())
    new_count = new_counts.get(query.status, 0) if query.status is not None else sum(new_counts.values())
    pages = max(1, -(-total // query.per_page))
    page = min(max(1, query.page), pages)
    rows = _rows(session, query, limit=query.per_page, offset=(page - 1) * query.per_page) if total else []
    return QueuePage(
        rows=rows,
        total=total,
        page=page,
        pages=pages,
        per_page=query.per_page,
        counts=counts,
        new_count=new_count,
        due_counts=_due_counts(session, query),
    )


def queue_rows(*, session: Session, query: QueueQuery) -> list[QueueRow]:
    """Every handoff ``query`` matches, in its order (the CSV export): no page."""
    if query.scope.nothing:
        return []
    return _rows(session, query, limit=None, offset=0)


def _rows(session: Session, query: QueueQuery, *, limit: int | None, offset: int) -> list[QueueRow]:
    statement = (
        select(Handoff, Participant.language, Participant.public_id)
        .join(ActivityRun, ActivityRun.id == Handoff.run_id)
        .join(Participant, Participant.id == ActivityRun.participant_id)
        .options(
            selectinload(Handoff.summary),
            selectinload(Handoff.run),
            selectinload(Handoff.site),
            selectinload(Handoff.assigned_to),
        )
    )
    statement = _order(_where(statement, query), query.sort)
    if limit is not None:
        statement = statement.limit(limit).offset(offset)
    since = _since(query)
    return [
        QueueRow(handoff=h, language=language or "en", reference=public_id, is_new=h.created_at > since)
        for h, language, public_id in session.execute(statement)
    ]
