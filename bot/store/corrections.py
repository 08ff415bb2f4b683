"""Staff corrections of a participant's answer on their request: the history table and the change to the summary."""

from __future__ import annotations

import copy
from typing import Any, Callable, Mapping, Sequence

from sqlalchemy import Column, DateTime, ForeignKey, Integer, String, Text, delete, func, select
from sqlalchemy.orm import Session
from sqlalchemy.sql.expression import Delete, Select

from bot.store.models import Base, Practitioner, Summary, utcnow

REFLECTION = "reflection"  # the participant's own words about a factor
RATING = "rating"  # strength, stressor or both
FIELDS = (REFLECTION, RATING)
CORRECTED_KEY = "corrected"  # in a summary body: factor id -> field -> the local date it was corrected by staff


class AnswerCorrection(Base):
    """One correction a practitioner made to a summary's factor on the participant's request: old and new value, why."""

    __tablename__ = "answer_corrections"
    id = Column(Integer, primary_key=True)
    run_id = Column(Integer, ForeignKey("activity_runs.id", ondelete="CASCADE"), nullable=False, index=True)
    summary_id = Column(Integer, ForeignKey("summaries.id", ondelete="CASCADE"), nullable=False)
    factor = Column(String(64), nullable=False)
    field = Column(String(16), nullable=False)  # REFLECTION or RATING
    old_value = Column(Text, nullable=True)  # None when the participant had skipped it
    new_value = Column(Text, nullable=False)
    reason = Column(Text, nullable=False)
    practitioner_id = Column(Integer, ForeignKey("practitioners.id", ondelete="SET NULL"), nullable=True)
    created_at = Column(DateTime, nullable=False, default=utcnow)


class NoSuchFactor(ValueError):
    """The summary has no factor of that id."""


def current_value(body: Mapping[str, Any], factor: str, field: str) -> str | None:
    """A factor's reflection or rating as the summary holds it now (None when skipped or not answered)."""
    for entry in body.get("factors") or []:
        if str(entry.get("id")) == factor:
            value = entry.get(field)
            return None if value is None else str(value)
    raise NoSuchFactor(factor)


def correct(
    *,
    session: Session,
    summary: Summary,
    practitioner: Practitioner,
    factor: str,
    field: str,
    new_value: str,
    reason: str,
    rating_label: str | None,
    marked_on: str,
    text_of: Callable[[Mapping[str, Any]], str],
) -> AnswerCorrection:
    """Change one factor's reflection or rating in ``summary``, keeping the old value in the history table.

    The body marks the factor's field as corrected by staff on ``marked_on`` (a date as the pages show it); the
    summary's full text is redrawn by ``text_of`` so every place that shows the summary shows the new value.
    """
    if field not in FIELDS:
        raise ValueError(f"unknown field {field!r}")
    body = copy.deepcopy(dict(summary.body or {}))
    old_value = current_value(body, factor, field)
    for entry in body["factors"]:
        if str(entry.get("id")) == factor:
            entry[field] = new_value
            if field == REFLECTION:
                entry["reflection_skipped"] = False
            else:
                entry["rating_label"] = rating_label
    marks = body.setdefault(CORRECTED_KEY, {})
    marks.setdefault(factor, {})[field] = marked_on
    summary.body = body  # a new object, so the JSON column is written
    summary.facts = None  # the words changed: the facts read from them are read again when next compared
    summary.text = text_of(body)
    row: AnswerCorrection = AnswerCorrection(
        run_id=summary.run_id,
        summary_id=summary.id,
        factor=factor,
        field=field,
        old_value=old_value,
        new_value=new_value,
        reason=reason,
        practitioner_id=practitioner.id,
    )
    session.add(row)
    session.flush()
    return row


def of_runs(*, session: Session, run_ids: Sequence[int]) -> list[tuple[AnswerCorrection, str | None]]:
    """The corrections of these runs, oldest first, each with its author's name (None once the account is gone)."""
    if not run_ids:
        return []
    rows = session.execute(
        select(AnswerCorrection, Practitioner.display_name)
        .outerjoin(Practitioner, Practitioner.id == AnswerCorrection.practitioner_id)
        .where(AnswerCorrection.run_id.in_(list(run_ids)))
        .order_by(AnswerCorrection.id)
    )
    return [(row, name) for row, name in rows]


def count_of_runs(run_ids: Any) -> Select:
    """How many corrections these runs have (``run_ids`` a list or a subquery): for the deletion's counts."""
    return select(func.count()).select_from(AnswerCorrection).where(AnswerCorrection.run_id.in_(run_ids))


def delete_of_runs(run_ids: Any) -> Delete:
    """Delete these runs' corrections (before their summaries and runs)."""
    return delete(AnswerCorrection).where(AnswerCorrection.run_id.in_(run_ids))
