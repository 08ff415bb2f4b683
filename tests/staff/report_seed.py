"""A small hand-built data set for the site report, every figure of which is worked out by hand in REPORT_MARCH."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.orm import Session

from bot.store.models import (
    CONSENT_PARTICIPATE,
    EMPLOYER,
    FOLLOW_UP_ROLE,
    RUN_ACTIVE,
    RUN_COMPLETED,
    RUN_DECLINED,
    WORK_SEEKER,
    ActivityRun,
    Answer,
    AuditEvent,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    Participant,
    PractitionerNote,
    Site,
    Summary,
)

UTC = datetime  # times below are naive UTC, as stored; Halifax is UTC-4 until 8 March 2026, then UTC-3


@dataclass
class Visit:
    run: ActivityRun
    handoff: Handoff | None


def visit(
    session: Session,
    *,
    site: Site | None,
    sender: str,
    started_at: datetime,
    role: str | None,
    consent: bool | None = True,
    participant_role: str | None = None,
    completed: bool = False,
    clarity: tuple[int | None, int | None] | None = None,
    shared: bool = False,
    status: str = "new",
    withdrawn: bool = False,
) -> Visit:
    """One run with its consent, its clarity answers, and a handoff if shared (made an hour after it started)."""
    participant = Participant(site_id=site.id if site else None, role=participant_role or role)
    session.add(participant)
    session.flush()
    session.add(ChannelIdentity(participant_id=participant.id, channel="rest", external_id=sender))
    run = ActivityRun(
        participant_id=participant.id,
        role=role,
        status=RUN_DECLINED if consent is False else (RUN_COMPLETED if completed else RUN_ACTIVE),
        step_id="consent",
        channel="rest",
        started_at=started_at,
        completed_at=started_at + timedelta(minutes=30) if completed else None,
    )
    session.add(run)
    session.flush()
    if consent is not None:
        session.add(
            ConsentRecord(
                participant_id=participant.id,
                run_id=run.id,
                kind=CONSENT_PARTICIPATE,
                granted=consent,
                wording="Shall we start?",
                channel="rest",
                created_at=started_at,
            )
        )
    for question, score in zip(("clarity_before", "clarity_after"), clarity or (), strict=False):
        if score is None:
            session.add(Answer(run_id=run.id, question_id=question, text="skip", skipped=True, channel="rest"))
        else:
            session.add(Answer(run_id=run.id, question_id=question, text=str(score), value=str(score), channel="rest"))
    handoff = None
    if shared:
        summary = Summary(run_id=run.id, body={}, text="")
        session.add(summary)
        session.flush()
        handoff = Handoff(
            run_id=run.id,
            summary_id=summary.id,
            site_id=site.id if site else 0,
            audience=FOLLOW_UP_ROLE[role or WORK_SEEKER],
            status=status,
            created_at=started_at + timedelta(hours=1),
            withdrawn_at=started_at + timedelta(hours=2) if withdrawn else None,
        )
        session.add(handoff)
    session.flush()
    return Visit(run=run, handoff=handoff)


def answer(session: Session, v: Visit, question: str, text: str, value: str | None = None) -> None:
    """One more current answer of the visit's run ("skip" is saved as a skip)."""
    skipped = text == "skip"
    session.add(Answer(run_id=v.run.id, question_id=question, text=text, value=value, skipped=skipped, channel="rest"))


def audit(session: Session, handoff: Handoff, action: str, after: timedelta) -> None:
    """A practitioner's action on the handoff, ``after`` its creation."""
    session.add(
        AuditEvent(
            action=action, subject_type="handoff", subject_id=str(handoff.id), created_at=handoff.created_at + after
        )
    )


def note(session: Session, handoff: Handoff, after: timedelta) -> None:
    session.add(PractitionerNote(handoff_id=handoff.id, text="called", created_at=handoff.created_at + after))


def seed_march(session: Session, halifax: Site, truro: Site) -> dict[str, Visit]:
    """The data set: Halifax (the default site) in March 2026 with edges, declines, an unassigned participant, Truro."""
    v: dict[str, Visit] = {}
    # the first minute of 1 March in Halifax (04:00 UTC) is in; the minute before is not
    v["h1"] = visit(
        session, site=halifax, sender="h1", started_at=UTC(2026, 3, 1, 4, 0), role=WORK_SEEKER, completed=True,
        clarity=(2, 4), shared=True, status="followed_up",
    )  # fmt: skip
    v["h2"] = visit(
        session, site=halifax, sender="h2", started_at=UTC(2026, 3, 10, 12), role=WORK_SEEKER, completed=True,
        clarity=(1, 3), shared=True, status="in_review",
    )  # fmt: skip
    v["h3"] = visit(
        session, site=halifax, sender="h3", started_at=UTC(2026, 3, 15, 12), role=EMPLOYER, completed=True,
        clarity=(4, 5), shared=True, status="in_review",
    )  # fmt: skip
    v["h4"] = visit(
        session, site=halifax, sender="h4", started_at=UTC(2026, 3, 20, 12), role=EMPLOYER, completed=True,
        clarity=(5, 4), shared=True, withdrawn=True,
    )  # fmt: skip
    # h4 changed its clarity after from 4 to 1: only the current answer counts
    session.query(Answer).filter(Answer.run_id == v["h4"].run.id, Answer.question_id == "clarity_after").update(
        {"superseded_at": UTC(2026, 3, 20, 13)}
    )
    session.add(Answer(run_id=v["h4"].run.id, question_id="clarity_after", text="1", value="1", channel="rest"))
    # the last minute of 31 March in Halifax (daylight time, UTC-3) is in
    v["h5"] = visit(session, site=halifax, sender="h5", started_at=UTC(2026, 4, 1, 2, 59), role=WORK_SEEKER)
    v["h6"] = visit(
        session, site=halifax, sender="h6", started_at=UTC(2026, 3, 5, 12), role=WORK_SEEKER, completed=True,
        clarity=(None, 4),
    )  # fmt: skip
    v["d1"] = visit(session, site=halifax, sender="d1", started_at=UTC(2026, 3, 2, 12), role=None, consent=False)
    v["d2"] = visit(
        session, site=halifax, sender="d2", started_at=UTC(2026, 3, 3, 12), role=None, consent=False,
        participant_role=EMPLOYER,
    )  # fmt: skip
    v["pending"] = visit(session, site=halifax, sender="p", started_at=UTC(2026, 3, 4, 12), role=None, consent=None)
    v["u1"] = visit(session, site=None, sender="u1", started_at=UTC(2026, 3, 12, 12), role=EMPLOYER)
    v["out_before"] = visit(
        session, site=halifax, sender="ob", started_at=UTC(2026, 3, 1, 3, 59), role=WORK_SEEKER, completed=True,
        clarity=(1, 5), shared=True,
    )  # fmt: skip
    v["out_after"] = visit(session, site=halifax, sender="oa", started_at=UTC(2026, 4, 1, 3, 0), role=WORK_SEEKER)
    v["t1"] = visit(
        session, site=truro, sender="t1", started_at=UTC(2026, 3, 10, 12), role=WORK_SEEKER, completed=True,
        clarity=(3, 4), shared=True, status="in_review",
    )  # fmt: skip
    # Work seekers' "sure of a good match": h1 2 -> 4, h2 3 -> 3; h6 skipped the first, so it is not a pair.
    for key, before, after in (("h1", "2", "4"), ("h2", "3", "3"), ("h6", "skip", "5")):
        answer(session, v[key], "confidence_before", before, None if before == "skip" else before)
        answer(session, v[key], "confidence_after", after, after)
    # The closing question: h1 and h3 describe a change, h2 says nothing, h4 skipped it, h6 was never asked;
    # out of the period and at Truro, changes that the Halifax March report must not count.
    for key, words in (
        ("h1", "I know now what to ask for"),
        ("h2", "Nothing."),
        ("h3", "We rewrote the job ad"),
        ("h4", "skip"),
        ("out_before", "A lot clearer"),
        ("t1", "Much clearer"),
    ):
        answer(session, v[key], "closing_reflection", words)
    session.flush()
    h1, h2, h3 = (v[k].handoff for k in ("h1", "h2", "h3"))
    assert h1 is not None and h2 is not None and h3 is not None
    audit(session, h1, "summary_viewed", timedelta(minutes=10))  # viewing is not contact
    audit(session, h1, "handoff_claimed", timedelta(hours=2))  # first contact: 120 minutes
    audit(session, h1, "status_followed_up", timedelta(days=3))
    note(session, h2, timedelta(hours=6))  # a note alone (no audit row): 360 minutes
    audit(session, h2, "note_added", timedelta(hours=7))
    audit(session, h3, "status_in_review", timedelta(minutes=30))  # 30 minutes
    out_handoff, truro_handoff = v["out_before"].handoff, v["t1"].handoff
    assert out_handoff is not None and truro_handoff is not None
    audit(session, out_handoff, "handoff_claimed", timedelta(minutes=5))
    audit(session, truro_handoff, "handoff_claimed", timedelta(minutes=1))
    session.flush()
    return v
