"""Retention: which participants are past their keeping period, what erasing them removes, and the purge itself."""

from __future__ import annotations

import calendar
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterator, Optional, Sequence, cast

from sqlalchemy import and_, bindparam, create_engine, delete, exists, func, inspect, not_, or_, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool
from sqlalchemy.sql.elements import ColumnElement

from bot.settings import Settings, get_settings
from bot.store import erasure
from bot.store import staff_repository as staff_repo
from bot.store.corrections import AnswerCorrection
from bot.store.db import session_scope
from bot.store.models import (
    RUN_COMPLETED,
    ActivityRun,
    Answer,
    AuditEvent,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    PractitionerNote,
    ResumeCode,
)

PURGE_ACTION = "retention_purge"
PURGE_SUBJECT = "retention"
BATCH = 100  # participants erased per transaction
# pg_try_advisory_lock's key: any constant no other code of this database uses ("mfretent" as 8 bytes).
LOCK_KEY = int.from_bytes(b"mfretent", "big") & 0x7FFF_FFFF_FFFF_FFFF


def months_before(moment: datetime, months: int) -> datetime:
    """The same day and time ``months`` calendar months earlier (the 31st becomes the month's last day)."""
    index = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(index, 12)
    day = min(moment.day, calendar.monthrange(year, month + 1)[1])
    return moment.replace(year=year, month=month + 1, day=day)


@dataclass(frozen=True)
class Cutoffs:
    """The moments before which something is due: its last activity or follow-up, or an audit row's time."""

    unfinished: datetime
    completed: datetime
    audit: datetime


@dataclass(frozen=True)
class RetentionPolicy:
    """How long things are kept, in calendar months (RETENTION_*_MONTHS)."""

    unfinished_months: int = 12
    completed_months: int = 24
    audit_months: int = 84

    @classmethod
    def from_settings(cls, settings: Optional[Settings] = None) -> RetentionPolicy:
        settings = settings or get_settings()
        return cls(
            settings.retention_unfinished_months, settings.retention_completed_months, settings.retention_audit_months
        )

    def cutoffs(self, now: datetime) -> Cutoffs:
        return Cutoffs(
            unfinished=months_before(now, self.unfinished_months),
            completed=months_before(now, self.completed_months),
            audit=months_before(now, self.audit_months),
        )


@dataclass
class Tally:
    """What a purge removes (plan) or removed (purge): per table, the tracker events, the expired audit rows."""

    participant_ids: list[int] = field(default_factory=list)
    rows: dict[str, int] = field(default_factory=dict)  # table -> rows, as erasure.participant_row_counts
    sender_ids: int = 0  # channel identities, i.e. Rasa tracker conversations
    tracker_events: Optional[int] = None  # rows of Rasa's `events`; None when no SQL tracker store is configured
    audit_events: int = 0  # audit rows older than the audit period

    def add_rows(self, counts: dict[str, int]) -> None:
        for table, count in counts.items():
            self.rows[table] = self.rows.get(table, 0) + count

    def audit_text(self) -> str:
        """The purge's audit entry: counts only (no id, no word of anyone's); at most 64 characters."""
        events = "-" if self.tracker_events is None else str(self.tracker_events)
        summary = (
            f"participants:{len(self.participant_ids)} rows:{sum(self.rows.values())} "
            f"events:{events} audit:{self.audit_events}"
        )
        return summary[:64]


# ---- who is due -------------------------------------------------------------------------------------------------
def _after(column: Any, moment: datetime) -> ColumnElement:
    """``column > moment`` that is false, never NULL, for a NULL column (so NOT(...) stays true)."""
    return cast(ColumnElement, and_(column.is_not(None), column > moment))


def _own_activity_since(moment: datetime) -> ColumnElement:
    """The participant did something after ``moment``: first contact, a choice, a run's start or step, an answer,
    a consent, a resume code, a STOP or block."""
    pid = Participant.id
    return cast(
        ColumnElement,
        or_(
            _after(Participant.created_at, moment),
            _after(Participant.language_chosen_at, moment),
            _after(Participant.reminders_off_at, moment),
            exists().where(
                ChannelIdentity.participant_id == pid,
                or_(
                    _after(ChannelIdentity.created_at, moment),
                    _after(ChannelIdentity.opted_out_at, moment),
                    _after(ChannelIdentity.blocked_at, moment),
                ),
            ),
            exists().where(
                ActivityRun.participant_id == pid,
                or_(_after(ActivityRun.started_at, moment), _after(ActivityRun.updated_at, moment)),
            ),
            exists().where(
                Answer.run_id == ActivityRun.id, ActivityRun.participant_id == pid, _after(Answer.created_at, moment)
            ),
            exists().where(ConsentRecord.participant_id == pid, _after(ConsentRecord.created_at, moment)),
            exists().where(
                ResumeCode.participant_id == pid,
                or_(_after(ResumeCode.created_at, moment), _after(ResumeCode.used_at, moment)),
            ),
        ),
    )


def _followed_up_since(moment: datetime) -> ColumnElement:
    """A completed run of the participant was completed, changed or followed up (handoff created, status changed or
    withdrawn, a practitioner's note, a correction) after ``moment``."""
    run_id = ActivityRun.id
    follow_up = or_(
        _after(ActivityRun.completed_at, moment),
        _after(ActivityRun.updated_at, moment),
        exists().where(
            Handoff.run_id == run_id,
            or_(
                _after(Handoff.created_at, moment),
                _after(Handoff.updated_at, moment),
                _after(Handoff.withdrawn_at, moment),
            ),
        ),
        exists().where(
            PractitionerNote.handoff_id == Handoff.id,
            Handoff.run_id == run_id,
            _after(PractitionerNote.created_at, moment),
        ),
        exists().where(AnswerCorrection.run_id == run_id, _after(AnswerCorrection.created_at, moment)),
    )
    return cast(
        ColumnElement,
        exists().where(ActivityRun.participant_id == Participant.id, ActivityRun.status == RUN_COMPLETED, follow_up),
    )


def due_participant_ids(*, session: Session, cutoffs: Cutoffs, limit: Optional[int] = None) -> list[int]:
    """Participants every run of whom is due, oldest first.

    Due: no activity of theirs (on any run, or with no run at all) since the unfinished cutoff, and no completed run
    of theirs completed or followed up since the completed cutoff.
    """
    statement = (
        select(Participant.id)
        .where(not_(_own_activity_since(cutoffs.unfinished)), not_(_followed_up_since(cutoffs.completed)))
        .order_by(Participant.id)
    )
    if limit is not None:
        statement = statement.limit(limit)
    return list(session.execute(statement).scalars())


# ---- the Rasa tracker store ---------------------------------------------------------------------------------------
def count_tracker_events(*, url: Optional[str], sender_ids: Sequence[str]) -> Optional[int]:
    """Rows of Rasa's `events` table of these senders; None without a tracker store, 0 when it has no such table."""
    if url is None:
        return None
    if not sender_ids:
        return 0
    engine = create_engine(url, future=True, poolclass=NullPool)
    try:
        if not inspect(engine).has_table("events"):
            return 0
        with engine.connect() as connection:
            statement = text("SELECT COUNT(*) FROM events WHERE sender_id IN :ids").bindparams(
                bindparam("ids", expanding=True)
            )
            return int(connection.execute(statement, {"ids": list(sender_ids)}).scalar_one())
    finally:
        engine.dispose()


def _sender_ids(session: Session, participant_id: int) -> list[str]:
    return [i.external_id for i in staff_repo.identities_of(session=session, participant_id=participant_id)]


# ---- plan and purge -----------------------------------------------------------------------------------------------
def _expired_audit(cutoff: datetime) -> ColumnElement:
    return cast(ColumnElement, AuditEvent.created_at < cutoff)


def plan(*, session: Session, now: datetime, policy: RetentionPolicy, tracker_url: Optional[str] = None) -> Tally:
    """What a purge at ``now`` would remove; changes nothing."""
    cutoffs = policy.cutoffs(now)
    tally = Tally(rows=_every_table(session))
    senders: list[str] = []
    for participant_id in due_participant_ids(session=session, cutoffs=cutoffs):
        tally.participant_ids.append(participant_id)
        tally.add_rows(erasure.participant_row_counts(session=session, participant_id=participant_id))
        senders.extend(_sender_ids(session, participant_id))
    tally.sender_ids = len(senders)
    tally.tracker_events = count_tracker_events(url=tracker_url, sender_ids=senders)
    tally.audit_events = int(
        session.execute(select(func.count()).select_from(AuditEvent).where(_expired_audit(cutoffs.audit))).scalar_one()
    )
    return tally


def _every_table(session: Session) -> dict[str, int]:
    """Every table a participant's erasure touches, at zero (no participant has id 0), so a tally lists them all."""
    return dict.fromkeys(erasure.participant_row_counts(session=session, participant_id=0), 0)


def _purge_batch(session: Session, cutoffs: Cutoffs, tracker_url: Optional[str], batch: int, tally: Tally) -> int:
    """Erase up to ``batch`` due participants exactly as the admin deletion does; returns how many."""
    ids = due_participant_ids(session=session, cutoffs=cutoffs, limit=batch)
    senders: list[str] = []
    for participant_id in ids:
        tally.add_rows(erasure.participant_row_counts(session=session, participant_id=participant_id))
        senders.extend(_sender_ids(session, participant_id))
    if tracker_url is not None:
        # First, as the admin deletion does: if it fails, nothing of ours is deleted and the next purge tries again.
        deleted = erasure.delete_tracker_events(url=tracker_url, sender_ids=senders)
        tally.tracker_events = (tally.tracker_events or 0) + deleted
    for participant_id in ids:
        erasure.delete_participant(session=session, participant=session.get(Participant, participant_id))
    tally.participant_ids.extend(ids)
    tally.sender_ids += len(senders)
    return len(ids)


def _record(session: Session, event_id: Optional[int], tally: Tally, now: datetime) -> int:
    """Write the purge's one audit entry (actor: the system), or bring its counts up to date; returns its id."""
    event = session.get(AuditEvent, event_id) if event_id is not None else None
    if event is None:
        event = staff_repo.audit(
            session=session, practitioner=None, action=PURGE_ACTION, subject_type=PURGE_SUBJECT, subject_id=""
        )
    event.subject_id = tally.audit_text()
    event.created_at = now
    session.flush()
    return int(event.id)


def purge(
    *,
    policy: RetentionPolicy,
    now: datetime,
    tracker_url: Optional[str] = None,
    database_url: Optional[str] = None,
    batch: int = BATCH,
) -> Tally:
    """Erase every due participant (their rows and Rasa tracker events) and the expired audit rows, in batches of
    ``batch`` participants per transaction, and keep one audit entry with the counts so far in each transaction."""
    cutoffs = policy.cutoffs(now)
    tally = Tally(tracker_events=None if tracker_url is None else 0)
    event_id: Optional[int] = None
    while True:
        with session_scope(database_url) as session:
            if event_id is None:
                tally.add_rows(_every_table(session))
                expired = session.execute(
                    delete(AuditEvent).where(_expired_audit(cutoffs.audit)).execution_options(synchronize_session=False)
                )
                tally.audit_events = int(expired.rowcount or 0)
            erased = _purge_batch(session, cutoffs, tracker_url, batch, tally)
            event_id = _record(session, event_id, tally, now)
        if erased < batch:
            return tally


def last_purge_at(*, session: Session) -> Optional[datetime]:
    """When the latest purge ran (its audit entry), or None."""
    return cast(
        Optional[datetime],
        session.execute(select(func.max(AuditEvent.created_at)).where(AuditEvent.action == PURGE_ACTION)).scalar_one(),
    )


@contextmanager
def purge_lock(database_url: Optional[str] = None) -> Iterator[bool]:
    """True while this process holds the purge lock, False when another holds it (then do nothing).

    PostgreSQL: a session advisory lock on a connection of its own, held across the purge's batch transactions and
    released when that connection closes, even if the process dies. SQLite (one worker): always True.
    """
    url = database_url or get_settings().database_url
    if make_url(url).get_backend_name() != "postgresql":
        yield True
        return
    engine = create_engine(url, future=True, poolclass=NullPool)
    try:
        with engine.connect() as connection:
            held = bool(connection.execute(text("SELECT pg_try_advisory_lock(:key)"), {"key": LOCK_KEY}).scalar_one())
            connection.commit()  # the lock outlives the transaction; no transaction is left open meanwhile
            yield held
    finally:
        engine.dispose()  # closes the connection: the lock goes with it
