"""Rights on request in the real web app and headless Chromium: a correction with its reason, the data downloads."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import func, select

from bot.staff.formatting import local_time
from bot.store.corrections import AnswerCorrection
from bot.store.db import session_scope
from bot.store.models import ADMIN, CASE_MANAGER, EES, EMPLOYER, WORK_SEEKER, AuditEvent, Practitioner, utcnow
from tests.staff.conftest import start_web_only
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import csrf_token, post, sign_in
from tests.staff.test_language import assert_accessible
from tests.support.browser import new_context
from tests.support.database import DB_NAME, NewDatabase
from tests.support.pdf_text import read_pdf, squeezed
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

CM = Account("cm@halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@halifax.example", EES, "default")
CM_TRURO = Account("cm@truro.example", CASE_MANAGER, "truro")
ADMIN_ = Account("admin@province.example", ADMIN, None)
HOSTILE = "<script>alert(1)</script> & <b>bold</b>"
OLD_PAY = "Pay is too low for the commute"
NEW_PAY = "Pay is fine; the <i>commute</i> is the problem"
REASON = "The participant phoned: they meant the commute, not the pay"
PAGES = ("/access", "/access.json", "/access.pdf", "/correct")


class World:
    def __init__(self, web: Stack, ids: dict[str, int], public_id: str):
        self.web, self.ids, self.public_id = web, ids, public_id

    @property
    def base(self) -> str:
        return self.web.web_url


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    """A Halifax work seeker with a hostile answer, a Halifax employer and a Truro work seeker; the web app running."""
    workdir: Path = tmp_path_factory.mktemp("rightsweb")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        truro = add_site(session, "truro", "Truro Works")
        for account in (CM, EES_, CM_TRURO, ADMIN_):
            add_account(session, account)
        seeker = seed_handoff(
            session, site=halifax, role=WORK_SEEKER, sender="hx-ws", words={"skills": HOSTILE, "pay": OLD_PAY}
        )
        ids = {
            "seeker": seeker.id,
            "employer": seed_handoff(session, site=halifax, role=EMPLOYER, sender="hx-emp", words={}).id,
            "truro": seed_handoff(session, site=truro, role=WORK_SEEKER, sender="tr-ws", words={}).id,
        }
        public_id = seeker.run.participant.public_id
    web = start_web_only(workdir, db_url)
    yield World(web, ids, public_id)
    web.stop_all()


def _corrections(world: World) -> int:
    with session_scope(world.web.db_url) as session:
        return int(session.execute(select(func.count()).select_from(AnswerCorrection)).scalar_one())


@pytest.mark.parametrize("account, allowed", [(CM, True), (EES_, False), (CM_TRURO, False), (ADMIN_, True)])
def test_the_pages_answer_only_the_site_and_team_of_the_summary(
    world: World, page: Page, account: Account, allowed: bool
) -> None:
    sign_in(page, world.base, account.email, account.password)
    for suffix in PAGES:
        response = page.context.request.get(f"{world.base}/staff/handoffs/{world.ids['seeker']}{suffix}")
        assert response.status == (200 if allowed else 404), (account.email, suffix)
        if not allowed:
            assert OLD_PAY not in response.text() and "alert(1)" not in response.text()
    for suffix in PAGES[:3]:  # the administrator's way in, by the participant's reference
        response = page.context.request.get(f"{world.base}/staff/admin/participants/{world.public_id}{suffix}")
        assert response.status == (200 if account is ADMIN_ else 404), (account.email, suffix)


def test_signed_out_visitors_are_sent_to_sign_in(world: World, browser: Browser) -> None:
    context = new_context(browser)
    try:
        for suffix in PAGES:
            path = f"/staff/handoffs/{world.ids['seeker']}{suffix}"
            response = context.request.get(world.base + path, max_redirects=0)
            assert response.status == 303
            assert response.headers["location"] == "/staff/login?next=" + path.replace("/", "%2F")
        refused = context.request.post(
            f"{world.base}/staff/handoffs/{world.ids['seeker']}/correct", form={"reason": "x"}, max_redirects=0
        )
        assert refused.status == 403
    finally:
        context.close()
    assert _corrections(world) == 0


def test_a_correction_needs_the_csrf_token_the_scope_and_a_reason(world: World, page: Page, browser: Browser) -> None:
    url = f"{world.base}/staff/handoffs/{world.ids['seeker']}/correct"
    form = {"factor": "pay", "field": "reflection", "words": "changed", "reason": "asked"}
    sign_in(page, world.base, CM.email, CM.password)
    assert post(page, url, form).status == 403
    assert post(page, url, {**form, "csrf_token": "x" * 43}).status == 403
    token = csrf_token(page, world.base)
    for missing in ("", "   \r\n "):
        response = post(page, url, {**form, "reason": missing, "csrf_token": token})
        assert response.status == 400
        assert "Give the reason for the correction (1 to 1000 characters)" in response.text()
    assert post(page, url, {**form, "field": "rating", "rating": "great", "csrf_token": token}).status == 400
    assert post(page, url, {**form, "factor": "nope", "csrf_token": token}).status == 400
    other = new_context(browser)
    try:
        other_page = other.new_page()
        sign_in(other_page, world.base, CM_TRURO.email, CM_TRURO.password)
        truro_token = csrf_token(other_page, world.base)
        assert post(other_page, url, {**form, "csrf_token": truro_token}).status == 404
    finally:
        other.close()
    assert _corrections(world) == 0


def test_a_practitioner_corrects_an_answer_then_downloads_the_data(world: World, page: Page, axe_source: str) -> None:
    handoff_id = world.ids["seeker"]
    with session_scope(world.web.db_url) as session:
        before = session.execute(select(func.max(AuditEvent.id))).scalar_one() or 0
    sign_in(page, world.base, CM.email, CM.password, path=f"/staff/handoffs/{handoff_id}")
    page.click("#correct-link")
    page.wait_for_load_state()
    assert page.url == f"{world.base}/staff/handoffs/{handoff_id}/correct"
    assert_accessible(page, axe_source)
    page.select_option("#factor", "pay")
    page.select_option("#field", "reflection")
    page.fill("#words", NEW_PAY)
    page.click("button:text('Save correction')")  # the browser refuses to send it without a reason
    assert page.url == f"{world.base}/staff/handoffs/{handoff_id}/correct"
    assert _corrections(world) == 0
    page.fill("#reason", REASON)
    page.click("button:text('Save correction')")
    page.wait_for_load_state()
    today = local_time(utcnow())[:10]

    assert page.url == f"{world.base}/staff/handoffs/{handoff_id}"
    pay = page.locator("tr[data-factor=pay] .words")
    assert pay.inner_text() == f"{NEW_PAY} (corrected by staff on {today})"
    assert page.locator("tr[data-factor=skills] .words").inner_text() == HOSTILE
    assert page.locator("main script, main b, main i").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert_accessible(page, axe_source)

    page.click("#access-link")
    page.wait_for_load_state()
    assert page.url == f"{world.base}/staff/handoffs/{handoff_id}/access"
    row = page.locator("table.access-corrections tbody tr")
    assert row.locator("th, td").all_inner_texts()[:4] == ["Pay & benefits: Their words", OLD_PAY, NEW_PAY, REASON]
    assert page.locator("#access-scope").inner_text().startswith("This is what was shared with your site and team")
    assert page.locator("main script, main b, main i").count() == 0
    assert page.dialogs == []  # type: ignore[attr-defined]
    assert_accessible(page, axe_source)

    with page.expect_download() as download:
        page.click("#access-json")
    data = json.loads(Path(download.value.path()).read_text(encoding="utf-8"))
    [run] = data["runs"]
    [correction] = run["corrections"]
    assert (correction["old_value"], correction["new_value"], correction["reason"], correction["corrected_by"]) == (
        OLD_PAY,
        NEW_PAY,
        REASON,
        "cm",
    )
    by_question = {a["question_id"]: a["text"] for a in run["answers"]}
    assert (by_question["skills_reflection"], by_question["pay_reflection"]) == (HOSTILE, OLD_PAY)
    assert run["summaries"][0]["body"]["factors"][2]["reflection"] == NEW_PAY

    with page.expect_download() as download:
        page.click("#access-pdf")
    assert download.value.suggested_filename == f"magnetic-factors-data-{world.public_id[:8]}.pdf"
    document = read_pdf(Path(download.value.path()).read_bytes())
    assert (document.language, document.tagged) == ("en", True)
    text = squeezed(document.text)
    for expected in (HOSTILE, OLD_PAY, NEW_PAY, REASON):
        assert squeezed(expected) in text, expected

    with session_scope(world.web.db_url) as session:
        cm_id = session.execute(select(Practitioner.id).where(Practitioner.email == CM.email)).scalar_one()
        events = session.execute(
            select(AuditEvent.action, AuditEvent.subject_type, AuditEvent.subject_id)
            .where(AuditEvent.id > before)
            .order_by(AuditEvent.id)
        ).all()
    assert [tuple(e) for e in events] == [
        ("signed_in", "practitioner", str(cm_id)),
        ("summary_viewed", "handoff", str(handoff_id)),
        ("answer_corrected", "handoff", str(handoff_id)),
        ("summary_viewed", "handoff", str(handoff_id)),
        ("access_export_viewed", "participant", world.public_id),
        ("access_export_json_downloaded", "participant", world.public_id),
        ("access_export_pdf_downloaded", "participant", world.public_id),
    ]
