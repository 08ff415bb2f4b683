"""The real web app process in headless Chromium: who sees what (tested by trying), CSRF, rate limit, sessions."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select

from bot.store.db import session_scope
from bot.store.models import (
    ADMIN,
    CASE_MANAGER,
    EES,
    EMPLOYER,
    SITE_MANAGER,
    WORK_SEEKER,
    AuditEvent,
    Handoff,
    Practitioner,
    PractitionerNote,
)
from tests.staff.conftest import start_web_only
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import csrf_token, post, queue_ids, sign_in
from tests.support.browser import new_context
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

CM = Account("cm@halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@halifax.example", EES, "default")
SM = Account("sm@halifax.example", SITE_MANAGER, "default")
CM_TRURO = Account("cm@truro.example", CASE_MANAGER, "truro")
EES_TRURO = Account("ees@truro.example", EES, "truro")
SM_TRURO = Account("sm@truro.example", SITE_MANAGER, "truro")
ADMIN_ = Account("admin@province.example", ADMIN, None)
LOCKED = Account("locked@halifax.example", CASE_MANAGER, "default")
GONE = Account("gone@halifax.example", CASE_MANAGER, "default")
ACCOUNTS = (CM, EES_, SM, CM_TRURO, EES_TRURO, SM_TRURO, ADMIN_, LOCKED, GONE)


class World:
    """The seeded handoffs: (site, audience) -> handoff id."""

    def __init__(self, web: Stack, ids: dict[str, int]):
        self.web = web
        self.ids = ids

    @property
    def base(self) -> str:
        return self.web.web_url


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    """Two sites, each with a work seeker's and an employer's handoff, and every kind of account; the web app running."""
    workdir: Path = tmp_path_factory.mktemp("staffweb")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        truro = add_site(session, "truro", "Truro Works")
        for account in ACCOUNTS:
            add_account(session, account)
        ids = {
            "halifax_ws": seed_handoff(
                session, site=halifax, role=WORK_SEEKER, sender="hx-ws", words={"skills": "Halifax seeker words"}
            ).id,
            "halifax_emp": seed_handoff(
                session, site=halifax, role=EMPLOYER, sender="hx-emp", words={"skills": "Halifax employer words"}
            ).id,
            "truro_ws": seed_handoff(
                session, site=truro, role=WORK_SEEKER, sender="tr-ws", words={"skills": "Truro seeker words"}
            ).id,
            "truro_emp": seed_handoff(
                session, site=truro, role=EMPLOYER, sender="tr-emp", words={"skills": "Truro employer words"}
            ).id,
        }
    web = start_web_only(workdir, db_url)
    yield World(web, ids)
    web.stop_all()


VISIBLE = {
    CM: {"halifax_ws"},
    EES_: {"halifax_emp"},
    SM: {"halifax_ws", "halifax_emp"},
    CM_TRURO: {"truro_ws"},
    EES_TRURO: {"truro_emp"},
    SM_TRURO: {"truro_ws", "truro_emp"},
    ADMIN_: {"halifax_ws", "halifax_emp", "truro_ws", "truro_emp"},
}


@pytest.mark.parametrize("account", list(VISIBLE), ids=lambda a: a.email)
def test_queue_lists_exactly_what_the_role_and_site_may_see(world: World, page: Page, account: Account) -> None:
    sign_in(page, world.base, account.email, account.password)
    listed = queue_ids(page, world.base)
    expected = sorted((world.ids[k] for k in VISIBLE[account]), reverse=True)  # newest first
    assert listed == expected
    for key, handoff_id in world.ids.items():
        response = page.goto(f"{world.base}/staff/handoffs/{handoff_id}")
        if key in VISIBLE[account]:
            assert response.status == 200
            assert page.locator("h1").inner_text() == f"Magnetic Factors Summary #{handoff_id}"
        else:
            assert response.status == 404, (account.email, key)
            assert "not part of your queue" in page.locator("main").inner_text()
            assert "words" not in page.content()  # none of the seeded answers leak into the 404 page
        assert page.goto(f"{world.base}/staff/handoffs/{handoff_id}/print").status == (
            200 if key in VISIBLE[account] else 404
        )
    assert page.goto(f"{world.base}/staff/handoffs/999999").status == 404


@pytest.mark.parametrize(
    "account, target",
    [(CM, "halifax_emp"), (CM, "truro_ws"), (EES_, "halifax_ws"), (SM, "truro_emp"), (CM_TRURO, "halifax_ws")],
    ids=lambda x: x.email if isinstance(x, Account) else x,
)
def test_forms_on_a_summary_outside_the_scope_are_refused_and_change_nothing(
    world: World, page: Page, account: Account, target: str
) -> None:
    sign_in(page, world.base, account.email, account.password)
    token = csrf_token(page, world.base)
    handoff_id = world.ids[target]
    base = f"{world.base}/staff/handoffs/{handoff_id}"
    assert post(page, base + "/claim", {"csrf_token": token}).status == 404
    assert post(page, base + "/status", {"csrf_token": token, "status": "followed_up"}).status == 404
    assert post(page, base + "/notes", {"csrf_token": token, "note": "sneaky"}).status == 404
    with session_scope(world.web.db_url) as session:
        handoff = session.get(Handoff, handoff_id)
        assert (handoff.status, handoff.assigned_to_id) == ("new", None)
        assert (
            session.execute(
                select(func.count()).select_from(PractitionerNote).where(PractitionerNote.handoff_id == handoff_id)
            ).scalar_one()
            == 0
        )


@pytest.mark.parametrize(
    "account, stats, admin",
    [(CM, 404, 404), (EES_, 404, 404), (SM, 200, 404), (ADMIN_, 200, 200)],
    ids=lambda x: x.email if isinstance(x, Account) else str(x),
)
def test_stats_and_admin_pages_only_for_their_roles(
    world: World, page: Page, account: Account, stats: int, admin: int
) -> None:
    sign_in(page, world.base, account.email, account.password)
    assert page.goto(f"{world.base}/staff/stats").status == stats
    assert page.goto(f"{world.base}/staff/admin/participants").status == admin
    assert page.goto(f"{world.base}/staff/admin/audit").status == admin


def test_site_manager_sees_only_their_site_numbers(world: World, page: Page) -> None:
    sign_in(page, world.base, SM.email, SM.password)
    page.goto(f"{world.base}/staff/stats")
    assert page.locator("tr[data-site]").evaluate_all("rows => rows.map(r => r.dataset.site)") == ["default"]
    cells = page.locator("tr[data-site=default] td").all_inner_texts()
    assert cells[:4] == ["2", "2", "2", "0"]  # started, completed, handed off, followed up
    assert cells[5].startswith("2.00 → 4.00")


def test_admin_deletion_form_is_refused_to_a_site_manager(world: World, page: Page) -> None:
    sign_in(page, world.base, SM.email, SM.password)
    token = csrf_token(page, world.base)
    with session_scope(world.web.db_url) as session:
        public_id = session.get(Handoff, world.ids["halifax_ws"]).run.participant.public_id
    response = post(
        page, f"{world.base}/staff/admin/participants/{public_id}/delete", {"csrf_token": token, "confirm": "DELETE"}
    )
    assert response.status == 404
    with session_scope(world.web.db_url) as session:
        assert session.get(Handoff, world.ids["halifax_ws"]) is not None


def test_post_without_or_with_a_wrong_csrf_token_is_403(world: World, page: Page, browser: Browser) -> None:
    sign_in(page, world.base, SM.email, SM.password)
    url = f"{world.base}/staff/handoffs/{world.ids['halifax_ws']}/notes"
    assert post(page, url, {"note": "no token"}).status == 403
    assert post(page, url, {"note": "bad token", "csrf_token": "x" * 43}).status == 403
    other = new_context(browser)
    try:
        other_page = other.new_page()
        sign_in(other_page, world.base, CM.email, CM.password)
        someone_elses = csrf_token(other_page, world.base)
    finally:
        other.close()
    assert post(page, url, {"note": "another session's token", "csrf_token": someone_elses}).status == 403
    assert (
        post(page, f"{world.base}/staff/handoffs/{world.ids['halifax_ws']}/status", {"status": "followed_up"}).status
        == 403
    )
    with session_scope(world.web.db_url) as session:
        assert session.execute(select(func.count()).select_from(PractitionerNote)).scalar_one() == 0
        assert session.get(Handoff, world.ids["halifax_ws"]).status == "new"


def test_sign_in_form_without_its_token_is_403(world: World, page: Page) -> None:
    response = page.context.request.post(
        f"{world.base}/staff/login", form={"email": CM.email, "password": CM.password}, max_redirects=0
    )
    assert response.status == 403
    assert "mf_staff" not in {c["name"] for c in page.context.cookies()}


def test_five_wrong_passwords_then_a_wait_even_with_the_right_one(world: World, page: Page) -> None:
    # From the same address only, and a growing wait rather than a 15-minute lock (tests/staff/test_sign_in_throttle.py).
    for _ in range(5):
        sign_in(page, world.base, LOCKED.email, "wrong password 123")
        assert page.locator(".error").inner_text() == "That email and password do not match an active account."
    response = None

    def remember(r):
        nonlocal response
        if r.url.endswith("/staff/login") and r.request.method == "POST":
            response = r

    page.on("response", remember)
    sign_in(page, world.base, LOCKED.email, LOCKED.password)
    assert response is not None and response.status == 429
    assert 50 <= int(response.headers["retry-after"]) <= 60
    assert page.locator("h1").inner_text() == "Too many sign-in attempts"
    assert "wait 1 minute" in page.locator("main").inner_text()
    assert "/staff/login" in page.url and "mf_staff" in {c["name"] for c in page.context.cookies()}
    # the wait is per account: a colleague on the same computer still signs in
    page.context.clear_cookies()
    sign_in(page, world.base, CM.email, CM.password)
    assert page.url == f"{world.base}/staff/"


def test_signed_out_visit_goes_to_sign_in_and_comes_back(world: World, page: Page) -> None:
    target = f"/staff/handoffs/{world.ids['halifax_ws']}"
    page.goto(world.base + target)
    assert page.url == f"{world.base}/staff/login?next=%2Fstaff%2Fhandoffs%2F{world.ids['halifax_ws']}"
    page.fill("#email", CM.email)
    page.fill("#password", CM.password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url == world.base + target
    cookie = next(c for c in page.context.cookies() if c["name"] == "mf_staff")
    assert (cookie["httpOnly"], cookie["sameSite"], cookie["path"], cookie["secure"]) == (True, "Lax", "/staff", False)
    assert 8 * 3600 - 60 < cookie["expires"] - time.time() <= 8 * 3600


def test_sign_out_ends_the_session(world: World, page: Page) -> None:
    sign_in(page, world.base, EES_.email, EES_.password)
    page.click("text=Sign out")
    page.wait_for_load_state()
    assert page.url.startswith(f"{world.base}/staff/login")
    page.goto(f"{world.base}/staff/")
    assert page.url.startswith(f"{world.base}/staff/login")
    with session_scope(world.web.db_url) as session:
        ees_id = session.execute(select(Practitioner.id).where(Practitioner.email == EES_.email)).scalar_one()
        actions = session.execute(select(AuditEvent.action).where(AuditEvent.practitioner_id == ees_id)).scalars().all()
    assert actions[-2:] == ["signed_in", "signed_out"]


def test_tampered_cookie_and_deactivated_account_are_signed_out(world: World, page: Page) -> None:
    sign_in(page, world.base, GONE.email, GONE.password)
    assert page.url == f"{world.base}/staff/"
    cookie = next(c for c in page.context.cookies() if c["name"] == "mf_staff")
    forged = dict(cookie, value=cookie["value"].replace(".", "x.", 1))
    page.context.add_cookies([forged])
    page.goto(f"{world.base}/staff/")
    assert page.url.startswith(f"{world.base}/staff/login")

    sign_in(page, world.base, GONE.email, GONE.password)
    assert page.url == f"{world.base}/staff/"
    with session_scope(world.web.db_url) as session:
        session.execute(select(Practitioner).where(Practitioner.email == GONE.email)).scalar_one().is_active = False
    page.goto(f"{world.base}/staff/")
    assert page.url.startswith(f"{world.base}/staff/login")
    sign_in(page, world.base, GONE.email, GONE.password)
    assert page.locator(".error").inner_text() == "That email and password do not match an active account."


def test_pages_send_strict_security_headers(world: World, page: Page) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    response = page.goto(f"{world.base}/staff/handoffs/{world.ids['halifax_ws']}")
    headers = response.headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    assert headers["cache-control"] == "no-store"
    assert headers["x-content-type-options"] == "nosniff"
