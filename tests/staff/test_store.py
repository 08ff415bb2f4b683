"""Staff repository against a migrated SQLite file: stats, notification recipients, deletion of every row, tracker events."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import create_engine, func, select, text
from sqlalchemy.orm import Session

from bot.staff import ratelimit
from bot.store import (
    corrections,
    erasure,
    follow_up,
    matches,
    outbox,
    provider_messages,
    repository,
    staff_stats,
    summary_links,
)
from bot.store import staff_repository as staff_repo
from bot.store.channel_records import record_outbound
from bot.store.models import (
    CASE_MANAGER,
    EES,
    EMPLOYER,
    WORK_SEEKER,
    AuditEvent,
    Base,
    ChannelIdentity,
    Handoff,
    Participant,
    ResumeCode,
    utcnow,
)
from bot.store.provider_models import ProviderMessage
from tests.staff.seed import Account, add_account, add_site, seed_handoff


def test_stats_count_started_completed_handed_off_followed_up_and_clarity(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    other = add_site(session, "truro", "Truro")
    first = seed_handoff(session, site=site, role=WORK_SEEKER, sender="a", words={}, clarity=(1, 4))
    second = seed_handoff(session, site=site, role=EMPLOYER, sender="b", words={}, clarity=(3, 3))
    seed_handoff(session, site=other, role=WORK_SEEKER, sender="c", words={}, clarity=(5, 1))
    first.run.started_at = first.run.completed_at - timedelta(minutes=10)
    second.run.started_at = second.run.completed_at - timedelta(minutes=20)
    staff_repo.set_status(session=session, handoff=second, status="followed_up")
    # an unfinished run of a participant not linked to any site yet counts for the default site only
    loose = repository.get_or_create_identity(session=session, channel="rest", external_id="loose").participant
    repository.start_run(session=session, participant=loose, channel="rest", step_id="consent")
    session.flush()

    stats = staff_stats.site_stats(session=session, site_ids=[site.id], include_unassigned=True)
    assert (stats.started, stats.completed, stats.handed_off, stats.followed_up) == (3, 2, 2, 1)
    assert stats.median_minutes_to_complete == 15.0
    assert (stats.clarity_pairs, stats.clarity_before_mean, stats.clarity_after_mean, stats.clarity_improved) == (
        2,
        2.0,
        3.5,
        1,
    )
    truro = staff_stats.site_stats(session=session, site_ids=[other.id])
    assert (truro.started, truro.completed, truro.handed_off, truro.clarity_before_mean, truro.clarity_after_mean) == (
        1,
        1,
        1,
        5.0,
        1.0,
    )
    everything = staff_stats.site_stats(session=session, site_ids=None)
    assert (everything.started, everything.handed_off) == (4, 3)


def test_recipients_are_the_sites_active_practitioners_of_the_role_or_its_override(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    other = add_site(session, "truro", "Truro")
    for account in (
        Account("cm1@x.example", CASE_MANAGER, "default"),
        Account("cm2@x.example", CASE_MANAGER, "default"),
        Account("ees@x.example", EES, "default"),
        Account("sm@x.example", "site_manager", "default"),
        Account("cm@truro.example", CASE_MANAGER, "truro"),
        Account("off@x.example", CASE_MANAGER, "default"),
    ):
        add_account(session, account)
    staff_repo.set_active(
        session=session,
        practitioner=staff_repo.find_practitioner_by_email(session=session, email="off@x.example"),
        active=False,
    )
    seeker = seed_handoff(session, site=site, role=WORK_SEEKER, sender="a", words={})
    employer = seed_handoff(session, site=site, role=EMPLOYER, sender="b", words={})
    assert staff_repo.notification_recipients(session=session, handoff=seeker) == ["cm1@x.example", "cm2@x.example"]
    assert staff_repo.notification_recipients(session=session, handoff=employer) == ["ees@x.example"]
    site.notify_emails = " team@halifax.example, lead@halifax.example ,"
    assert staff_repo.notification_recipients(session=session, handoff=seeker) == [
        "team@halifax.example",
        "lead@halifax.example",
    ]
    assert other.notify_emails is None


def _rows_per_table(session: Session) -> dict[str, int]:
    return {
        name: session.execute(select(func.count()).select_from(table)).scalar_one()
        for name, table in Base.metadata.tables.items()
    }


def test_delete_participant_removes_every_row_of_theirs_and_nothing_else(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    cm = add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    keep = seed_handoff(session, site=site, role=WORK_SEEKER, sender="keep", words={})
    gone = seed_handoff(session, site=site, role=WORK_SEEKER, sender="gone", words={"skills": "my words"})
    staff_repo.add_note(session=session, handoff=gone, practitioner=cm, note="called them")
    staff_repo.add_note(session=session, handoff=keep, practitioner=cm, note="keep me")
    for handoff in (gone, keep):  # each handoff's follow-up: an assignment, a contact attempt, a kept note draft
        follow_up.assign(session=session, handoff=handoff, to=cm, by=cm)
        follow_up.record_attempt(session=session, handoff=handoff, practitioner=cm, outcome="no_answer")
        follow_up.keep_draft(session=session, practitioner_id=cm.id, handoff_id=handoff.id, text="unsaved")
    participant = staff_repo.participant_of_handoff(session=session, handoff=gone)
    session.add(ChannelIdentity(participant_id=participant.id, channel="twilio_sms", external_id="+19025550123"))
    session.add(ResumeCode(participant_id=participant.id, code_hash="h" * 64, expires_at=utcnow()))
    session.flush()
    record_outbound(session=session, channel="twilio_sms", external_id="+19025550123", characters=100, segments=1)
    record_outbound(session=session, channel="rest", external_id="keep", characters=10, segments=1)
    for handoff in (gone, keep):  # each run's own summary link
        summary_links.link_token(session=session, run=handoff.run, secret_key="k", days=30)
    for handoff in (gone, keep):  # a staff correction of each summary
        corrections.correct(
            session=session,
            summary=handoff.summary,
            practitioner=cm,
            factor="pay",
            field="reflection",
            new_value="corrected",
            reason="asked",
            rating_label=None,
            marked_on="2026-03-02",
            text_of=lambda body: "text",
        )
    employer = seed_handoff(session, site=site, role=EMPLOYER, sender="employer", words={})
    for handoff in (gone, keep):  # each work seeker matched with the employer, one step recorded on each match
        match = matches.start(session=session, seeker=handoff, employer=employer, practitioner=cm)
        matches.record(session=session, match=match, practitioner=cm, stage="introduced", happened_on=None, note="x")
    for owner in (participant.id, None):  # the participant's queued reminder, and a notice of no one's
        outbox.enqueue(session=session, kind="reminder", recipient_key="k", payload={}, participant_id=owner)
    sms = repository.find_identity(session=session, channel="twilio_sms", external_id="+19025550123")
    for sid in ("SM" + "1" * 32, "SM" + "2" * 32):  # Twilio SIDs: the first one's copy deleted there already
        provider_messages.record(session=session, sid=sid, direction="outbound", identity_id=sms.id)
    session.query(ProviderMessage).filter_by(sid="SM" + "1" * 32).update({"deleted_at": utcnow()})
    counts = erasure.participant_row_counts(session=session, participant_id=participant.id)
    assert counts == {
        "participants": 1,
        "channel_identities": 2,
        "activity_runs": 1,
        "answers": 15,
        "summaries": 1,
        "summary_links": 1,
        "answer_corrections": 1,
        "consent_records": 1,
        "handoffs": 1,
        "practitioner_notes": 1,
        "contact_attempts": 1,
        "handoff_assignments": 1,
        "note_drafts": 1,
        "resume_codes": 1,
        "outbound_messages": 1,
        "outbox_messages": 1,
        "provider_messages": 1,  # the other record stays, unlinked, until its copy at Twilio is deleted
        "matches": 1,  # their match with the employer (the employer's record of it goes too); the other stays
        "match_events": 2,
    }
    before = _rows_per_table(session)

    sender_ids = erasure.delete_participant(session=session, participant=participant)

    assert sorted(sender_ids) == ["+19025550123", "gone"]
    after = _rows_per_table(session)
    expected = {table: before[table] - counts.get(table, 0) for table in before}
    assert after == expected
    assert erasure.participant_row_counts(session=session, participant_id=participant.id) == {k: 0 for k in counts}
    assert session.get(Handoff, keep.id) is not None
    left = session.query(ProviderMessage).one()
    assert (left.sid, left.identity_id, left.erased_at is not None) == ("SM" + "2" * 32, None, True)
    assert sorted(session.execute(select(Participant.public_id)).scalars().all()) == sorted(
        staff_repo.participant_of_handoff(session=session, handoff=h).public_id for h in (keep, employer)
    )


def test_delete_tracker_events_removes_only_those_senders(tmp_path) -> None:
    url = f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE events (id INTEGER PRIMARY KEY, sender_id VARCHAR(255), data TEXT)"))
        for sender in ("gone", "gone", "+19025550123", "keep"):
            connection.execute(text("INSERT INTO events (sender_id, data) VALUES (:s, '{}')"), {"s": sender})
    assert erasure.delete_tracker_events(url=url, sender_ids=["gone", "+19025550123"]) == 3
    with engine.connect() as connection:
        assert connection.execute(text("SELECT sender_id FROM events")).scalars().all() == ["keep"]
    engine.dispose()
    empty = f"sqlite:///{tmp_path / 'no_events.sqlite3'}"
    create_engine(empty).connect().close()
    assert erasure.delete_tracker_events(url=empty, sender_ids=["gone"]) == 0


def test_address_limit_is_separate_from_the_email_limit(session: Session, monkeypatch: pytest.MonkeyPatch) -> None:
    for i in range(ratelimit.MAX_FAILURES_PER_ADDRESS - 1):
        ratelimit.record(session=session, keys=ratelimit.keys_for(f"user{i}@x.example", "10.0.0.1"), succeeded=False)
    assert not ratelimit.is_limited(session=session, keys=ratelimit.keys_for("new@x.example", "10.0.0.1"))
    ratelimit.record(session=session, keys=ratelimit.keys_for("last@x.example", "10.0.0.1"), succeeded=False)
    assert ratelimit.is_limited(session=session, keys=ratelimit.keys_for("new@x.example", "10.0.0.1"))
    assert not ratelimit.is_limited(session=session, keys=ratelimit.keys_for("new@x.example", "10.0.0.2"))
    # failures older than the window no longer count
    later = utcnow() + ratelimit.WINDOW + timedelta(seconds=1)
    monkeypatch.setattr(ratelimit, "utcnow", lambda: later)
    assert not ratelimit.is_limited(session=session, keys=ratelimit.keys_for("new@x.example", "10.0.0.1"))


def test_rate_limit_keys_never_hold_the_email(session: Session) -> None:
    keys = ratelimit.keys_for("Someone@Example.org", "10.0.0.9")
    assert "someone" not in keys.email.lower() and keys.email == ratelimit.keys_for("someone@example.org ", "x").email
    assert keys.address == "ip:10.0.0.9"


def test_audit_rows_hold_ids_only(session: Session) -> None:
    cm = add_account(session, Account("cm@x.example", CASE_MANAGER, None))
    event = staff_repo.audit(
        session=session, practitioner=cm, action="summary_viewed", subject_type="handoff", subject_id="7"
    )
    assert (event.practitioner_id, event.action, event.subject_type, event.subject_id) == (
        cm.id,
        "summary_viewed",
        "handoff",
        "7",
    )
    assert set(AuditEvent.__table__.columns.keys()) == {
        "id",
        "practitioner_id",
        "action",
        "subject_type",
        "subject_id",
        "created_at",
    }


def test_tracker_url_only_when_configured_and_present(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    from bot.settings import get_settings
    from bot.staff.tracker import tracker_database_url

    def url_for(value: str) -> str | None:
        monkeypatch.setenv("TRACKER_DATABASE_URL", value)
        get_settings.cache_clear()
        return tracker_database_url()

    try:
        assert url_for("") is None
        assert url_for(f"sqlite:///{tmp_path / 'missing.sqlite3'}") is None
        assert not (tmp_path / "missing.sqlite3").exists()
        (tmp_path / "tracker.sqlite3").touch()
        assert url_for(f"sqlite:///{tmp_path / 'tracker.sqlite3'}") == f"sqlite:///{tmp_path / 'tracker.sqlite3'}"
        assert url_for("postgresql://bot@db/bot") == "postgresql://bot@db/bot"
    finally:
        get_settings.cache_clear()
