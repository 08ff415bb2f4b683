"""Sign-in throttling that cannot be turned against staff, against the real web app process.

The web app believes X-Forwarded-For from 127.0.0.1 (TRUSTED_PROXIES), so each client below comes from its own
address. The attacker is a plain HTTP client; the real practitioner is Chromium.
"""

from __future__ import annotations

import re
import sqlite3
from datetime import timedelta
from pathlib import Path
from typing import Iterator

import httpx
import pytest
from playwright.sync_api import Browser
from sqlalchemy import select, update
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.staff import ratelimit
from bot.store.db import session_scope
from bot.store.models import CASE_MANAGER, AuditEvent, LoginAttempt, Practitioner, utcnow
from tests.staff.conftest import SECRET_KEY, start_web_only
from tests.staff.seed import Account, add_account, add_site
from tests.staff.staffpage import sign_in
from tests.staff.test_cli import staff as staff_cli
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

TARGET = Account("target@halifax.example", CASE_MANAGER, "default")
GROWING = Account("growing@halifax.example", CASE_MANAGER, "default")
AUDITED = Account("audited@halifax.example", CASE_MANAGER, "default")
UNLOCKED = Account("unlocked@halifax.example", CASE_MANAGER, "default")
ACCOUNTS = (TARGET, GROWING, AUDITED, UNLOCKED)
WRONG = "Wrong-Password-Marker-9137"
UNKNOWN_EMAIL = "not-an-account-4242@halifax.example"
NEW_PASSWORD = "a brand new long password"


class World:
    def __init__(self, web: Stack, workdir: Path):
        self.web = web
        self.workdir = workdir

    @property
    def base(self) -> str:
        return self.web.web_url

    def account_id(self, account: Account) -> int:
        with session_scope(self.web.db_url) as session:
            return session.execute(select(Practitioner.id).where(Practitioner.email == account.email)).scalar_one()

    def time_passes(self, seconds: int) -> None:
        """Move every recorded sign-in attempt ``seconds`` into the past (as if the attacker had waited)."""
        with session_scope(self.web.db_url) as session:
            for attempt in session.execute(select(LoginAttempt)).scalars():
                attempt.created_at -= timedelta(seconds=seconds)

    def audit(self, action: str, subject_type: str, subject_id: str) -> list[AuditEvent]:
        with session_scope(self.web.db_url) as session:
            return list(
                session.execute(
                    select(AuditEvent).where(
                        AuditEvent.action == action,
                        AuditEvent.subject_type == subject_type,
                        AuditEvent.subject_id == subject_id,
                    )
                ).scalars()
            )

    def database_dump(self) -> str:
        return "\n".join(sqlite3.connect(self.web.db_url.split("///", 1)[1]).iterdump())


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("staffthrottle")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        add_site(session, "default", "Halifax Works")
        for account in ACCOUNTS:
            add_account(session, account)
    web = start_web_only(workdir, db_url, TRUSTED_PROXIES="127.0.0.1")
    yield World(web, workdir)
    web.stop_all()


@pytest.fixture(autouse=True)
def same_secret_as_the_web_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The keyed hashes (address digests in the audit) are computed here with the web app's secret."""
    monkeypatch.setenv("SECRET_KEY", SECRET_KEY)
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


class Client:
    """A plain HTTP client signing in from ``address`` (sent as X-Forwarded-For through the trusted proxy)."""

    def __init__(self, base: str, address: str):
        self.http = httpx.Client(base_url=base, headers={"X-Forwarded-For": address}, follow_redirects=False)

    def attempt(self, email: str, password: str) -> httpx.Response:
        form = self.http.get("/staff/login")
        match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
        assert match is not None, form.text
        return self.http.post(
            "/staff/login", data={"csrf_token": match.group(1), "email": email, "password": password, "next": "/staff/"}
        )

    def close(self) -> None:
        self.http.close()


_attackers = iter(range(1, 255))


@pytest.fixture
def attacker(world: World) -> Iterator[Client]:
    """An attacker at an address of its own in each test (so the address's own limit stays out of the way)."""
    client = Client(world.base, f"203.0.113.{next(_attackers)}")
    yield client
    client.close()


def throttle(client: Client, email: str) -> None:
    """Five wrong passwords: the fifth starts a one-minute wait."""
    for _ in range(ratelimit.FREE_FAILURES_PER_ACCOUNT):
        response = client.attempt(email, WRONG)
        assert response.status_code == 401, response.status_code
        assert "do not match an active account" in response.text


def assert_waits(response: httpx.Response, seconds: int) -> None:
    assert response.status_code == 429
    assert seconds - 10 <= int(response.headers["retry-after"]) <= seconds, response.headers["retry-after"]


def test_an_attackers_wrong_passwords_do_not_stop_the_practitioner_signing_in_elsewhere(
    world: World, attacker: Client, browser: Browser
) -> None:
    throttle(attacker, TARGET.email)
    refused = attacker.attempt(
        TARGET.email, TARGET.password
    )  # even the right password waits, from the attacker's address
    assert_waits(refused, 60)
    assert "Too many sign-in attempts" in refused.text and "wait 1 minute" in refused.text

    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, extra_http_headers={"X-Forwarded-For": "198.51.100.7"}
    )
    try:
        page = context.new_page()
        sign_in(page, world.base, TARGET.email, TARGET.password)
        assert page.url == f"{world.base}/staff/"
        assert page.locator("h1").count() == 1
    finally:
        context.close()
    assert_waits(attacker.attempt(TARGET.email, TARGET.password), 60)  # the attacker is still waiting


def test_the_attacker_waits_longer_after_each_further_failure_up_to_15_minutes(world: World, attacker: Client) -> None:
    throttle(attacker, GROWING.email)
    waited = 60
    assert_waits(attacker.attempt(GROWING.email, WRONG), waited)
    for longer in (120, 240, 480, 900, 900):
        world.time_passes(waited // 2)
        assert attacker.attempt(GROWING.email, WRONG).status_code == 429  # not long enough yet: refused, not counted
        world.time_passes(waited // 2 + 1)
        assert (
            attacker.attempt(GROWING.email, WRONG).status_code == 401
        )  # tried (and failed) once the wait was over ...
        assert_waits(attacker.attempt(GROWING.email, WRONG), longer)  # ... which makes the next wait longer
        waited = longer


def test_failed_sign_ins_and_throttles_are_audited_without_the_password_or_a_stranger_email(world: World) -> None:
    client = Client(world.base, "192.0.2.77")
    try:
        throttle(client, AUDITED.email)
        assert client.attempt(UNKNOWN_EMAIL, WRONG).status_code == 401
    finally:
        client.close()
    account_id = str(world.account_id(AUDITED))
    failed = world.audit("sign_in_failed", "practitioner", account_id)
    assert len(failed) == ratelimit.FREE_FAILURES_PER_ACCOUNT and all(e.practitioner_id is None for e in failed)
    assert len(world.audit("sign_in_throttled", "practitioner", account_id)) == 1
    assert len(world.audit("sign_in_failed", "address", ratelimit.address_digest("192.0.2.77"))) == 1
    dump = world.database_dump()
    assert WRONG not in dump and UNKNOWN_EMAIL not in dump and UNKNOWN_EMAIL.split("@")[0] not in dump
    assert "192.0.2.77" not in "\n".join(line for line in dump.splitlines() if "audit_events" in line)
    log = (world.workdir / "web.log").read_text()
    assert WRONG not in log and UNKNOWN_EMAIL not in log and AUDITED.email not in log


def test_unlock_and_set_password_lift_the_throttle(world: World, attacker: Client) -> None:
    throttle(attacker, UNLOCKED.email)
    assert attacker.attempt(UNLOCKED.email, WRONG).status_code == 429
    result = staff_cli(world.web.db_url, "unlock", "--email", UNLOCKED.email)
    assert result.returncode == 0, result.stderr
    assert result.stdout == f"Sign-in is no longer slowed down for {UNLOCKED.email}, from any address.\n"
    assert attacker.attempt(UNLOCKED.email, WRONG).status_code == 401  # tried again at once
    assert len(world.audit("sign_in_unlocked", "practitioner", str(world.account_id(UNLOCKED)))) == 1

    for _ in range(ratelimit.FREE_FAILURES_PER_ACCOUNT - 1):
        attacker.attempt(UNLOCKED.email, WRONG)
    assert attacker.attempt(UNLOCKED.email, WRONG).status_code == 429
    result = staff_cli(
        world.web.db_url, "set-password", "--email", UNLOCKED.email, "--password-stdin", stdin=NEW_PASSWORD + "\n"
    )
    assert result.returncode == 0, result.stderr
    assert attacker.attempt(UNLOCKED.email, NEW_PASSWORD).status_code == 303  # signed in with the new password


def test_many_accounts_tried_from_one_address_slow_that_address_only(world: World) -> None:
    sprayer, office = Client(world.base, "198.18.0.9"), Client(world.base, "198.18.0.10")
    try:
        for i in range(ratelimit.MAX_FAILURES_PER_ADDRESS):
            assert sprayer.attempt(f"guess{i}@halifax.example", WRONG).status_code == 401
        assert_waits(sprayer.attempt("someone-else@halifax.example", WRONG), 60)
        assert office.attempt("someone-else@halifax.example", WRONG).status_code == 401
        assert len(world.audit("sign_in_address_throttled", "address", ratelimit.address_digest("198.18.0.9"))) == 1
        result = staff_cli(world.web.db_url, "unlock", "--address", "198.18.0.9")
        assert result.returncode == 0, result.stderr
        assert sprayer.attempt("someone-else@halifax.example", WRONG).status_code == 401
    finally:
        sprayer.close()
        office.close()


def test_unlock_needs_an_account_or_an_address(world: World) -> None:
    assert staff_cli(world.web.db_url, "unlock").returncode == 2
    result = staff_cli(world.web.db_url, "unlock", "--email", UNKNOWN_EMAIL)
    assert result.returncode == 1 and result.stderr == f"No account for {UNKNOWN_EMAIL}.\n"


# ---- the throttle itself, without a web app ---------------------------------------------------------------------
def test_delays_double_from_one_minute_to_fifteen() -> None:
    free = ratelimit.FREE_FAILURES_PER_ACCOUNT
    assert [ratelimit.delay_after(n, free) for n in range(free)] == [timedelta(0)] * free
    minutes = [ratelimit.delay_after(n, free).total_seconds() / 60 for n in range(free, free + 7)]
    assert minutes == [1, 2, 4, 8, 15, 15, 15]
    assert ratelimit.delay_after(10_000, free) == ratelimit.MAX_DELAY


def test_the_pair_count_is_per_address_and_a_success_resets_it(session: Session) -> None:
    here, there = ratelimit.keys_for("cm@x.example", "10.0.0.1"), ratelimit.keys_for("cm@x.example", "10.0.0.2")
    for _ in range(ratelimit.FREE_FAILURES_PER_ACCOUNT - 1):
        assert not ratelimit.record(session=session, keys=here, succeeded=False).limited
    wait = ratelimit.record(session=session, keys=here, succeeded=False)
    assert timedelta(seconds=50) < wait.account <= timedelta(minutes=1) and wait.address == timedelta(0)
    assert ratelimit.is_limited(session=session, keys=here)
    assert not ratelimit.is_limited(session=session, keys=there)  # the same account from elsewhere: never stopped
    session.execute(update(LoginAttempt).values(created_at=utcnow() - timedelta(minutes=2)))
    assert not ratelimit.record(session=session, keys=here, succeeded=True).limited
    assert not ratelimit.record(session=session, keys=here, succeeded=False).limited  # counting starts again


def test_clearing_an_account_lifts_it_from_every_address_and_nothing_else(session: Session) -> None:
    for address in ("10.0.0.1", "10.0.0.2"):
        for _ in range(ratelimit.FREE_FAILURES_PER_ACCOUNT):
            ratelimit.record(session=session, keys=ratelimit.keys_for("cm@x.example", address), succeeded=False)
            ratelimit.record(session=session, keys=ratelimit.keys_for("other@x.example", address), succeeded=False)
    assert ratelimit.clear_account(session=session, email=" CM@x.example") == 2 * ratelimit.FREE_FAILURES_PER_ACCOUNT
    assert not ratelimit.is_limited(session=session, keys=ratelimit.keys_for("cm@x.example", "10.0.0.1"))
    assert ratelimit.is_limited(session=session, keys=ratelimit.keys_for("other@x.example", "10.0.0.1"))
    stored = " ".join(session.execute(select(LoginAttempt.key)).scalars())
    assert "cm@" not in stored and "other@" not in stored
