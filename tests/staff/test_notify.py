"""Handoff emails to a real local SMTP server: a link only, to the right people; nothing without SMTP_HOST."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.staff import notify
from bot.store.models import CASE_MANAGER, EES, EMPLOYER, WORK_SEEKER
from tests.staff.conftest import SmtpServer
from tests.staff.seed import Account, add_account, add_site, seed_handoff

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


def test_email_has_the_link_and_none_of_the_answers(smtp_env: SmtpServer, session: Session) -> None:
    site = add_site(session, "default", "Halifax Works")
    add_account(session, Account("cm1@x.example", CASE_MANAGER, "default"))
    add_account(session, Account("cm2@x.example", CASE_MANAGER, "default"))
    add_account(session, Account("ees@x.example", EES, "default"))
    handoff = seed_handoff(session, site=site, role=WORK_SEEKER, sender="+19025550199", words=WORDS)
    session.commit()

    assert notify.notify_handoff(handoff.id) == 2

    received = smtp_env.mailbox.wait_for(2)
    assert sorted(r for rcpts, _ in received for r in rcpts) == ["cm1@x.example", "cm2@x.example"]
    for rcpts, message in received:
        assert message["To"] == rcpts[0]  # one email each: nobody sees the other addresses
        assert message["From"] == "bot@staff.example.org"
        assert message["Subject"] == "New Magnetic Factors summary to review"
        body = message.get_content()
        assert f"https://staff.example.org/staff/handoffs/{handoff.id}" in body
        assert "from a work seeker was shared with Halifax Works" in body
        for words in [*WORDS.values(), "+19025550199", "Strength", "forklift"]:
            assert words not in body


def test_employer_handoff_goes_to_the_sites_ees(
    smtp_env: SmtpServer, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    site = add_site(session, "default", "Halifax Works")
    add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    add_account(session, Account("ees@x.example", EES, "default"))
    handoff = seed_handoff(session, site=site, role=EMPLOYER, sender="emp", words=WORDS)
    session.commit()
    done = threading.Event()
    original = notify.notify_handoff
    notify_calls = []

    def spy(handoff_id: int, settings=None) -> int:
        notify_calls.append(threading.current_thread().name)
        try:
            return original(handoff_id, settings)
        finally:
            done.set()

    monkeypatch.setattr(notify, "notify_handoff", spy)
    notify.notify_handoff_async(handoff.id)
    assert done.wait(20)
    received = smtp_env.mailbox.wait_for(1)
    assert [r for r, _ in received] == [["ees@x.example"]]
    assert "from an employer" in received[0][1].get_content()
    assert notify_calls == [f"notify-handoff-{handoff.id}"]  # sent from the background thread


def test_without_smtp_host_nothing_is_sent(
    smtp_server: SmtpServer, session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SMTP_HOST", "")
    get_settings.cache_clear()
    smtp_server.mailbox.messages.clear()
    site = add_site(session, "default", "Halifax Works")
    add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    handoff = seed_handoff(session, site=site, role=WORK_SEEKER, sender="a", words=WORDS)
    session.commit()
    before = threading.active_count()
    notify.notify_handoff_async(handoff.id)
    assert threading.active_count() == before
    assert notify.notify_handoff(handoff.id) == 0
    assert smtp_server.mailbox.messages == []
    get_settings.cache_clear()


def test_unreachable_smtp_server_is_logged_without_raising(
    session: Session, monkeypatch: pytest.MonkeyPatch, caplog
) -> None:
    from tests.support.stack import free_port

    monkeypatch.setenv("SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("SMTP_PORT", str(free_port()))  # nothing listens there
    get_settings.cache_clear()
    site = add_site(session, "default", "Halifax Works")
    add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    handoff = seed_handoff(session, site=site, role=WORK_SEEKER, sender="a", words=WORDS)
    session.commit()
    notify._notify_safely(handoff.id)
    assert [r.getMessage() for r in caplog.records if r.name == "bot.staff.notify"] == [
        f"handoff {handoff.id}: notification failed (ConnectionRefusedError)"
    ]
    get_settings.cache_clear()
