"""Repository functions on the real SQLite file database: identities, runs, answer history, consent, handoffs."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from bot.store import repository
from bot.store.db import session_scope
from bot.store.models import (
    EMPLOYER,
    HANDOFF_NEW,
    RUN_COMPLETED,
    RUN_PAUSED,
    WORK_SEEKER,
    ActivityRun,
    Answer,
    ChannelIdentity,
    ConsentRecord,
    Handoff,
    InviteCode,
    Participant,
    utcnow,
)


def _run(session: Session, *, role: str | None = WORK_SEEKER, external_id: str = "sender-1") -> ActivityRun:
    participant = repository.get_or_create_identity(
        session=session, channel="rest", external_id=external_id
    ).participant
    participant.role = role
    return repository.start_run(session=session, participant=participant, channel="rest", step_id="clarity_before")


def _count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


def test_get_or_create_identity_returns_the_same_participant(session: Session) -> None:
    first = repository.get_or_create_identity(session=session, channel="rest", external_id="abc")
    again = repository.get_or_create_identity(session=session, channel="rest", external_id="abc")
    assert again.id == first.id and again.participant_id == first.participant_id
    assert len(first.participant.public_id) == 32
    assert _count(session, Participant) == 1


def test_same_external_id_on_another_channel_is_another_participant(session: Session) -> None:
    rest = repository.get_or_create_identity(session=session, channel="rest", external_id="42")
    telegram = repository.get_or_create_identity(session=session, channel="telegram", external_id="42")
    assert rest.participant_id != telegram.participant_id
    assert repository.find_identity(session=session, channel="twilio", external_id="42") is None


def test_identity_survives_a_new_session(db_url: str) -> None:
    with session_scope(db_url) as s:
        participant_id = repository.get_or_create_identity(session=s, channel="rest", external_id="keep").participant_id
    with session_scope(db_url) as s:
        found = repository.find_identity(session=s, channel="rest", external_id="keep")
        assert found is not None and found.participant_id == participant_id


def test_duplicate_identity_is_refused_by_the_database(session: Session) -> None:
    participant = repository.get_or_create_identity(session=session, channel="rest", external_id="dup").participant
    session.add(ChannelIdentity(participant_id=participant.id, channel="rest", external_id="dup"))
    with pytest.raises(IntegrityError):
        session.flush()


def test_start_run_copies_role_and_open_run_finds_it(session: Session) -> None:
    run = _run(session, role=EMPLOYER)
    participant = session.get(Participant, run.participant_id)
    assert (run.role, run.status, run.step_id, len(run.public_id)) == (EMPLOYER, "active", "clarity_before", 32)
    assert repository.open_run(session=session, participant=participant) is run
    run.status = RUN_PAUSED
    assert repository.open_run(session=session, participant=participant) is run
    run.status = RUN_COMPLETED
    assert repository.open_run(session=session, participant=participant) is None
    assert repository.latest_run(session=session, participant=participant) is run


def test_save_answer_keeps_text_verbatim(session: Session) -> None:
    run = _run(session)
    text = '  I need to stop working nights,\n"really" 🙂 <b>é</b>  '
    repository.save_answer(
        session=session,
        run=run,
        question_id="work_arrangements_reflection",
        text=text,
        channel="rest",
        factor="work_arrangements",
    )
    session.commit()
    session.expire_all()
    stored = session.execute(select(Answer)).scalar_one()
    assert (stored.text, stored.factor, stored.channel, stored.skipped, stored.superseded_at) == (
        text,
        "work_arrangements",
        "rest",
        False,
        None,
    )


def test_changed_answer_keeps_the_superseded_version(session: Session) -> None:
    run = _run(session)
    first = repository.save_answer(
        session=session, run=run, question_id="skills_reflection", text="first", channel="rest"
    )
    other = repository.save_answer(session=session, run=run, question_id="pay_reflection", text="pay", channel="rest")
    second = repository.save_answer(
        session=session, run=run, question_id="skills_reflection", text="second", channel="twilio"
    )
    third = repository.save_answer(
        session=session, run=run, question_id="skills_reflection", text="third", channel="rest"
    )
    session.commit()
    session.expire_all()
    history = repository.answer_history(session=session, run=run)
    assert [(a.id, a.text) for a in history] == [
        (first.id, "first"),
        (other.id, "pay"),
        (second.id, "second"),
        (third.id, "third"),
    ]
    assert history[0].superseded_at == second.created_at
    assert history[2].superseded_at == third.created_at
    assert history[1].superseded_at is None and history[3].superseded_at is None


def test_current_answers_are_the_latest_per_question(session: Session) -> None:
    run = _run(session)
    repository.save_answer(session=session, run=run, question_id="clarity_before", text="2", channel="rest", value="2")
    repository.save_answer(
        session=session, run=run, question_id="skills_choice", text="stressor", channel="rest", value="stressor"
    )
    repository.save_answer(session=session, run=run, question_id="clarity_before", text="3", channel="rest", value="3")
    repository.save_answer(
        session=session, run=run, question_id="pay_reflection", text="skip", channel="rest", skipped=True
    )
    current = repository.current_answers(session=session, run=run)
    assert list(current) == ["skills_choice", "clarity_before", "pay_reflection"]
    assert current["clarity_before"].value == "3"
    assert current["pay_reflection"].skipped is True


def test_answers_of_another_run_are_untouched(session: Session) -> None:
    run_a = _run(session, external_id="a")
    run_b = _run(session, external_id="b")
    repository.save_answer(session=session, run=run_a, question_id="q", text="a1", channel="rest")
    repository.save_answer(session=session, run=run_b, question_id="q", text="b1", channel="rest")
    repository.save_answer(session=session, run=run_a, question_id="q", text="a2", channel="rest")
    assert repository.current_answers(session=session, run=run_b)["q"].text == "b1"
    assert [a.superseded_at is None for a in repository.answer_history(session=session, run=run_b)] == [True]


def test_answer_is_visible_to_another_session_after_commit(db_url: str) -> None:
    with session_scope(db_url) as s:
        run_id = _run(s).id
        repository.save_answer(session=s, run=s.get(ActivityRun, run_id), question_id="q", text="saved", channel="rest")
    with session_scope(db_url) as s:
        assert repository.current_answers(session=s, run=s.get(ActivityRun, run_id))["q"].text == "saved"


def test_consent_record_keeps_wording_and_answer(session: Session) -> None:
    run = _run(session)
    participant = session.get(Participant, run.participant_id)
    wording = "Can we share your summary with a Case Manager at your site? Reply YES or NO."
    repository.record_consent(
        session=session,
        participant=participant,
        run=None,
        kind="participate",
        granted=True,
        wording="OK to start?",
        channel="rest",
    )
    repository.record_consent(
        session=session,
        participant=participant,
        run=run,
        kind="share",
        granted=False,
        wording=wording,
        channel="twilio",
    )
    session.commit()
    records = session.execute(select(ConsentRecord).order_by(ConsentRecord.id)).scalars().all()
    assert [(r.kind, r.granted, r.run_id, r.channel) for r in records] == [
        ("participate", True, None, "rest"),
        ("share", False, run.id, "twilio"),
    ]
    assert records[1].wording == wording and records[1].created_at is not None


@pytest.mark.parametrize(("role", "audience"), [(WORK_SEEKER, "case_manager"), (EMPLOYER, "ees")])
def test_handoff_goes_to_the_follow_up_role(session: Session, role: str, audience: str) -> None:
    default = repository.get_or_create_site(session=session, code="default", name="Demo")
    run = _run(session, role=role)
    summary = repository.save_summary(session=session, run=run, body={"strengths": []}, text="summary")
    handoff = repository.create_handoff(session=session, run=run, summary=summary, default_site=default)
    assert (handoff.audience, handoff.status, handoff.site_id, handoff.summary_id) == (
        audience,
        HANDOFF_NEW,
        default.id,
        summary.id,
    )
    assert session.get(Participant, run.participant_id).site_id == default.id
    assert summary.confirmed_at is not None


def test_handoff_keeps_the_participants_own_site(session: Session) -> None:
    default = repository.get_or_create_site(session=session, code="default", name="Demo")
    own = repository.get_or_create_site(session=session, code="truro", name="Truro")
    run = _run(session)
    session.get(Participant, run.participant_id).site_id = own.id
    summary = repository.save_summary(session=session, run=run, body={}, text="s")
    assert repository.create_handoff(session=session, run=run, summary=summary, default_site=default).site_id == own.id


def test_handoff_is_idempotent(session: Session) -> None:
    default = repository.get_or_create_site(session=session, code="default", name="Demo")
    run = _run(session)
    first_summary = repository.save_summary(session=session, run=run, body={}, text="one")
    first = repository.create_handoff(session=session, run=run, summary=first_summary, default_site=default)
    confirmed = first_summary.confirmed_at
    second_summary = repository.save_summary(session=session, run=run, body={}, text="two")
    again = repository.create_handoff(session=session, run=run, summary=second_summary, default_site=default)
    session.commit()
    assert again.id == first.id and again.summary_id == first_summary.id
    assert _count(session, Handoff) == 1
    assert first_summary.confirmed_at == confirmed
    assert repository.latest_summary(session=session, run=run).text == "two"


def test_get_or_create_site_is_idempotent(session: Session) -> None:
    site = repository.get_or_create_site(session=session, code="halifax", name="Halifax")
    assert repository.get_or_create_site(session=session, code="halifax", name="Other name").id == site.id
    assert site.name == "Halifax"


def test_find_invite_ignores_expired_codes(session: Session) -> None:
    site = repository.get_or_create_site(session=session, code="halifax", name="Halifax")
    session.add_all(
        [
            InviteCode(code="fresh", site_id=site.id, expires_at=utcnow() + timedelta(days=1)),
            InviteCode(code="forever", site_id=site.id),
            InviteCode(code="old", site_id=site.id, expires_at=utcnow() - timedelta(seconds=1)),
        ]
    )
    session.flush()
    assert repository.find_invite(session=session, code="fresh").site_id == site.id
    assert repository.find_invite(session=session, code="forever") is not None
    assert repository.find_invite(session=session, code="old") is None
    assert repository.find_invite(session=session, code="nope") is None


def test_deleting_a_participant_deletes_their_runs_and_answers(session: Session) -> None:
    run = _run(session)
    repository.save_answer(session=session, run=run, question_id="q", text="t", channel="rest")
    session.commit()
    session.delete(session.get(Participant, run.participant_id))
    session.commit()
    assert (_count(session, ActivityRun), _count(session, Answer), _count(session, ChannelIdentity)) == (0, 0, 0)
