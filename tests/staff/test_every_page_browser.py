"""Every staff page on a 320 px phone in headless Chromium: no sideways scroll, axe-core at 0 violations.

Sign-in (and its errors), a summary (with follow-up, notes, the person's other summaries), print, follow-up forms
refused, the person page, sites, a site page with its Telegram start link, inviting a client (sent, refused, over the
limit), the access request and correction pages, audit, participants and deletion, numbers, and the error pages. The
queue and reports pages have their own phone tests (test_queue_browser.py, test_reports_page.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page, ViewportSize
from sqlalchemy.orm import Session

from bot.activity.summary import summary_text
from bot.content import load_content
from bot.store import corrections, follow_up, outbox, staff_repository
from bot.store.db import session_scope
from bot.store.models import (
    ADMIN,
    CASE_MANAGER,
    EES,
    EMPLOYER,
    SITE_MANAGER,
    WORK_SEEKER,
    Handoff,
    Practitioner,
)
from tests.staff.conftest import start_web_only
from tests.staff.seed import Account, add_account, add_site, agree_to_matching, seed_handoff
from tests.staff.staffpage import sign_in
from tests.staff.test_language import assert_accessible
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]
PHONE: ViewportSize = {"width": 320, "height": 640}
CM = Account("cassandra.maximilienne@every-page-halifax.example", CASE_MANAGER, "default")
CM_2 = Account("cm2@every-page-halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@every-page-halifax.example", EES, "default")
SM = Account("sm@every-page-halifax.example", SITE_MANAGER, "default")
ADMIN_ = Account("admin@every-page.example", ADMIN, None)
LONG_WORD = "Supercalifragilisticexpialidocious-and-then-some-more-without-any-space-at-all"
LONG_NOTE = f"Called twice, left a message; see https://example.org/{'a' * 70} {LONG_WORD}"
USERNAME = "MagneticFactorsEveryPageBot"
# the elements that stick out past the viewport's right edge (shown when the width check fails)
TOO_WIDE = (
    "w => [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > w + 0.5)"
    ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 12)"
)


@dataclass
class World:
    web: Stack
    first: int  # a work seeker's summary: assigned to a colleague, a due date, an attempt, a note, a correction
    second: int  # the same person's later summary
    employer: int
    throwaway: str  # a participant the deletion test erases
    public_id: str  # the work seeker's reference

    @property
    def base(self) -> str:
        return self.web.web_url


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("every-page")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works (Nova Scotia Works Centre, Dartmouth North)")
        add_site(session, "truro", "Truro Works")
        people = {
            a.email: add_account(session, a, name=name)
            for a, name in (
                (CM, "Cassandra Maximilienne-Thériault-Arsenault"),
                (CM_2, "Ben Boudreau"),
                (EES_, "Erin"),
                (SM, "Sam"),
                (ADMIN_, "Alex"),
            )
        }
        words = {"skills": LONG_WORD, "values": "<b>bold</b> & «quotes»\nsecond line"}
        first = seed_handoff(session, site=halifax, role=WORK_SEEKER, sender="every-1", words=words)
        second = seed_handoff(session, site=halifax, role=WORK_SEEKER, sender="every-1", words={})
        employer = seed_handoff(session, site=halifax, role=EMPLOYER, sender="every-2", words={})
        throwaway = seed_handoff(session, site=halifax, role=WORK_SEEKER, sender="every-3", words={})
        for agreed in (first, employer):  # both agreed to matching: each summary lists the other as a match
            agree_to_matching(session, agreed)
        _follow_up(session, first, by=people[CM_2.email])
        outbox.enqueue(
            session=session,
            kind="reminder",
            recipient_key="telegram:1",
            payload={},
            participant_id=first.run.participant_id,
        )
        ids = (first.id, second.id, employer.id)
        references = (throwaway.run.participant.public_id, first.run.participant.public_id)
    web = start_web_only(workdir, db_url, TELEGRAM_BOT_USERNAME=USERNAME, INVITE_LIMIT_PER_HOUR="1")
    world = World(web, *ids, *references)
    yield world
    web.stop_all()


def _follow_up(session: Session, handoff: Handoff, *, by: Practitioner) -> None:
    """Assigned to ``by``, due, one attempt, a long note, a corrected factor: every part of the page drawn."""
    follow_up.assign(session=session, handoff=handoff, to=by, by=by)
    follow_up.set_due(session=session, handoff=handoff, due_on=date(2026, 12, 31))
    follow_up.record_attempt(session=session, handoff=handoff, practitioner=by, outcome="left_message")
    staff_repository.add_note(session=session, handoff=handoff, practitioner=by, note=LONG_NOTE)
    content = load_content()
    corrections.correct(
        session=session,
        summary=handoff.summary,
        practitioner=by,
        factor="pay",
        field="reflection",
        new_value=f"Corrected: {LONG_WORD}",
        reason="The participant asked on the phone.",
        rating_label=None,
        marked_on="2026-12-01",
        text_of=lambda body: summary_text(content, body),
    )


def on_phone(page: Page, world: World, account: Account | None, path: str) -> None:
    """A 320 x 640 screen, signed in as ``account`` (None: signed out), on ``path``."""
    page.set_viewport_size(PHONE)
    if account is not None:
        sign_in(page, world.base, account.email, account.password, path=path)
    else:
        page.goto(world.base + path)
    page.wait_for_load_state()


def assert_phone_ready(page: Page, axe_source: str) -> None:
    """No sideways scroll at 320 px and nothing axe-core objects to."""
    width = page.evaluate("() => document.documentElement.scrollWidth")
    assert width <= PHONE["width"], f"{page.url} is {width} px wide: {page.evaluate(TOO_WIDE, PHONE['width'])}"
    assert_accessible(page, axe_source)


def submit(page: Page, action: str, fields: dict[str, str], csrf: bool = True) -> int:
    """Post a form from the page as the browser would (with the page's CSRF token); the answer's status code."""
    token = page.locator("input[name=csrf_token]").first.get_attribute("value") if csrf else "stale"
    with page.expect_navigation() as navigation:
        page.evaluate(
            """([action, fields]) => {
                const form = document.createElement("form");
                form.method = "post"; form.action = action;
                for (const [name, value] of Object.entries(fields)) {
                    const input = document.createElement("input");
                    input.type = "hidden"; input.name = name; input.value = value; form.appendChild(input);
                }
                document.body.appendChild(form); form.submit();
            }""",
            [action, {"csrf_token": token or "", **fields}],
        )
    response = navigation.value
    assert response is not None
    return response.status


# (who, path, what the page must show): pages a GET draws
PAGES = [
    pytest.param(None, "/staff/login", "#email", id="sign-in"),
    pytest.param(CM, "/staff/handoffs/{first}", "#other-summaries", id="handoff"),
    pytest.param(CM, "/staff/handoffs/{first}?done=note", "#confirmation", id="handoff-confirmed"),
    pytest.param(EES_, "/staff/handoffs/{employer}", "#follow-up", id="handoff-employer"),
    pytest.param(CM, "/staff/handoffs/{first}/print", "#print-button", id="print"),
    pytest.param(CM, "/staff/handoffs/{first}/person", "#person-summaries", id="person"),
    pytest.param(CM, "/staff/handoffs/{first}/access", "#access-scope", id="access-request"),
    pytest.param(CM, "/staff/handoffs/{first}/correct", "#reason", id="correction"),
    pytest.param(CM, "/staff/sites/default/invite", "#invite-form", id="invite"),
    pytest.param(SM, "/staff/sites", "#site-list", id="sites"),
    pytest.param(SM, "/staff/sites/default", "#telegram-link", id="site"),
    pytest.param(SM, "/staff/stats", "#stats-by-language", id="numbers-site-manager"),
    pytest.param(ADMIN_, "/staff/stats", "#stats-by-language", id="numbers-admin"),
    pytest.param(ADMIN_, "/staff/admin/audit", "table.audit", id="audit"),
    pytest.param(ADMIN_, "/staff/admin/participants", "#q", id="participants"),
    pytest.param(ADMIN_, "/staff/admin/participants?q={public_id}", "ul.results", id="participants-found"),
    pytest.param(ADMIN_, "/staff/admin/participants/{public_id}", "#confirm", id="participant"),
    pytest.param(ADMIN_, "/staff/admin/participants/{public_id}/access", "#access-scope", id="participant-access"),
    pytest.param(CM, "/staff/handoffs/999999", "main h1", id="not-found"),
]


@pytest.mark.parametrize(("account", "path", "shown"), PAGES)
def test_the_page_reflows_at_320_px_and_axe_finds_nothing(
    world: World, page: Page, axe_source: str, account: Account | None, path: str, shown: str
) -> None:
    target = path.format(first=world.first, employer=world.employer, public_id=world.public_id)
    on_phone(page, world, account, target)
    assert page.url.endswith(target)
    assert page.locator(shown).first.is_visible()
    assert_phone_ready(page, axe_source)


@pytest.mark.parametrize(("account", "target"), [(EES_, "employer"), (CM, "first")], ids=["ees", "case-manager"])
def test_a_suggested_match_opened_on_a_phone_reflows_and_axe_finds_nothing(
    world: World, page: Page, axe_source: str, account: Account, target: str
) -> None:
    on_phone(page, world, account, f"/staff/handoffs/{getattr(world, target)}")
    matches = page.locator("#matches li.match")
    assert matches.count() == 1
    matches.first.locator("summary").click()
    assert matches.first.locator("table.match-factors tbody tr").count() == 6
    assert matches.first.locator(".match-why li").first.is_visible()
    assert_phone_ready(page, axe_source)


def test_sign_in_errors_and_the_wait_after_wrong_passwords(world: World, page: Page, axe_source: str) -> None:
    on_phone(page, world, None, "/staff/login")
    for attempt in range(6):  # an address that is no one's account: the real practitioners are never slowed
        page.fill("#email", "nobody@every-page.example")
        page.fill("#password", f"wrong password {attempt}")
        with page.expect_navigation() as navigation:
            page.click("button[type=submit]")
        status = navigation.value.status if navigation.value else 0
        if attempt == 0:
            assert status == 401 and page.locator("p.error[role=alert]").is_visible()
            assert_phone_ready(page, axe_source)
        if status == 429:
            break
    assert status == 429 and "Too many sign-in attempts" in page.locator("h1").inner_text()
    assert_phone_ready(page, axe_source)


def test_refused_forms_and_an_expired_form(world: World, page: Page, axe_source: str) -> None:
    on_phone(page, world, CM, f"/staff/handoffs/{world.first}")
    handoff = f"/staff/handoffs/{world.first}"
    for action, fields, status in (
        ("/assign", {"to": "0", "owner": ""}, 400),  # not a colleague
        ("/claim", {"owner": "", "confirm": "1"}, 409),  # assigned to someone else since the page was drawn
        ("/status", {"status": "lost"}, 400),
        ("/due", {"due_on": "31/12/2026"}, 400),
        ("/outcome", {"outcome": "maybe"}, 400),
    ):
        page.goto(world.base + handoff)
        assert submit(page, handoff + action, fields) == status
        assert page.locator("main h1").is_visible()
        assert_phone_ready(page, axe_source)
    page.goto(world.base + handoff)
    assert submit(page, handoff + "/notes", {"note": "x"}, csrf=False) == 403
    assert "Form expired" in page.locator("main h1").inner_text()
    assert_phone_ready(page, axe_source)


def test_a_refused_correction(world: World, page: Page, axe_source: str) -> None:
    path = f"/staff/handoffs/{world.first}/correct"
    on_phone(page, world, CM, path)
    fields = {"factor": "skills", "field": "reflection", "words": "New words", "rating": "", "reason": ""}
    assert submit(page, path, fields) == 400
    assert page.locator("#correction-error").is_visible()
    assert_phone_ready(page, axe_source)


def test_inviting_a_client_sent_refused_and_over_the_limit(world: World, page: Page, axe_source: str) -> None:
    on_phone(page, world, CM, "/staff/sites/default/invite")
    page.fill("#number", "902 555 01")
    page.click("#invite-form button[type=submit]")
    page.wait_for_selector("#invite-error")
    assert_phone_ready(page, axe_source)
    page.fill("#number", "902 555 0190")
    page.click("#invite-form button[type=submit]")
    page.wait_for_selector("#invite-sent")
    assert_phone_ready(page, axe_source)
    page.fill("#number", "902 555 0191")
    with page.expect_navigation() as navigation:
        page.click("#invite-form button[type=submit]")
    assert navigation.value is not None and navigation.value.status == 429  # one an hour in this world
    assert page.locator("#invite-error").is_visible() and page.input_value("#number") == "902 555 0191"
    assert_phone_ready(page, axe_source)


def test_deleting_a_participant_then_the_deleted_page(world: World, page: Page, axe_source: str) -> None:
    on_phone(page, world, ADMIN_, f"/staff/admin/participants/{world.throwaway}")
    assert submit(page, f"/staff/admin/participants/{world.throwaway}/delete", {"confirm": "no"}) == 400
    assert page.locator("p.error[role=alert]").is_visible()
    assert_phone_ready(page, axe_source)
    page.fill("#confirm", "DELETE")
    page.click("button.danger")
    page.wait_for_selector("#deleted-message")
    assert_phone_ready(page, axe_source)


def test_an_ees_starts_a_match_and_the_case_manager_moves_it_on_on_a_phone(
    world: World, page: Page, browser: Browser, axe_source: str
) -> None:
    on_phone(page, world, EES_, f"/staff/handoffs/{world.employer}")
    match = page.locator("#matches li.match").first
    match.locator("summary").click()
    with page.expect_navigation():
        match.locator("form.start-match button").click()
    assert page.locator("#confirmation").inner_text().startswith("Match started")
    record = page.locator("#matches-in-progress article.match-record")
    assert record.count() == 1 and record.get_attribute("data-stage") == "suggested"
    assert_phone_ready(page, axe_source)
    employer_reference = page.locator("#matches-in-progress h3").inner_text()

    colleague = browser.new_context(viewport=PHONE).new_page()  # the Case Manager, on their own phone
    # the match is with the person's latest summary (their second), where the Case Manager finds it
    sign_in(colleague, world.base, CM.email, CM.password, path=f"/staff/handoffs/{world.second}")
    shared = colleague.locator("#matches-in-progress article.match-record")
    assert shared.count() == 1 and shared.locator(".stage").inner_text() == "Suggested"
    assert colleague.locator("#matches-in-progress h3").inner_text() != employer_reference  # each sees the other side
    shared.locator("select[name=stage]").select_option("introduced")
    shared.locator("input[name=happened_on]").fill("2026-12-09")
    shared.locator("textarea[name=note]").fill("Met at the centre, <both> keen")
    with colleague.expect_navigation():
        shared.locator("button[type=submit]").click()
    assert colleague.locator("#confirmation").inner_text() == "Match updated."
    assert_phone_ready(colleague, axe_source)
    colleague.context.close()

    page.reload()
    moved = page.locator("#matches-in-progress article.match-record")
    assert moved.get_attribute("data-stage") == "introduced"
    assert moved.locator(".match-events li").last.inner_text().endswith("Met at the centre, <both> keen")
