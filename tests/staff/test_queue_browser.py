"""The queue with 500 handoffs in headless Chromium: search, pages, filters, "since your last visit", phones, axe-core."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page
from sqlalchemy import select

from bench.staff_seed import seed_handoffs
from bot.store.db import session_scope
from bot.store.models import ActivityRun, Handoff, Participant
from tests.staff.conftest import start_web_only
from tests.staff.queue_world import CM, CM_TRURO
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.staff.staffpage import queue_ids, sign_in
from tests.staff.test_language import assert_accessible
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]
SEEDED = 500
VISITOR_HX = Account("visitor@halifax.example", CM.role, "default")  # only the visits test signs in as it


class World:
    """The running web app and, newest first, the Halifax work seekers' handoffs (what the Case Manager sees)."""

    def __init__(self, web: Stack, theirs: list[tuple[int, str, str]]):
        self.web = web
        self.theirs = theirs  # (handoff id, status, participant public id)

    @property
    def base(self) -> str:
        return self.web.web_url

    @property
    def ids(self) -> list[int]:
        return [h for h, _, _ in self.theirs]


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("queueweb")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        truro = add_site(session, "truro", "Truro Works")
        for account in (CM, CM_TRURO, VISITOR_HX):
            add_account(session, account)
        seed_handoffs(session, site=halifax, count=SEEDED, practitioner_ids={}, end=datetime(2026, 11, 30, 12))
        seed_handoffs(session, site=truro, count=40, practitioner_ids={}, end=datetime(2026, 11, 30, 12), seed=3)
        rows = session.execute(
            select(Handoff.id, Handoff.status, Participant.public_id)
            .join(ActivityRun, ActivityRun.id == Handoff.run_id)
            .join(Participant, Participant.id == ActivityRun.participant_id)
            .where(Handoff.site_id == halifax.id, Handoff.audience == "case_manager")
            .order_by(Handoff.created_at.desc(), Handoff.id.desc())
        ).all()
        theirs = [(h, status, public_id) for h, status, public_id in rows]
    web = start_web_only(workdir, db_url)
    yield World(web, theirs)
    web.stop_all()


def showing(page: Page) -> str:
    return page.locator("#showing").inner_text()


def test_search_by_the_short_reference_finds_the_one(world: World, page: Page, axe_source: str) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    handoff_id, _, public_id = world.theirs[123]
    page.fill("#q", public_id[:8])
    page.click("form.queue-search button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("tr[data-handoff]").evaluate_all("rows => rows.map(r => Number(r.dataset.handoff))") == [
        handoff_id
    ]
    assert showing(page) == "Showing 1–1 of 1"
    assert page.input_value("#q") == public_id[:8]
    assert_accessible(page, axe_source)
    page.fill("#q", "x")  # too short for a name, business or job, and no reference
    page.click("form.queue-search button[type=submit]")
    page.wait_for_load_state()
    assert "Search by the reference shown on the summary" in page.locator("#queue-errors").inner_text()
    assert_accessible(page, axe_source)


def test_pages_walk_the_whole_queue_newest_first(world: World, page: Page) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    total = len(world.ids)
    assert showing(page) == f"Showing 1–25 of {total}"
    assert queue_ids(page, world.base) == world.ids[:25]
    page.click("nav.pages >> text=Next")
    page.wait_for_load_state()
    assert showing(page) == f"Showing 26–50 of {total}"
    assert (
        page.locator("tr[data-handoff]").evaluate_all("r => r.map(x => Number(x.dataset.handoff))") == world.ids[25:50]
    )
    last = -(-total // 25)
    page.click(f"nav.pages a[aria-label='Page {last}']")
    page.wait_for_load_state()
    assert showing(page) == f"Showing {(last - 1) * 25 + 1}–{total} of {total}"
    assert page.locator("nav.pages a[aria-current=page]").inner_text() == str(last)
    assert (
        page.locator("tr[data-handoff]").evaluate_all("r => r.map(x => Number(x.dataset.handoff))")
        == world.ids[(last - 1) * 25 :]
    )


def test_a_status_filter_then_a_sort_narrow_and_order(world: World, page: Page) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    in_review = [h for h, status, _ in world.theirs if status == "in_review"]
    link = page.locator("nav.filters a[data-status=in_review]")
    assert link.inner_text() == f"In review ({len(in_review)})"
    link.click()
    page.wait_for_load_state()
    assert showing(page) == f"Showing 1–{min(25, len(in_review))} of {len(in_review)}"
    assert set(page.locator("tr[data-handoff] .badge").all_inner_texts()) == {"In review"}
    page.select_option("#sort", "oldest")
    page.click("form.queue-search button[type=submit]")
    page.wait_for_load_state()
    assert "status=in_review" in page.url and "sort=oldest" in page.url
    ids = page.locator("tr[data-handoff]").evaluate_all("r => r.map(x => Number(x.dataset.handoff))")
    assert ids == list(reversed(in_review))[:25]


def test_since_your_last_visit_lists_only_what_came_after(world: World, page: Page) -> None:
    sign_in(page, world.base, VISITOR_HX.email, VISITOR_HX.password)
    assert "This is your first visit to the queue" in page.locator("p.visit").inner_text()
    with session_scope(world.web.db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        fresh = [
            seed_handoff(session, site=halifax, role="work_seeker", sender=f"fresh-{i}", words={}).id for i in range(3)
        ]
    page.goto(f"{world.base}/staff/")  # the revisit
    assert "Your last visit to the queue:" in page.locator("p.visit").inner_text()
    since = page.locator("nav.filters a.since")
    assert since.inner_text() == "Since your last visit (3)"
    arrived = page.locator("tr[data-arrived]").evaluate_all("r => r.map(x => Number(x.dataset.handoff))")
    assert arrived == sorted(fresh, reverse=True)
    since.click()
    page.wait_for_load_state()
    assert queue_ids(page, world.base, page.url.removeprefix(f"{world.base}/staff/")) == sorted(fresh, reverse=True)
    page.click("header nav >> text=Queue")  # a visit of its own: nothing came since
    page.wait_for_load_state()
    assert page.locator("nav.filters a.since").inner_text() == "Since your last visit (0)"


@pytest.mark.parametrize("width", [320, 360, 390])
def test_phone_widths_have_no_sideways_scroll_and_the_summary_links_show(
    world: World, page: Page, axe_source: str, width: int
) -> None:
    page.set_viewport_size({"width": width, "height": 800})
    sign_in(page, world.base, CM.email, CM.password)
    sizes = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert sizes == [width, width]
    assert page.locator("tr[data-handoff]").first.evaluate("r => getComputedStyle(r).display") == "flex"  # a card
    links = page.locator("tr[data-handoff] td.open a")
    assert links.count() == 25
    for n in range(links.count()):
        link = links.nth(n)
        link.scroll_into_view_if_needed()
        box = link.bounding_box()
        assert link.is_visible() and box is not None and 0 <= box["x"] and box["x"] + box["width"] <= width
    assert_accessible(page, axe_source)


def test_another_sites_handoffs_never_appear(world: World, page: Page) -> None:
    sign_in(page, world.base, CM_TRURO.email, CM_TRURO.password)
    ours = set(world.ids)
    total = int(showing(page).rsplit(" ", 1)[1])
    assert total <= 40
    for n in range(1, -(-total // 25) + 1):
        assert not ours & set(queue_ids(page, world.base, f"?page={n}"))
    _, _, public_id = world.theirs[0]
    assert queue_ids(page, world.base, f"?q={public_id[:8]}") == []
