"""Participants of every retention case at a fixed `NOW`, their Rasa tracker conversations, and a search of everything."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Iterable

from sqlalchemy import MetaData, create_engine, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session

from bot.store import outbox, repository, summary_links
from bot.store import staff_repository as staff_repo
from bot.store.channel_records import record_outbound
from bot.store.models import (
    CASE_MANAGER,
    RUN_DECLINED,
    WORK_SEEKER,
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    Practitioner,
    PractitionerNote,
    ResumeCode,
    Site,
    Summary,
)
from bot.store.outbox_models import OUTBOX_SENT
from bot.store.retention import months_before
from tests.staff.seed import FACTORS, Account, add_account, add_site, seed_handoff

NOW = datetime(2030, 6, 15, 12, 0)
# name -> erased by a purge at NOW under the default policy (12 / 24 / 84 months)
CASES = {
    "unfinished_old": True,  # an active run, nothing for 13 months
    "unfinished_recent": False,  # an active run, last answer 11 months ago
    "declined_old": True,  # said no to taking part 14 months ago
    "no_run_old": True,  # first message 13 months ago, never got as far as a run
    "no_run_recent": False,  # first message 2 months ago
    "completed_old": True,  # completed 30 months ago, last followed up 25 months ago
    "completed_note_recent": False,  # completed 30 months ago, a practitioner's note 6 months ago
    "completed_status_recent": False,  # completed 30 months ago, handoff status changed 10 months ago
    "completed_13_months": False,  # completed 13 months ago: inside the 24 months
    "completed_old_unfinished_recent": False,  # one run due, a newer unfinished one (3 months ago) not
}
PURGED = sorted(name for name, erased in CASES.items() if erased)
KEPT = sorted(name for name, erased in CASES.items() if not erased)
# kept name -> months after NOW when it becomes due (its own reason for being kept ends)
DUE_IN = {
    "unfinished_recent": 1,
    "no_run_recent": 10,
    "completed_note_recent": 18,
    "completed_status_recent": 14,
    "completed_13_months": 11,
    "completed_old_unfinished_recent": 9,
}


def ago(months: int) -> datetime:
    return months_before(NOW, months)


def marker(name: str) -> str:
    """Words only this participant used (or were written about them)."""
    return f"zq-{name.replace('_', '-')}-words"


def phone(name: str) -> str:
    return f"+1902555{list(CASES).index(name):04d}"


def rest_sender(name: str) -> str:
    """The sender id of the participant's web chat (REST) identity, for the completed cases."""
    return f"rest-sender-{list(CASES).index(name):02d}"


@dataclass
class World:
    participant_ids: dict[str, int] = field(default_factory=dict)  # case name -> participant id
    public_ids: dict[str, str] = field(default_factory=dict)
    senders: dict[str, list[str]] = field(default_factory=dict)  # case name -> tracker sender ids

    def ids(self, names: Iterable[str]) -> list[int]:
        return sorted(self.participant_ids[name] for name in names)


def backdate(session: Session, participant_id: int, at: datetime) -> None:
    """Set every time of the participant's rows to ``at`` (the rows were made at the real now)."""
    session.flush()
    runs = select(ActivityRun.id).where(ActivityRun.participant_id == participant_id).scalar_subquery()
    handoffs = select(Handoff.id).where(Handoff.run_id.in_(runs)).scalar_subquery()
    mine = {
        Participant: Participant.id == participant_id,
        ChannelIdentity: ChannelIdentity.participant_id == participant_id,
        ActivityRun: ActivityRun.participant_id == participant_id,
        Answer: Answer.run_id.in_(runs),
        ConsentRecord: ConsentRecord.participant_id == participant_id,
        Summary: Summary.run_id.in_(runs),
        Handoff: Handoff.id.in_(handoffs),
        PractitionerNote: PractitionerNote.handoff_id.in_(handoffs),
        ResumeCode: ResumeCode.participant_id == participant_id,
    }
    for model, where in mine.items():
        for column in model.__table__.columns:
            if column.type.python_type is datetime:
                statement = update(model).where(where, getattr(model, column.name).is_not(None))
                session.execute(statement.values({column.name: at}).execution_options(synchronize_session=False))
    session.expire_all()


def _identity(session: Session, channel: str, external_id: str, participant_id: int | None = None) -> int:
    """The participant of this identity: a new one, or ``participant_id`` reached there too."""
    if participant_id is None:
        identity = repository.get_or_create_identity(session=session, channel=channel, external_id=external_id)
        return int(identity.participant_id)
    if repository.find_identity(session=session, channel=channel, external_id=external_id) is None:
        session.add(ChannelIdentity(participant_id=participant_id, channel=channel, external_id=external_id))
        session.flush()
    return participant_id


def _unfinished(session: Session, name: str, *, status: str | None = None, participant_id: int | None = None) -> int:
    """An SMS participant with an unfinished run: consent, two answers, a reply being checked."""
    pid = _identity(session, "twilio_sms", phone(name), participant_id)
    participant = session.get(Participant, pid)
    run = repository.start_run(session=session, participant=participant, channel="twilio_sms", step_id="skills_rating")
    repository.record_consent(
        session=session,
        participant=participant,
        run=run,
        kind="participate",
        granted=status != RUN_DECLINED,
        wording="Take part?",
        channel="twilio_sms",
        reply_text=f"ok {marker(name)}",
    )
    if status is None:
        for question in ("clarity_before", "skills_reflection"):
            repository.save_answer(
                session=session, run=run, question_id=question, text=marker(name), channel="twilio_sms"
            )
        run.pending_text = marker(name)
    else:
        run.status = status
    session.flush()
    return pid


def _completed(session: Session, name: str, site: Site, cm: Practitioner) -> tuple[int, Handoff]:
    """A completed run with a summary, a handoff, a note, a summary link, a resume code, messages sent and queued."""
    words = {factor: f"{marker(name)} {factor}" for factor in FACTORS}
    handoff = seed_handoff(session, site=site, role=WORK_SEEKER, sender=rest_sender(name), words=words)
    pid = int(handoff.run.participant_id)
    _identity(session, "twilio_sms", phone(name), pid)
    staff_repo.add_note(session=session, handoff=handoff, practitioner=cm, note=f"called {marker(name)}")
    summary_links.link_token(session=session, run=handoff.run, secret_key="k", days=30)
    session.add(ResumeCode(participant_id=pid, code_hash=f"{name:x<64}"[:64], expires_at=NOW))
    record_outbound(session=session, channel="twilio_sms", external_id=phone(name), characters=90, segments=1)
    payload = {
        "run_id": handoff.run_id,
        "number": 1,
        "channel": "twilio_sms",
        "to": phone(name),
        "planned_at": NOW.isoformat(),
    }
    reminder = outbox.enqueue(
        session=session, kind="reminder", recipient_key=f"twilio_sms:{phone(name)}", payload=payload, participant_id=pid
    )
    reminder.status = OUTBOX_SENT  # sent while the run was open; its row still names the number
    return pid, handoff


def _set(session: Session, model: Any, row_id: int, **values: datetime) -> None:
    session.execute(
        update(model).where(model.id == row_id).values(**values).execution_options(synchronize_session=False)
    )


def build_world(session: Session) -> World:
    """Every case of CASES, committed; two audit rows (one past the 84 months)."""
    site = add_site(session, "default", "Halifax")
    cm = add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    world = World()
    pids = world.participant_ids
    pids["unfinished_old"] = _unfinished(session, "unfinished_old")
    pids["unfinished_recent"] = _unfinished(session, "unfinished_recent")
    pids["declined_old"] = _unfinished(session, "declined_old", status=RUN_DECLINED)
    pids["no_run_old"] = _identity(session, "telegram", phone("no_run_old"))
    pids["no_run_recent"] = _identity(session, "telegram", phone("no_run_recent"))
    handoffs = {}
    for name in ("completed_old", "completed_note_recent", "completed_status_recent", "completed_13_months"):
        pids[name], handoffs[name] = _completed(session, name, site, cm)
    mixed = "completed_old_unfinished_recent"
    pids[mixed], handoffs[mixed] = _completed(session, mixed, site, cm)
    _unfinished(session, mixed, participant_id=pids[mixed])
    ages = {
        "unfinished_old": 13,
        "unfinished_recent": 11,
        "declined_old": 14,
        "no_run_old": 13,
        "no_run_recent": 2,
        "completed_old": 30,
        "completed_note_recent": 30,
        "completed_status_recent": 30,
        "completed_13_months": 13,
        mixed: 30,
    }
    for name, months in ages.items():
        backdate(session, pids[name], ago(months))
    _set(session, Handoff, handoffs["completed_old"].id, updated_at=ago(25))
    note = select(PractitionerNote.id).where(PractitionerNote.handoff_id == handoffs["completed_note_recent"].id)
    _set(session, PractitionerNote, session.execute(note).scalar_one(), created_at=ago(6))
    _set(session, Handoff, handoffs["completed_status_recent"].id, updated_at=ago(10))
    recent_run = select(ActivityRun.id).where(ActivityRun.participant_id == pids[mixed], ActivityRun.status == "active")
    run_id = session.execute(recent_run).scalar_one()
    _set(session, ActivityRun, run_id, started_at=ago(3), updated_at=ago(3))
    for name, pid in pids.items():
        world.public_ids[name] = session.get(Participant, pid).public_id
        world.senders[name] = [i.external_id for i in staff_repo.identities_of(session=session, participant_id=pid)]
    _audit(session, "summary_viewed", "handoff", str(handoffs["completed_old"].id), ago(90))
    _audit(session, "summary_viewed", "handoff", str(handoffs["completed_old"].id), ago(26))
    session.commit()
    return world


def _audit(session: Session, action: str, subject_type: str, subject_id: str, at: datetime) -> None:
    event = staff_repo.audit(
        session=session, practitioner=None, action=action, subject_type=subject_type, subject_id=subject_id
    )
    event.created_at = at
    session.flush()


# ---- Rasa's tracker store ---------------------------------------------------------------------------------------
def write_trackers(url: str, world: World) -> None:
    """Each sender's conversation saved by Rasa's own SQLTrackerStore (which creates `events` as in production)."""
    from rasa.core.tracker_store import SQLTrackerStore
    from rasa.shared.core.events import BotUttered, UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker

    parsed = make_url(url)
    options = {"dialect": "sqlite", "db": parsed.database}
    if parsed.get_backend_name() == "postgresql":
        options = {
            "dialect": "postgresql",
            "host": parsed.host,
            "port": parsed.port,
            "db": parsed.database,
            "username": parsed.username,
            "password": parsed.password,
        }
    store = SQLTrackerStore(**options)
    try:
        for name, senders in world.senders.items():
            for sender in senders:
                events = [UserUttered(f"my answer: {marker(name)}"), BotUttered("Thanks, noted.")]
                asyncio.run(store.save(DialogueStateTracker.from_events(sender, events)))
    finally:
        store.engine.dispose()


# ---- searching everything -----------------------------------------------------------------------------------------
def every_value(url: str) -> str:
    """Every value of every row of every table of the database (reflected: tables added later count too)."""
    engine = create_engine(url, future=True)
    try:
        metadata = MetaData()
        metadata.reflect(bind=engine)
        with engine.connect() as connection:
            return "\n".join(
                repr(tuple(row)) for table in metadata.sorted_tables for row in connection.execute(select(table))
            )
    finally:
        engine.dispose()


def traces(text: str, world: World, names: Iterable[str]) -> list[str]:
    """The words and numbers of these participants found in ``text``."""
    found = []
    for name in names:
        for needle in (marker(name), phone(name), rest_sender(name)):
            if needle in text:
                found.append(needle)
    return found
