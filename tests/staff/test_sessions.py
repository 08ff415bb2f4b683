"""Server-side staff sessions: sign-out, a password change, deactivation and `staff end-sessions` end them at once.

The practitioner is Chromium; the replay of a saved cookie is plain HTTP (httpx), as an attacker holding it would send it.
"""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from itsdangerous import URLSafeTimedSerializer
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from starlette.requests import Request
from starlette.responses import Response

from bot.settings import get_settings
from bot.staff import sessions
from bot.store.db import session_scope
from bot.store.models import CASE_MANAGER, WORK_SEEKER, AuditEvent, Practitioner, PractitionerNote, utcnow
from bot.store.staff_models import (
    ENDED_BY_ADMIN,
    ENDED_DEACTIVATED,
    ENDED_PASSWORD_CHANGED,
    ENDED_SIGNED_OUT,
    StaffSessionRow,
)
from tests.staff.conftest import SECRET_KEY, start_web_only
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import csrf_token, sign_in
from tests.staff.test_cli import staff as staff_cli
from tests.support.browser import new_context
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

LEAVER = Account("leaver@halifax.example", CASE_MANAGER, "default")
RESET = Account("reset@halifax.example", CASE_MANAGER, "default")
BUSY = Account("busy@halifax.example", CASE_MANAGER, "default")
OFF = Account("off@halifax.example", CASE_MANAGER, "default")
NEW_PASSWORD = "a brand new long password"


class World:
    def __init__(self, web: Stack, handoff_id: int):
        self.web = web
        self.handoff_id = handoff_id

    @property
    def base(self) -> str:
        return self.web.web_url

    def account_id(self, account: Account) -> int:
        with session_scope(self.web.db_url) as session:
            return session.execute(select(Practitioner.id).where(Practitioner.email == account.email)).scalar_one()

    def session_rows(self, account: Account) -> list[StaffSessionRow]:
        with session_scope(self.web.db_url) as session:
            pid = session.execute(select(Practitioner.id).where(Practitioner.email == account.email)).scalar_one()
            return list(
                session.execute(
                    select(StaffSessionRow).where(StaffSessionRow.practitioner_id == pid).order_by(StaffSessionRow.id)
                ).scalars()
            )


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("staffsessions")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        for account in (LEAVER, RESET, BUSY, OFF):
            add_account(session, account)
        handoff_id = seed_handoff(
            session, site=halifax, role=WORK_SEEKER, sender="s-ws", words={"skills": "seeker words"}
        ).id
    web = start_web_only(workdir, db_url)
    yield World(web, handoff_id)
    web.stop_all()


def saved_cookie(page: Page) -> str:
    return next(c["value"] for c in page.context.cookies() if c["name"] == sessions.COOKIE_NAME)


def replay(world: World, cookie: str, token: str) -> tuple[httpx.Response, httpx.Response]:
    """GET the summary and POST a note with a saved cookie and its CSRF token, as a plain HTTP client."""
    with httpx.Client(base_url=world.base, cookies={sessions.COOKIE_NAME: cookie}, follow_redirects=False) as client:
        read = client.get(f"/staff/handoffs/{world.handoff_id}")
        note = client.post(
            f"/staff/handoffs/{world.handoff_id}/notes", data={"csrf_token": token, "note": "replayed note"}
        )
    return read, note


def refused(read: httpx.Response, note: httpx.Response) -> None:
    assert read.status_code == 303 and read.headers["location"].startswith("/staff/login"), read.status_code
    assert "seeker words" not in read.text
    assert note.status_code in (401, 403), note.status_code


def notes_count(world: World) -> int:
    with session_scope(world.web.db_url) as session:
        return session.execute(select(func.count()).select_from(PractitionerNote)).scalar_one()


def test_a_cookie_replayed_after_sign_out_reads_nothing_and_adds_no_note(world: World, page: Page) -> None:
    sign_in(page, world.base, LEAVER.email, LEAVER.password)
    token = csrf_token(page, world.base)
    cookie = saved_cookie(page)
    read, _ = replay(world, cookie, "")  # the saved cookie works while the session lives
    assert read.status_code == 200 and "seeker words" in read.text
    page.click("text=Sign out")
    page.wait_for_load_state()
    assert page.url.startswith(f"{world.base}/staff/login")

    refused(*replay(world, cookie, token))
    assert notes_count(world) == 0
    rows = world.session_rows(LEAVER)
    assert [(r.end_reason, r.ended_at is not None) for r in rows] == [(ENDED_SIGNED_OUT, True)]
    with session_scope(world.web.db_url) as session:
        actions = (
            session.execute(
                select(AuditEvent.action)
                .where(AuditEvent.practitioner_id == world.account_id(LEAVER))
                .order_by(AuditEvent.id)
            )
            .scalars()
            .all()
        )
    assert actions[-1] == "signed_out" and "note_added" not in actions


def test_the_database_holds_only_a_hash_of_the_session_token(world: World, page: Page) -> None:
    sign_in(page, world.base, BUSY.email, BUSY.password)
    cookie = saved_cookie(page)
    token = URLSafeTimedSerializer(SECRET_KEY, salt="mf-staff-session").loads(cookie)["s"]
    assert len(token) >= 40
    dump = "\n".join(sqlite3.connect(world.web.db_url.split("///", 1)[1]).iterdump())
    assert token not in dump and sessions.token_hash(token) in dump


def test_a_password_change_ends_the_accounts_open_sessions(world: World, page: Page) -> None:
    sign_in(page, world.base, RESET.email, RESET.password)
    assert page.url == f"{world.base}/staff/"
    token, cookie = csrf_token(page, world.base), saved_cookie(page)
    result = staff_cli(
        world.web.db_url, "set-password", "--email", RESET.email, "--password-stdin", stdin=NEW_PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    page.goto(f"{world.base}/staff/")
    assert page.url.startswith(f"{world.base}/staff/login")
    refused(*replay(world, cookie, token))
    assert notes_count(world) == 0
    assert [r.end_reason for r in world.session_rows(RESET)] == [ENDED_PASSWORD_CHANGED]
    sign_in(page, world.base, RESET.email, NEW_PASSWORD)
    assert page.url == f"{world.base}/staff/"


def test_end_sessions_signs_an_account_out_of_every_browser(world: World, page: Page, browser: Browser) -> None:
    other = new_context(browser)
    try:
        other_page = other.new_page()
        sign_in(page, world.base, BUSY.email, BUSY.password)
        sign_in(other_page, world.base, BUSY.email, BUSY.password)
        cookies = [saved_cookie(page), saved_cookie(other_page)]
        open_before = sum(1 for r in world.session_rows(BUSY) if r.ended_at is None)
        result = staff_cli(world.web.db_url, "end-sessions", "--email", BUSY.email)
        assert result.returncode == 0, result.stderr
        assert result.stdout == f"Ended {open_before} open sessions of {BUSY.email}.\n"
        for p in (page, other_page):
            p.goto(f"{world.base}/staff/")
            assert p.url.startswith(f"{world.base}/staff/login")
        for cookie in cookies:
            refused(*replay(world, cookie, ""))
        assert {r.end_reason for r in world.session_rows(BUSY)} >= {ENDED_BY_ADMIN}
        assert all(r.ended_at is not None for r in world.session_rows(BUSY))
        sign_in(page, world.base, BUSY.email, BUSY.password)  # the account itself still works
        assert page.url == f"{world.base}/staff/"
    finally:
        other.close()
    with session_scope(world.web.db_url) as session:
        assert session.execute(
            select(AuditEvent).where(
                AuditEvent.action == "sessions_ended", AuditEvent.subject_id == str(world.account_id(BUSY))
            )
        ).first()


def test_deactivation_ends_the_accounts_sessions(world: World, page: Page) -> None:
    sign_in(page, world.base, OFF.email, OFF.password)
    cookie = saved_cookie(page)
    result = staff_cli(world.web.db_url, "deactivate", "--email", OFF.email)
    assert result.returncode == 0, result.stderr
    refused(*replay(world, cookie, ""))
    assert [r.end_reason for r in world.session_rows(OFF)] == [ENDED_DEACTIVATED]


def test_end_sessions_of_an_unknown_account_fails(world: World) -> None:
    result = staff_cli(world.web.db_url, "end-sessions", "--email", "nobody@halifax.example")
    assert result.returncode == 1 and result.stderr == "No account for nobody@halifax.example.\n"


# ---- the session rows themselves, without a browser -------------------------------------------------------------
def test_a_session_lives_until_it_ends_expires_idles_or_its_account_is_deactivated(
    session: Session, monkeypatch: pytest.MonkeyPatch
) -> None:
    add_site(session, "default", "Halifax Works")
    account = add_account(session, Account("row@x.example", CASE_MANAGER, "default"))
    state = sessions.start(db=session, practitioner=account)
    assert sessions.check(db=session, state=state)
    assert not sessions.check(
        db=session, state=sessions.signed_in(account.id, account.password_hash)
    )  # a token never stored

    real = utcnow()
    monkeypatch.setattr(sessions, "utcnow", lambda: real + timedelta(seconds=sessions.IDLE_SECONDS - 60))
    assert sessions.check(db=session, state=state)  # and the visit is noted: the idle clock restarts
    monkeypatch.setattr(sessions, "utcnow", lambda: real + timedelta(seconds=sessions.ABSOLUTE_SECONDS - 60))
    assert sessions.check(db=session, state=state)  # more than IDLE_SECONDS after signing in, but used since
    monkeypatch.setattr(sessions, "utcnow", lambda: real + timedelta(seconds=sessions.ABSOLUTE_SECONDS + 1))
    assert not sessions.check(db=session, state=state)  # past its absolute end, however busy
    monkeypatch.setattr(sessions, "utcnow", utcnow)

    idle = sessions.start(db=session, practitioner=account)
    monkeypatch.setattr(sessions, "utcnow", lambda: real + timedelta(seconds=sessions.IDLE_SECONDS + 60))
    assert not sessions.check(db=session, state=idle)
    monkeypatch.setattr(sessions, "utcnow", utcnow)

    live = sessions.start(db=session, practitioner=account)
    account.is_active = False
    session.flush()
    assert not sessions.check(db=session, state=live)
    account.is_active = True
    session.flush()
    assert sessions.check(db=session, state=live)
    assert sessions.end(db=session, state=live)
    assert not sessions.check(db=session, state=live)
    assert not sessions.end(db=session, state=live)  # already ended


def test_old_cookies_without_a_session_token_are_signed_out(clean_cookie_secret: pytest.MonkeyPatch) -> None:
    old = sessions.StaffSession(csrf="c" * 43, practitioner_id=1, fingerprint="f", signed_in_at=time.time())
    response = Response()
    sessions.write(response, old)
    match = re.search(f"{sessions.COOKIE_NAME}=([^;]+)", response.headers["set-cookie"])
    assert match is not None
    value = match.group(1)
    request = Request(
        {
            "type": "http",
            "method": "GET",
            "path": "/staff/",
            "headers": [(b"cookie", f"{sessions.COOKIE_NAME}={value}".encode())],
        }
    )
    assert sessions.decode(request) == old
    assert sessions.read(request) is None  # no token: refused without looking anything up


@pytest.fixture
def clean_cookie_secret(monkeypatch: pytest.MonkeyPatch) -> Iterator[pytest.MonkeyPatch]:
    monkeypatch.setenv("SECRET_KEY", "unit-test-secret-key")
    get_settings.cache_clear()
    yield monkeypatch
    get_settings.cache_clear()
