"""Handoff notices: put in the outbox with the handoff, emailed by the worker to a real local SMTP server (a link
only, to the right people), retried while SMTP is down, sent once the worker comes back; nothing without SMTP_HOST."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.staff import notify
from bot.store import erasure, inbound_claims, outbox
from bot.store import staff_repository as staff_repo
from bot.store.models import CASE_MANAGER, EES, EMPLOYER, WORK_SEEKER, Participant, utcnow
from bot.store.outbox_models import OUTBOX_CANCELLED, OUTBOX_FAILED, OUTBOX_PENDING, OUTBOX_SENT
from bot.worker.runner import Worker
from tests.staff.conftest import SmtpServer
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.support.stack import free_port

WORDS = {"skills": "I fix forklifts <b>fast</b>", "pay": "at least $22/hour", "culture": "a kind boss"}


@pytest.fixture
def smtp_env(smtp_server: SmtpServer, monkeypatch: pytest.MonkeyPatch, db_url: str):
    monkeypatch.setenv("SMTP_HOST", smtp_server.host)
    monkeypatch.setenv("SMTP_PORT", str(smtp_server.port))
    monkeypatch.setenv("SMTP_FROM", "bot@staff.example.org")
    monkeypatch.setenv("PUBLIC_BASE_URL", "https://staff.example.org/")
    get_settings.cache_clear()
    smtp_server.mailbox.messages.clear()
    yield smtp_server
    get_settings.cache_clear()


class Clock:
    """A controllable clock for the worker (retry times)."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now


def handoff_with_notices(session: Session, role: str = WORK_SEEKER, sender: str = "+19025550199") -> int:
    """A handoff and its notices, written in one transaction as the action server does."""
    site = add_site(session, "default", "Halifax Works")
    add_account(session, Account("cm1@x.example", CASE_MANAGER, "default"))
    add_account(session, Account("cm2@x.example", CASE_MANAGER, "default"))
    add_account(session, Account("ees@x.example", EES, "default"))
    handoff = seed_handoff(session, site=site, role=role, sender=sender, words=WORDS)
    notify.enqueue_notices(session=session, handoff_id=handoff.id)
    session.commit()
    return int(handoff.id)


def statuses(session: Session) -> list[tuple[str, str, int]]:
    session.expire_all()
    return [(row.recipient_key, row.status, row.attempts) for row in outbox.messages(session=session)]


def test_the_worker_emails_the_link_and_none_of_the_answers(smtp_env: SmtpServer, session: Session) -> None:
    handoff_id = handoff_with_notices(session)
    assert statuses(session) == [("email:cm1@x.example", OUTBOX_PENDING, 0), ("email:cm2@x.example", OUTBOX_PENDING, 0)]
    assert smtp_env.mailbox.messages == []  # nothing is sent from the turn itself

    done = Worker().run_once()
    assert (done.sent, done.retried, done.failed) == (2, 0, 0)
    received = smtp_env.mailbox.wait_for(2)
    assert sorted(r for rcpts, _ in received for r in rcpts) == ["cm1@x.example", "cm2@x.example"]
    rows = outbox.messages(session=session)
    for rcpts, message in received:
        assert message["To"] == rcpts[0]  # one email each: nobody sees the other addresses
        assert message["From"] == "bot@staff.example.org"
        assert message["Subject"] == "New Magnetic Factors summary to review"
        assert message["Message-ID"] in {row.provider_id for row in rows}
        body = message.get_content()
        assert f"https://staff.example.org/staff/handoffs/{handoff_id}" in body
        assert "from a work seeker was shared with Halifax Works" in body
        for words in [*WORDS.values(), "+19025550199", "Strength", "forklift"]:
            assert words not in body
    assert statuses(session) == [("email:cm1@x.example", OUTBOX_SENT, 1), ("email:cm2@x.example", OUTBOX_SENT, 1)]
    assert Worker().run_once().handled == 0  # delivered once: a second pass sends nothing
    assert smtp_env.mailbox.received() == 2


def test_an_employer_handoff_goes_to_the_sites_ees(smtp_env: SmtpServer, session: Session) -> None:
    handoff_with_notices(session, role=EMPLOYER, sender="emp")
    Worker().run_once()
    received = smtp_env.mailbox.wait_for(1)
    assert [r for r, _ in received] == [["ees@x.example"]]
    assert "from an employer" in received[0][1].get_content()


def test_without_smtp_host_nothing_is_queued_or_sent(
    smtp_server: SmtpServer, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()
    smtp_server.mailbox.messages.clear()
    handoff_with_notices(session)
    assert outbox.messages(session=session) == []
    assert Worker().run_once().handled == 0
    assert smtp_server.mailbox.messages == []
    get_settings.cache_clear()


def test_while_smtp_is_down_notices_wait_with_backoff_and_go_out_when_it_is_back(
    smtp_env: SmtpServer, session: Session, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    handoff_with_notices(session)
    monkeypatch.setenv("SMTP_PORT", str(free_port()))  # nothing listens there
    get_settings.cache_clear()
    clock = Clock()
    worker = Worker(clock=clock)
    assert worker.run_once().retried == 2
    assert worker.run_once().handled == 0  # not due again yet
    clock.now += outbox.retry_delay(1) + timedelta(seconds=1)
    assert worker.run_once().retried == 2
    assert statuses(session) == [("email:cm1@x.example", OUTBOX_PENDING, 2), ("email:cm2@x.example", OUTBOX_PENDING, 2)]
    logged = [r.getMessage() for r in caplog.records if r.name == "bot.worker.runner"]
    assert any("attempt 2 failed (ConnectionRefusedError), will retry" in line for line in logged)
    assert not [line for line in logged if "x.example" in line]  # no address in the log

    monkeypatch.setenv("SMTP_PORT", str(smtp_env.port))  # the mail server is back
    get_settings.cache_clear()
    clock.now += outbox.retry_delay(2) + timedelta(seconds=1)
    assert worker.run_once().sent == 2
    assert smtp_env.mailbox.wait_for(2) and smtp_env.mailbox.received() == 2
    assert statuses(session) == [("email:cm1@x.example", OUTBOX_SENT, 3), ("email:cm2@x.example", OUTBOX_SENT, 3)]


def test_a_notice_that_keeps_failing_is_given_up_after_the_last_attempt(
    smtp_env: SmtpServer, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    handoff_with_notices(session)
    monkeypatch.setenv("SMTP_PORT", str(free_port()))
    get_settings.cache_clear()
    clock = Clock()
    worker = Worker(clock=clock)
    for _ in range(outbox.MAX_ATTEMPTS):
        worker.run_once()
        clock.now += outbox.LONGEST_RETRY + timedelta(seconds=1)
    assert [status for _, status, _ in statuses(session)] == [OUTBOX_FAILED, OUTBOX_FAILED]
    assert {row.last_error for row in outbox.messages(session=session)} == {"ConnectionRefusedError"}


def test_a_notice_held_by_a_worker_that_died_is_sent_once_by_the_next(smtp_env: SmtpServer, session: Session) -> None:
    handoff_with_notices(session)
    # A worker of this host took both notices and was killed before sending (no process 999999 runs here).
    dead = f"{inbound_claims.this_process().split(':')[0]}:999999:0"
    outbox.lease_due(session=session, holder=dead)
    session.commit()
    assert Worker().run_once().sent == 2  # taken over at once, not after the lease's two minutes
    assert smtp_env.mailbox.wait_for(2) and smtp_env.mailbox.received() == 2
    assert Worker().run_once().handled == 0


def test_a_notice_about_a_participant_erased_meanwhile_is_deleted_with_them(
    smtp_env: SmtpServer, session: Session
) -> None:
    handoff_id = handoff_with_notices(session)
    participant = session.get(
        Participant, staff_repo.get_handoff(session=session, handoff_id=handoff_id).run.participant_id
    )
    counts = erasure.participant_row_counts(session=session, participant_id=participant.id)
    assert counts["outbox_messages"] == 2
    erasure.delete_participant(session=session, participant=participant)
    session.commit()
    assert outbox.messages(session=session) == []
    assert Worker().run_once().handled == 0
    assert smtp_env.mailbox.messages == []


def test_a_notice_whose_handoff_has_gone_is_cancelled_not_retried(smtp_env: SmtpServer, session: Session) -> None:
    outbox.enqueue(
        session=session,
        kind=notify.HANDOFF_EMAIL,
        recipient_key="email:a@x.example",
        payload={"handoff_id": 999999, "to": "a@x.example"},
    )
    session.commit()
    assert Worker().run_once().cancelled == 1
    assert [status for _, status, _ in statuses(session)] == [OUTBOX_CANCELLED]
    assert smtp_env.mailbox.messages == []
