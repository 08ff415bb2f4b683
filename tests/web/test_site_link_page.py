"""A site's entry points in real headless Chromium: a participant arrives by /s/<site>, their handoff lands in that
site's queue only; the site's QR page (segno's SVG of exactly the link, axe-core clean); an SMS invitation queued."""

from __future__ import annotations

import json
from typing import Iterator

import pytest
from playwright.sync_api import Browser, Page
from sqlalchemy import select

from bot.settings import get_settings
from bot.staff import wording
from bot.staff.views_sites import qr_svg_inline
from bot.store import repository as repo
from bot.store.db import session_factory
from bot.store.invitation_models import SiteInvitation
from bot.store.models import ADMIN, CASE_MANAGER, AuditEvent, Handoff, Site
from bot.store.outbox_models import OutboxMessage
from tests.staff.seed import Account, add_account
from tests.staff.staffpage import queue_ids, sign_in
from tests.staff.test_language import assert_accessible
from tests.support.browser import new_context
from tests.support.stack import Stack
from tests.web.chat import ChatPage, activity_turns

pytestmark = [pytest.mark.browser]

CM_HALIFAX = Account("cm@site-link-halifax.example", CASE_MANAGER, "sitelink-halifax")
CM_DEFAULT = Account("cm@site-link-default.example", CASE_MANAGER, "default")
ADMIN_ = Account("admin@site-link.example", ADMIN, None)
RATINGS = dict.fromkeys(("skills", "capacity", "pay", "arrangements", "values", "culture"), "Strength")
WORDS = dict.fromkeys(RATINGS, "Working with people")
INVITED = "+19025550166"


@pytest.fixture(scope="module")
def halifax(web_stack: Stack) -> int:
    """One centre besides the default site (one only: the other page tests never meet "which centre?")."""
    with session_factory(web_stack.db_url)() as session:
        site = repo.get_or_create_site(session=session, code="sitelink-halifax", name="NSW Halifax (site link)")
        repo.get_or_create_site(
            session=session, code=get_settings().default_site_code, name=get_settings().default_site_name
        )
        for account in (CM_HALIFAX, CM_DEFAULT, ADMIN_):
            add_account(session, account)
        session.commit()
        return int(site.id)


@pytest.fixture
def staff_page(browser: Browser) -> Iterator[Page]:
    context = new_context(browser)
    yield context.new_page()
    context.close()


def test_a_participant_arriving_by_the_site_link_hands_off_to_that_sites_queue(
    browser: Browser, web_stack: Stack, halifax: int, staff_page: Page
) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    chat = ChatPage(context.new_page(), web_stack)
    response = chat.page.goto(f"{web_stack.web_url}/s/sitelink-halifax")
    assert response is not None and response.status == 200
    chat.page.wait_for_selector("#composer")
    chat.start()
    for turn in activity_turns("work_seeker", RATINGS, WORDS):
        chat.do(turn)
    assert chat.errors == []
    sender = chat.sender
    context.close()
    with session_factory(web_stack.db_url)() as session:
        identity = repo.find_identity(session=session, channel="webchat", external_id=sender)
        assert identity is not None and identity.participant.site_id == halifax
        run = repo.latest_run(session=session, participant=identity.participant)
        handoff = session.execute(select(Handoff).where(Handoff.run_id == run.id)).scalar_one()
        assert handoff.site_id == halifax
        handoff_id = handoff.id
    sign_in(staff_page, web_stack.web_url, CM_HALIFAX.email, CM_HALIFAX.password)
    assert handoff_id in queue_ids(staff_page, web_stack.web_url)
    staff_page.context.clear_cookies()
    sign_in(staff_page, web_stack.web_url, CM_DEFAULT.email, CM_DEFAULT.password)
    assert handoff_id not in queue_ids(staff_page, web_stack.web_url)


def test_an_unknown_site_link_is_a_friendly_404(browser: Browser, web_stack: Stack, halifax: int) -> None:
    context = browser.new_context()
    page = context.new_page()
    response = page.goto(f"{web_stack.web_url}/s/no-such-centre")
    assert response is not None and response.status == 404
    assert page.locator("h1").inner_text() == "Page not found"
    page.locator("#start-anyway").click()
    page.wait_for_selector("#composer")
    context.close()


def test_the_sites_qr_page_shows_segnos_code_of_exactly_the_link_and_is_accessible(
    web_stack: Stack, halifax: int, staff_page: Page, axe_source: str
) -> None:
    sign_in(staff_page, web_stack.web_url, ADMIN_.email, ADMIN_.password, path="/staff/sites")
    staff_page.click("text=NSW Halifax (site link)")
    staff_page.wait_for_selector("#qr-url")
    url = staff_page.locator("#qr-url").inner_text()
    assert url.startswith("http") and url.endswith("/s/sitelink-halifax")
    raw = staff_page.context.request.get(f"{web_stack.web_url}/staff/sites/sitelink-halifax").text()
    label = wording.text("sites.qr_label", site="NSW Halifax (site link)", url=url)
    assert str(qr_svg_inline(url, label)) in raw  # segno's SVG for exactly this URL, nothing else in it
    assert staff_page.locator("svg.site-qr[role=img]").count() == 1
    assert staff_page.locator("#sms-keyword").inner_text() == "SITELINK HALIFAX"
    assert staff_page.locator("#telegram-start").inner_text().startswith("/start ")
    assert_accessible(staff_page, axe_source)
    png = staff_page.context.request.get(f"{web_stack.web_url}/staff/sites/sitelink-halifax/qr.png")
    assert png.status == 200 and png.body()[:8] == b"\x89PNG\r\n\x1a\n"
    assert png.headers["content-disposition"] == 'attachment; filename="qr-sitelink-halifax.png"'
    svg = staff_page.context.request.get(f"{web_stack.web_url}/staff/sites/sitelink-halifax/qr.svg")
    assert svg.status == 200 and f"<title>{url}</title>" in svg.text()
    staff_page.emulate_media(media="print")
    assert not staff_page.locator("header.top").is_visible()
    assert staff_page.locator("svg.site-qr").is_visible() and staff_page.locator("#qr-url").is_visible()


def test_other_sites_staff_cannot_see_the_page(web_stack: Stack, halifax: int, staff_page: Page) -> None:
    sign_in(staff_page, web_stack.web_url, CM_DEFAULT.email, CM_DEFAULT.password)
    for path in ("/staff/sites/sitelink-halifax", "/staff/sites/sitelink-halifax/invite", "/staff/sites"):
        assert staff_page.goto(web_stack.web_url + path).status == 404


def test_a_case_manager_invites_a_known_client_by_sms(
    web_stack: Stack, halifax: int, staff_page: Page, axe_source: str
) -> None:
    sign_in(staff_page, web_stack.web_url, CM_HALIFAX.email, CM_HALIFAX.password)
    staff_page.click("text=Invite a client")
    staff_page.fill("#number", "902 555 01")
    staff_page.click("#invite-form button[type=submit]")
    assert staff_page.locator("#invite-error").is_visible()
    staff_page.fill("#number", "(902) 555-0166")
    staff_page.select_option("#language", "fr")
    staff_page.click("#invite-form button[type=submit]")
    staff_page.wait_for_selector("#invite-sent")
    assert staff_page.locator("#number").input_value() == ""
    assert_accessible(staff_page, axe_source)
    with session_factory(web_stack.db_url)() as session:
        identity = repo.find_identity(session=session, channel="twilio_sms", external_id=INVITED)
        assert identity is not None and identity.participant.site_id == halifax
        invitation = session.execute(select(SiteInvitation)).scalar_one()
        assert (invitation.language, invitation.site_id) == ("fr", halifax)
        assert session.get(Site, halifax).code == "sitelink-halifax"
        me = invitation.practitioner_id
        assert me is not None and me == invitation.invited_by_id
        queued = session.execute(select(OutboxMessage).where(OutboxMessage.kind == "sms_invitation")).scalar_one()
        assert json.loads(queued.payload) == {"invitation_id": invitation.id}
        audit = session.execute(select(AuditEvent).where(AuditEvent.action == "client_invited")).scalar_one()
        assert audit.subject_id == str(invitation.id)
    for name in ("web", "actions", "rasa"):
        assert "555-0166" not in web_stack.log_text(name) and "5550166" not in web_stack.log_text(name)
