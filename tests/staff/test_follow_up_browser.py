"""Two Case Managers of one site in headless Chromium: claim, a confirmed reassignment, due date, outcomes, drafts, axe."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import update

from bot.staff.queue_params import staff_today
from bot.store.db import session_scope
from bot.store.models import CASE_MANAGER, WORK_SEEKER, Handoff, Practitioner, utcnow
from bot.store.staff_models import StaffSessionRow
from tests.staff.conftest import start_web_only
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import queue_ids, sign_in
from tests.staff.test_language import assert_accessible
from tests.support.browser import new_context
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]
ANNA = Account("anna@halifax.example", CASE_MANAGER, "default")
BEN = Account("ben@halifax.example", CASE_MANAGER, "default")
NOTE = "Rang twice; she prefers texts after 4pm"
# the elements of the page that stick out past the viewport's right edge (shown when a width check fails)
TOO_WIDE = (
    "w => [...document.querySelectorAll('main *')].filter(e => e.getBoundingClientRect().right > w + 1)"
    ".map(e => e.tagName + '#' + e.id + '.' + e.className).slice(0, 8)"
)


class World:
    def __init__(self, web: Stack, handoff_id: int, other_id: int):
        self.web, self.handoff_id, self.other_id = web, handoff_id, other_id

    @property
    def base(self) -> str:
        return self.web.web_url

    @property
    def path(self) -> str:
        return f"/staff/handoffs/{self.handoff_id}"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("followupweb")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        add_account(session, ANNA, name="Anna Arsenault")
        add_account(session, BEN, name="Ben Boudreau")
        h = seed_handoff(session, site=halifax, role=WORK_SEEKER, sender="web-1", words={"skills": "I fix bikes"}).id
        other = seed_handoff(session, site=halifax, role=WORK_SEEKER, sender="web-2", words={}).id
    web = start_web_only(workdir, db_url)
    yield World(web, h, other)
    web.stop_all()


def owner_of(world: World) -> str | None:
    with session_scope(world.web.db_url) as session:
        handoff = session.get(Handoff, world.handoff_id)
        return session.get(Practitioner, handoff.assigned_to_id).email if handoff.assigned_to_id else None


def confirmed(page: Page, text: str) -> None:
    """The confirmation is in the live region, and focus is on it."""
    assert page.locator("[role=status]#confirmation").inner_text() == text
    assert page.evaluate("() => document.activeElement && document.activeElement.id") == "confirmation"


def both_widths_accessible(page: Page, axe_source: str) -> None:
    for width, height in ((1280, 900), (360, 740)):
        page.set_viewport_size({"width": width, "height": height})
        page.reload()
        assert_accessible(page, axe_source)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1, page.evaluate(TOO_WIDE, width)


def test_a_claim_a_confirmed_reassignment_and_the_first_owner_sees_it_moved(
    world: World, page: Page, browser: Browser, axe_source: str
) -> None:
    sign_in(page, world.base, ANNA.email, ANNA.password, path=world.path)
    page.click("#claim-form button:text('Assign to me')")
    page.wait_for_load_state()
    confirmed(page, "Assignment saved.")
    assert page.locator("#claimed-by").inner_text() == "Anna Arsenault"
    ben_context = new_context(browser)
    try:
        ben = ben_context.new_page()
        sign_in(ben, world.base, BEN.email, BEN.password, path=world.path)
        warning = ben.locator("#assigned-warning").inner_text()
        assert warning.startswith("Assigned to Anna Arsenault since ") and "Assigning it takes it from them." in warning
        ben.click("#claim-form button:text('Assign to me')")  # not confirmed: the browser does not send it
        assert ben.url == world.base + world.path and owner_of(world) == ANNA.email
        assert ben.locator("#confirm-claim").evaluate("box => box.validity.valueMissing") is True
        ben.check("#confirm-claim")
        ben.click("#claim-form button:text('Assign to me')")
        ben.wait_for_load_state()
        confirmed(ben, "Assignment saved.")
        assert ben.locator("#claimed-by").inner_text() == "Ben Boudreau" and owner_of(world) == BEN.email
        both_widths_accessible(ben, axe_source)
    finally:
        ben_context.close()
    page.goto(world.base + "/staff/")
    notice = page.locator("#moved-notices").inner_text()
    assert f"Summary #{world.handoff_id} was moved to Ben Boudreau by Ben Boudreau on " in notice
    page.goto(world.base + world.path)
    assert page.locator("#moved-notice").inner_text().startswith("Moved to Ben Boudreau by Ben Boudreau on ")
    assert page.locator("#assigned-warning").is_visible()
    both_widths_accessible(page, axe_source)


def test_a_due_date_and_an_outcome_then_the_overdue_filter_lists_it(world: World, page: Page, axe_source: str) -> None:
    past = (staff_today() - timedelta(days=2)).isoformat()
    sign_in(page, world.base, BEN.email, BEN.password, path=world.path)
    page.fill("#due-on", past)
    page.click("button:text('Save due date')")
    page.wait_for_load_state()
    confirmed(page, "Due date saved.")
    assert page.locator("#due-text").inner_text() == f"Due on {past}."
    page.check("#outcome-left_message")
    page.click("button:text('Record attempt')")
    page.wait_for_load_state()
    confirmed(page, "Contact attempt recorded.")
    first = page.locator("#attempts li").first.inner_text()
    assert first.endswith(" · Left a message · Ben Boudreau")
    page.select_option("#status-select", "followed_up")
    assert page.locator("#status-select option[value=new]").count() == 0  # not while assigned
    both_widths_accessible(page, axe_source)
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(world.base + "/staff/")
    overdue = page.locator("nav.filters a[data-due=overdue]")
    assert overdue.inner_text() == "Overdue (1)"
    overdue.click()
    page.wait_for_load_state()
    assert "due=overdue" in page.url
    assert queue_ids(page, world.base, "?due=overdue") == [world.handoff_id]
    assert_accessible(page, axe_source)


def test_a_note_typed_while_the_session_ran_out_is_back_after_signing_in(world: World, page: Page) -> None:
    sign_in(page, world.base, ANNA.email, ANNA.password, path=f"/staff/handoffs/{world.other_id}")
    page.fill("#note", NOTE)
    with session_scope(world.web.db_url) as session:  # eight idle hours pass while the form is open
        session.execute(update(StaffSessionRow).values(last_seen_at=utcnow() - timedelta(hours=9)))
    page.click("button:text('Add note')")
    page.wait_for_load_state()
    assert "/staff/login" in page.url and NOTE.split()[0] not in page.url
    page.fill("#email", ANNA.email)
    page.fill("#password", ANNA.password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    assert page.url == f"{world.base}/staff/handoffs/{world.other_id}"
    assert page.input_value("#note") == NOTE
    confirmed(page, page.locator("#confirmation").inner_text())
    assert (
        page.locator("#confirmation").inner_text().startswith("Your note was not saved because your session had ended.")
    )
    page.click("button:text('Add note')")
    page.wait_for_load_state()
    confirmed(page, "Note added.")
    assert page.locator(".notes .note-text").last.inner_text() == NOTE
    assert page.input_value("#note") == ""
