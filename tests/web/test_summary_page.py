"""The participant's own copy of their summary (issue 11): the page at its link and its PDF, in their language, their
words as typed (escaped), how to use it, readable at 360 px, axe-core clean; a link that has ended says so (410), an
unknown one is a 404, and neither the page nor its PDF is cached, indexed or sent on as a referrer."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Page
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.content import load_content
from bot.store import summary_links
from bot.store.db import session_scope
from bot.store.models import EMPLOYER, WORK_SEEKER, ActivityRun, Handoff, Summary, utcnow
from bot.store.summary_links import SummaryLink
from tests.staff.conftest import SECRET_KEY, start_web_only
from tests.staff.seed import FACTORS, add_site, seed_handoff, seed_handoff_in_language
from tests.staff.test_language import assert_accessible
from tests.support.database import DB_NAME, NewDatabase
from tests.support.french import RATINGS, REFLECTIONS_FR
from tests.support.pdf_text import read_pdf, squeezed
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

EN, FR = load_content("en"), load_content("fr")
HOSTILE = "<script>alert('x')</script> & <b>bold</b>"
SEEKER_WORDS = {f: f"My {f} words, exactly as typed" for f in FACTORS} | {"values": HOSTILE}
EMPLOYER_WORDS_FR = REFLECTIONS_FR["employer"]


class World:
    def __init__(self, web: Stack, tokens: dict[str, str]):
        self.web, self.tokens = web, tokens

    def url(self, name: str, suffix: str = "") -> str:
        return f"{self.web.web_url}/summary/{self.tokens[name]}{suffix}"


def skip_culture(session: Session, handoff: Handoff) -> None:
    """The work seeker skipped culture, rating and words: the summary says so, it does not drop the factor."""
    summary = session.get(Summary, handoff.summary_id)
    body = dict(summary.body)
    body["factors"] = [
        {**f, "rating": None, "rating_label": None, "reflection": None, "reflection_skipped": True}
        if f["id"] == "culture"
        else f
        for f in body["factors"]
    ]
    summary.body = body


def _link(session: Session, handoff: Handoff, days: int = 30) -> str:
    run = session.get(ActivityRun, handoff.run_id)
    return summary_links.link_token(session=session, run=run, secret_key=SECRET_KEY, days=days)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    workdir: Path = tmp_path_factory.mktemp("summary-page")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        site = add_site(session, "default", "Halifax Works")
        seeker = seed_handoff(session, site=site, role=WORK_SEEKER, sender="keep-en", words=SEEKER_WORDS)
        skip_culture(session, seeker)
        employer = seed_handoff_in_language(
            session,
            language="fr",
            site=site,
            role=EMPLOYER,
            sender="keep-fr",
            words=EMPLOYER_WORDS_FR,
            ratings={f: RATINGS[f] for f in FACTORS},
        )
        ended = seed_handoff(session, site=site, role=WORK_SEEKER, sender="keep-old", words={"skills": "Old words"})
        tokens = {
            "seeker": _link(session, seeker),
            "employer": _link(session, employer),
            "ended": _link(session, ended),
        }
        row = session.execute(select(SummaryLink).where(SummaryLink.run_id == ended.run_id)).scalar_one()
        row.expires_at = utcnow() - timedelta(minutes=1)
    web = start_web_only(workdir, db_url)
    yield World(web, tokens)
    web.stop_all()


def test_work_seekers_page_holds_their_words_and_how_to_use_it(world: World, page: Page, axe_source: str) -> None:
    response = page.goto(world.url("seeker"))
    assert response is not None and response.status == 200
    headers = response.headers
    assert (headers["cache-control"], headers["x-robots-tag"], headers["referrer-policy"]) == (
        "no-store",
        "noindex, nofollow",
        "no-referrer",
    )
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == EN.message("summary_title")
    assert page.locator(".how p").inner_text() == EN.message("keep_how_work_seeker")
    factors = page.locator(".factors li")
    assert factors.locator("h2").all_inner_texts() == [f.name for f in EN.factors]
    assert factors.locator(".rating").all_inner_texts() == ["Strength"] * 5 + [EN.message("summary_skipped")]
    assert factors.locator(".words").all_inner_texts() == [SEEKER_WORDS[f] for f in FACTORS[:5]]
    assert factors.nth(5).locator(".none").inner_text() == EN.message("summary_skipped")
    assert page.locator("main script, main b").count() == 0 and page.dialogs == []  # type: ignore[attr-defined]
    until = page.locator(".muted").inner_text()
    with session_scope(world.web.db_url) as session:
        expires = session.execute(
            select(SummaryLink.expires_at).where(SummaryLink.token_hash == summary_links.digest(world.tokens["seeker"]))
        ).scalar_one()
    assert expires - utcnow() > timedelta(days=29, hours=23)  # 30 days (SUMMARY_LINK_DAYS' default)
    assert until == EN.message("keep_until", date=expires.date().isoformat())
    assert_accessible(page, axe_source)
    page.set_viewport_size({"width": 360, "height": 740})
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 360  # no sideways scroll
    assert_accessible(page, axe_source)


def test_work_seekers_pdf_is_the_same_summary(world: World, page: Page) -> None:
    page.goto(world.url("seeker"))
    with page.expect_download() as download:
        page.click(f"text={EN.message('keep_pdf')}")
    assert download.value.suggested_filename == "magnetic-factors-summary.pdf"
    document = read_pdf(Path(download.value.path()).read_bytes())
    assert (document.language, document.title, document.tagged) == ("en", EN.message("summary_title"), True)
    text = squeezed(document.text)
    for factor in FACTORS[:5]:
        assert squeezed(f"{EN.factor(factor).name}Strength{SEEKER_WORDS[factor]}") in text, factor
    assert (
        squeezed(f"{EN.factor('culture').name}{EN.message('summary_skipped')}{EN.message('summary_skipped')}") in text
    )
    assert "culturewords" not in text.lower()
    assert squeezed(EN.message("keep_how_work_seeker")) in text
    assert squeezed(EN.message("keep_pdf")) not in text  # the page's own links are not in the PDF


def test_french_employers_page_and_pdf_are_in_french(world: World, page: Page, axe_source: str) -> None:
    page.goto(world.url("employer"))
    assert page.locator("html").get_attribute("lang") == "fr"
    assert page.locator(".how p").inner_text() == FR.message("keep_how_employer")
    assert page.locator(".factors h2").all_inner_texts() == [f.name for f in FR.factors]
    assert page.locator(".factors .words").all_inner_texts() == [EMPLOYER_WORDS_FR[f] for f in FACTORS]
    assert_accessible(page, axe_source)
    pdf = page.request.get(world.url("employer", "/summary.pdf"))
    assert (pdf.status, pdf.headers["content-type"], pdf.headers["cache-control"]) == (
        200,
        "application/pdf",
        "no-store",
    )
    document = read_pdf(pdf.body())
    assert (document.language, document.title) == ("fr", FR.message("summary_title"))
    assert all(squeezed(EMPLOYER_WORDS_FR[f]) in squeezed(document.text) for f in FACTORS)


def test_an_ended_link_says_so_in_the_participants_language(world: World, page: Page, axe_source: str) -> None:
    for suffix in ("", "/summary.pdf"):
        response = page.request.get(world.url("ended", suffix))
        assert response.status == 410 and "Old words" not in response.text()
    page.goto(world.url("ended"))
    assert page.locator("h1").inner_text() == EN.message("keep_expired_title")
    assert page.locator("main p").inner_text() == EN.message("keep_expired", days=30)
    assert_accessible(page, axe_source)


@pytest.mark.parametrize("token", ["A" * summary_links.TOKEN_CHARS, "short", "A" * 200, "%3Cscript%3E" + "A" * 19])
def test_an_unknown_link_is_a_404_with_a_friendly_page(world: World, page: Page, token: str) -> None:
    for suffix in ("", "/summary.pdf"):
        response = page.request.get(f"{world.web.web_url}/summary/{token}{suffix}")
        assert response.status == 404
        assert EN.message("keep_not_found_title") in response.text()
