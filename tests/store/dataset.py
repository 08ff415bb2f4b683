"""A small fixed data set (tricky verbatim text, history, summary, handoff) and the export it must produce."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pytest
from sqlalchemy.orm import Session

from bot.store import repository
from bot.store.models import (
    CONSENT_RESEARCH,
    EMPLOYER,
    RUN_COMPLETED,
    RUN_DECLINED,
    RUN_PAUSED,
    WORK_SEEKER,
    ActivityRun,
    ChannelIdentity,
    Participant,
)

SCRIPT_TEXT = 'I said "team player", <script>alert(1)</script>'
FIXED_TEXT = 'Line one\nLine two, with commas, and "quotes"\r\nthird 🙂 café naïve Élodie'
FRENCH_TEXT = "On est une petite équipe; «bienvenue» à tous, ça compte. Été 2026 ✨"
SUMMARY_TEXT = 'Strengths: skills\nPriorities: pay 💼, "fair"'
SUMMARY_BODY = {"priorities": ["pay"], "strengths": ["skills"], "stressors": [], "note": "équipe 🙂"}
PHONE = "+19025550100"  # personal data that must never reach the export
WITHDRAWN_TEXT = "Withdrawn-Wombat: nights only, never weekends"  # a reflection of someone who said NO RESEARCH


def t(minute: int, second: int = 0) -> datetime:
    """A fixed naive-UTC time on the test day."""
    return datetime(2026, 3, 2, 14, minute, second, 123456 if second else 0)


class Clock:
    """Stands in for repository.utcnow: returns whatever time the test set last."""

    def __init__(self) -> None:
        self.now = t(0)

    def __call__(self) -> datetime:
        return self.now


def _participant(
    session: Session, *, public_id: str, role: str | None, identities: list[tuple[str, str]]
) -> Participant:
    identity = repository.get_or_create_identity(
        session=session, channel=identities[0][0], external_id=identities[0][1]
    )
    participant = identity.participant
    participant.public_id = public_id
    participant.role = role
    for channel, external_id in identities[1:]:
        session.add(ChannelIdentity(participant_id=participant.id, channel=channel, external_id=external_id))
    session.flush()
    return participant


def _run(session: Session, participant: Participant, *, public_id: str, channel: str, started: datetime) -> ActivityRun:
    run = repository.start_run(
        session=session, participant=participant, channel=channel, step_id="intro", content_version="v1"
    )
    run.public_id = public_id
    run.started_at = started
    session.flush()
    return run


def _answer(
    session: Session, clock: Clock, run: ActivityRun, at: datetime, question_id: str, text: str, **kw: Any
) -> None:
    clock.now = at
    repository.save_answer(
        session=session, run=run, question_id=question_id, text=text, channel=kw.pop("channel", "rest"), **kw
    )


def _research(session: Session, clock: Clock, person: Participant, run: ActivityRun, at: datetime, yes: bool) -> None:
    clock.now = at
    repository.record_consent(
        session=session,
        participant=person,
        run=run,
        kind=CONSENT_RESEARCH,
        granted=yes,
        wording="May we use your answers to improve this service?",
        channel=run.channel,
        reply_text="yes" if yes else "no research",
    )


def _work_seeker(session: Session, clock: Clock) -> None:
    site = repository.get_or_create_site(session=session, code="halifax", name="Halifax Works")
    default = repository.get_or_create_site(session=session, code="default", name="Demo site")
    person = _participant(
        session, public_id="ws0001", role=WORK_SEEKER, identities=[("rest", "sender-a"), ("twilio", PHONE)]
    )
    person.site_id = site.id
    run = _run(session, person, public_id="run-ws-1", channel="rest", started=t(1))
    _answer(session, clock, run, t(2), "clarity_before", "2", value="2")
    _answer(session, clock, run, t(2, 30), "confidence_before", "3", value="3")
    _answer(session, clock, run, t(3), "skills_choice", "Strength", factor="skills", value="strength")
    _answer(session, clock, run, t(4), "skills_reflection", SCRIPT_TEXT, factor="skills")
    _answer(session, clock, run, t(5), "pay_reflection", "skip", factor="pay", skipped=True)
    _answer(session, clock, run, t(6, 30), "skills_reflection", FIXED_TEXT, factor="skills", channel="twilio")
    _answer(session, clock, run, t(7), "clarity_after", "4", value="4", channel="twilio")
    summary = repository.save_summary(session=session, run=run, body=SUMMARY_BODY, text=SUMMARY_TEXT)
    summary.created_at = t(8)
    clock.now = t(9)
    handoff = repository.create_handoff(session=session, run=run, summary=summary, default_site=default)
    handoff.created_at = handoff.updated_at = t(9)
    run.status, run.completed_at = RUN_COMPLETED, t(9)
    # how to reach them, after the share: personal, never in the research export
    _answer(session, clock, run, t(9, 10), "contact", "Sam, 902-555-0142 after 3", value="given")
    _research(session, clock, person, run, t(9, 30), True)
    session.flush()


def _employer(session: Session, clock: Clock) -> None:
    person = _participant(session, public_id="emp0001", role=EMPLOYER, identities=[("telegram", "777000")])
    person.language = "fr"
    run = _run(session, person, public_id="run-emp-1", channel="telegram", started=t(20))
    _answer(session, clock, run, t(21), "clarity_before", "3 - somewhat", value="3", channel="telegram")
    _answer(
        session, clock, run, t(21, 30), "business_name", "Resto du Quai", channel="telegram"
    )  # names them: left out
    _answer(session, clock, run, t(22), "culture_reflection", FRENCH_TEXT, factor="culture", channel="telegram")
    run.status = RUN_PAUSED
    _research(session, clock, person, run, t(19), True)  # agreed at the end of an earlier run (its latest word)
    session.flush()


def _withdrawn(session: Session, clock: Clock) -> None:
    person = _participant(session, public_id="ws0002", role=WORK_SEEKER, identities=[("rest", "sender-d")])
    run = _run(session, person, public_id="run-withdrawn", channel="rest", started=t(40))
    _answer(session, clock, run, t(41), "arrangements_reflection", WITHDRAWN_TEXT, factor="arrangements")
    run.status, run.completed_at = RUN_COMPLETED, t(42)
    _research(session, clock, person, run, t(43), True)
    _research(session, clock, person, run, t(44), False)
    session.flush()


def _declined(session: Session) -> None:
    person = _participant(session, public_id="anon0001", role=None, identities=[("rest", "sender-c")])
    run = _run(session, person, public_id="run-declined", channel="rest", started=t(30))
    run.status = RUN_DECLINED
    session.flush()


def build_dataset(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    """Four participants: a finished work seeker (with a changed answer) and a paused employer who agreed to research
    use, a decliner never asked, and a work seeker who agreed and then withdrew (the last two left out)."""
    clock = Clock()
    monkeypatch.setattr(repository, "utcnow", clock)
    _work_seeker(session, clock)
    _employer(session, clock)
    _declined(session)
    _withdrawn(session, clock)
    session.commit()


def _ans(question_id: str, factor: str | None, text: str, value: str | None, at: str, **extra: Any) -> dict[str, Any]:
    record = {
        "question_id": question_id,
        "factor": factor,
        "text": text,
        "value": value,
        "skipped": extra.pop("skipped", False),
        "channel": extra.pop("channel", "rest"),
        "created_at": at,
    }
    record.update(extra)
    return record


EXPECTED_RECORDS: list[dict[str, Any]] = [
    {
        "participant_id": "ws0001",
        "participant_role": "work_seeker",
        "participant_language": "en",
        "site_code": "halifax",
        "participant_channels": ["rest", "twilio"],
        "run_id": "run-ws-1",
        "run_role": "work_seeker",
        "run_status": "completed",
        "run_channel": "rest",
        "content_version": "v1",
        "started_at": "2026-03-02T14:01:00.000000+00:00",
        "completed_at": "2026-03-02T14:09:00.000000+00:00",
        "clarity_before": 2,
        "clarity_after": 4,
        "confidence_before": 3,
        "confidence_after": None,
        "answers": [
            _ans("clarity_before", None, "2", "2", "2026-03-02T14:02:00.000000+00:00"),
            _ans("confidence_before", None, "3", "3", "2026-03-02T14:02:30.123456+00:00"),
            _ans("skills_choice", "skills", "Strength", "strength", "2026-03-02T14:03:00.000000+00:00"),
            _ans("pay_reflection", "pay", "skip", None, "2026-03-02T14:05:00.000000+00:00", skipped=True),
            _ans("skills_reflection", "skills", FIXED_TEXT, None, "2026-03-02T14:06:30.123456+00:00", channel="twilio"),
            _ans("clarity_after", None, "4", "4", "2026-03-02T14:07:00.000000+00:00", channel="twilio"),
        ],
        "answer_history": [
            _ans(
                "skills_reflection",
                "skills",
                SCRIPT_TEXT,
                None,
                "2026-03-02T14:04:00.000000+00:00",
                superseded_at="2026-03-02T14:06:30.123456+00:00",
            ),
        ],
        "summary": {
            "body": SUMMARY_BODY,
            "text": SUMMARY_TEXT,
            "created_at": "2026-03-02T14:08:00.000000+00:00",
            "confirmed_at": "2026-03-02T14:09:00.000000+00:00",
        },
        "handoff": {
            "status": "new",
            "audience": "case_manager",
            "created_at": "2026-03-02T14:09:00.000000+00:00",
            "updated_at": "2026-03-02T14:09:00.000000+00:00",
        },
    },
    {
        "participant_id": "emp0001",
        "participant_role": "employer",
        "participant_language": "fr",
        "site_code": None,
        "participant_channels": ["telegram"],
        "run_id": "run-emp-1",
        "run_role": "employer",
        "run_status": "paused",
        "run_channel": "telegram",
        "content_version": "v1",
        "started_at": "2026-03-02T14:20:00.000000+00:00",
        "completed_at": None,
        "clarity_before": 3,
        "clarity_after": None,
        "confidence_before": None,
        "confidence_after": None,
        "answers": [
            _ans("clarity_before", None, "3 - somewhat", "3", "2026-03-02T14:21:00.000000+00:00", channel="telegram"),
            _ans(
                "culture_reflection",
                "culture",
                FRENCH_TEXT,
                None,
                "2026-03-02T14:22:00.000000+00:00",
                channel="telegram",
            ),
        ],
        "answer_history": [],
        "summary": None,
        "handoff": None,
    },
]

# What the export says it left out: counts only.
EXPECTED_LEFT_OUT = {
    "runs": 2,
    "reason": {"not_asked": 1, "withdrawn": 1},
    "run_status": {"completed": 1, "declined": 1},
    "role": {"unknown": 1, "work_seeker": 1},
}
