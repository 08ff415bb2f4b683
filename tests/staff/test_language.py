"""French participants' cases on the staff pages (issue 14): the summary in French with the English factor names beside,
the language in the queue, the CSV export and the numbers; escaped, scoped to role and site, axe-core at 0 violations."""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any, Iterator

import pytest
from playwright.sync_api import Page

from bot.content import load_content
from bot.store import repository
from bot.store.db import session_scope
from bot.store.models import ADMIN, CASE_MANAGER, EES, EMPLOYER, SITE_MANAGER, WORK_SEEKER
from tests.staff.conftest import start_web_only
from tests.staff.seed import FACTORS, Account, add_account, add_site, seed_handoff, seed_handoff_in_language
from tests.staff.staffpage import queue_ids, sign_in
from tests.support.database import DB_NAME, NewDatabase
from tests.support.french import RATINGS, REFLECTIONS_FR
from tests.support.pdf_text import read_pdf, squeezed
from tests.support.stack import Stack

pytestmark = [pytest.mark.browser]

CM = Account("cm@halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@halifax.example", EES, "default")
SM = Account("sm@halifax.example", SITE_MANAGER, "default")
ADMIN_ = Account("admin@province.example", ADMIN, None)
CM_TRURO = Account("cm@truro.example", CASE_MANAGER, "truro")

HOSTILE_FR = "<b>gras</b> & « guillemets » <script>alert('été')</script>"
SEEKER_WORDS = {**REFLECTIONS_FR["work_seeker"], "values": HOSTILE_FR}
EMPLOYER_WORDS = REFLECTIONS_FR["employer"]
SEEKER_RATINGS = {f: RATINGS[f] for f in FACTORS}  # strength, stressor, both, stressor, strength, unsure
EMPLOYER_RATINGS = {f: "strength" for f in FACTORS}
FR = load_content("fr")
EN = load_content("en")
FR_NAMES = {f.id: f.name for f in FR.factors}
EN_NAMES = {f.id: f.name for f in EN.factors}
FR_RATINGS = {o.value: o.label for o in FR.step("skills_rating").options}
EN_RATINGS = {o.value: o.label for o in EN.step("skills_rating").options}


def both(french: str, english: str) -> str:
    """How a French name reads for the practitioner: the French, then the English in brackets (once when the same)."""
    return french if french == english else f"{french} ({english})"


class World:
    def __init__(self, web: Stack, ids: dict[str, int]):
        self.web = web
        self.ids = ids

    @property
    def base(self) -> str:
        return self.web.web_url


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    """Halifax: a French work seeker's, a French employer's and an English work seeker's handoff, and a French
    participant not linked to a site yet who has only started; Truro: a French work seeker's handoff."""
    workdir: Path = tmp_path_factory.mktemp("staff-language")
    db_url = new_database(workdir / DB_NAME)
    with session_scope(db_url) as session:
        halifax = add_site(session, "default", "Halifax Works")
        truro = add_site(session, "truro", "Truro Works")
        for account in (CM, EES_, SM, ADMIN_, CM_TRURO):
            add_account(session, account)
        ids = {
            "fr_ws": seed_handoff_in_language(
                session,
                language="fr",
                site=halifax,
                role=WORK_SEEKER,
                sender="fr-ws",
                words=SEEKER_WORDS,
                ratings=SEEKER_RATINGS,
                clarity=(2, 4),
            ).id,
            "fr_emp": seed_handoff_in_language(
                session,
                language="fr",
                site=halifax,
                role=EMPLOYER,
                sender="fr-emp",
                words=EMPLOYER_WORDS,
                ratings=EMPLOYER_RATINGS,
                clarity=(3, 5),
                priorities=("skills",),
            ).id,
            "en_ws": seed_handoff(
                session,
                site=halifax,
                role=WORK_SEEKER,
                sender="en-ws",
                words={"skills": "English words"},
                clarity=(1, 3),
            ).id,
            "truro_fr_ws": seed_handoff_in_language(
                session,
                language="fr",
                site=truro,
                role=WORK_SEEKER,
                sender="tr-fr-ws",
                words={f: f"Mots de Truro {f}" for f in FACTORS},
                ratings=SEEKER_RATINGS,
            ).id,
        }
        loose = repository.get_or_create_identity(session=session, channel="rest", external_id="fr-loose").participant
        loose.language = "fr"
        repository.start_run(session=session, participant=loose, channel="rest", step_id="consent")
    web = start_web_only(workdir, db_url)
    yield World(web, ids)
    web.stop_all()


def assert_accessible(page: Page, axe_source: str) -> None:
    """axe-core (WCAG 2.x A and AA rules plus best practices) finds nothing on the page as it is now."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(axe_source)
    violations: list[dict[str, Any]] = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"
    )
    assert violations == [], f"axe-core on {page.url}:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in violations
    )


def assert_french_summary(page: Page, words: dict[str, str], ratings: dict[str, str], priorities: list[str]) -> None:
    """The summary table in French, each factor name and rating followed by the English, the words verbatim in French."""
    assert FR_NAMES["skills"] != EN_NAMES["skills"] and FR_RATINGS["strength"] != EN_RATINGS["strength"]
    rows = page.locator("table.factors tbody tr")
    assert rows.count() == 6
    for i, factor in enumerate(FACTORS):
        row = rows.nth(i)
        assert row.get_attribute("data-factor") == factor
        assert row.locator("th").inner_text() == both(FR_NAMES[factor], EN_NAMES[factor])
        assert row.locator("th [lang=fr]").inner_text() == FR_NAMES[factor]
        rating = ratings[factor]
        assert row.locator(".rating").inner_text() == both(FR_RATINGS[rating], EN_RATINGS[rating])
        assert row.locator(".rating [lang=fr]").inner_text() == FR_RATINGS[rating]
        assert row.locator(".words").inner_text() == words[factor]
        assert row.locator(".words").get_attribute("lang") == "fr"
    assert page.locator("#priorities").inner_text() == ", ".join(both(FR_NAMES[p], EN_NAMES[p]) for p in priorities)
    assert page.locator("#language").inner_text() == "Français"
    assert page.locator("#language [lang=fr]").count() == 1
    note = page.locator("#summary-language-note").inner_text()
    assert "in French" in note and "also given in English" in note
    assert page.locator("html").get_attribute("lang") == "en"  # the pages themselves stay English


def test_french_work_seekers_summary_reads_in_french_with_english_factor_names(
    world: World, page: Page, axe_source: str
) -> None:
    sign_in(page, world.base, CM.email, CM.password, path=f"/staff/handoffs/{world.ids['fr_ws']}")
    assert page.locator("h1").inner_text() == f"Magnetic Factors Summary #{world.ids['fr_ws']}"
    assert_french_summary(page, SEEKER_WORDS, SEEKER_RATINGS, ["pay", "arrangements"])
    # the hostile French answer is text, not markup
    assert page.locator("main b, main script").count() == 0
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; « guillemets » &lt;script&gt;" in page.content()
    page.wait_for_load_state("load")  # an injected script would have run (and opened a dialog) by now
    assert page.dialogs == []  # type: ignore[attr-defined]
    facts = dict(
        zip(page.locator(".facts dt").all_inner_texts(), page.locator(".facts dd").all_inner_texts(), strict=True)
    )
    assert (facts["Who"], facts["Language"], facts["Channel"]) == ("Work seeker", "Français", "Web (REST)")
    assert_accessible(page, axe_source)


def test_print_view_and_its_pdf_are_french_with_english_names(world: World, page: Page, axe_source: str) -> None:
    sign_in(page, world.base, CM.email, CM.password, path=f"/staff/handoffs/{world.ids['fr_ws']}")
    page.click("text=Printable page")
    page.wait_for_load_state()
    assert page.url == f"{world.base}/staff/handoffs/{world.ids['fr_ws']}/print"
    assert page.locator("h1").inner_text() == "Magnetic Factors Summary"
    assert_french_summary(page, SEEKER_WORDS, SEEKER_RATINGS, ["pay", "arrangements"])
    assert page.locator("nav, form, #notes").count() == 0
    assert_accessible(page, axe_source)
    page.emulate_media(media="print")
    assert page.locator("#summary-language-note").is_visible()
    assert page.locator(".no-print").is_hidden()
    page.emulate_media(media="screen")
    with page.expect_download() as download:
        page.click("text=Download PDF")
    assert download.value.suggested_filename == f"magnetic-factors-summary-{world.ids['fr_ws']}.pdf"
    document = read_pdf(Path(download.value.path()).read_bytes())
    assert (document.language, document.title, document.tagged) == (
        "en",
        f"Magnetic Factors Summary #{world.ids['fr_ws']}",
        True,
    )
    assert document.text.startswith(
        f"Magnetic Factors Summary Halifax Works · summary #{world.ids['fr_ws']} · printed by"
    )
    for (
        factor
    ) in FACTORS:  # each row: the French name (the English), the French rating (the English), the words verbatim
        rating = SEEKER_RATINGS[factor]
        row = (
            both(FR_NAMES[factor], EN_NAMES[factor])
            + both(FR_RATINGS[rating], EN_RATINGS[rating])
            + SEEKER_WORDS[factor]
        )
        assert squeezed(row) in squeezed(document.text), row
    assert "Download PDF" not in document.text and "← Back" not in document.text
    assert page.dialogs == []  # type: ignore[attr-defined]


def test_french_employers_summary_for_the_ees_only(world: World, page: Page, axe_source: str) -> None:
    sign_in(page, world.base, EES_.email, EES_.password)
    assert queue_ids(page, world.base) == [world.ids["fr_emp"]]
    page.goto(f"{world.base}/staff/handoffs/{world.ids['fr_emp']}")
    assert_french_summary(page, EMPLOYER_WORDS, EMPLOYER_RATINGS, ["skills"])
    assert_accessible(page, axe_source)
    for other in ("fr_ws", "en_ws", "truro_fr_ws"):
        assert page.goto(f"{world.base}/staff/handoffs/{world.ids[other]}").status == 404
        assert page.goto(f"{world.base}/staff/handoffs/{world.ids[other]}/print").status == 404
        assert page.request.get(f"{world.base}/staff/handoffs/{world.ids[other]}/summary.pdf").status == 404
        assert "Truro" not in page.locator("main").inner_text() and "Mots" not in page.content()


def test_other_roles_and_sites_cannot_open_the_french_cases(world: World, page: Page) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    assert page.goto(f"{world.base}/staff/handoffs/{world.ids['fr_emp']}").status == 404
    assert EMPLOYER_WORDS["skills"] not in page.content()
    page.context.clear_cookies()
    sign_in(page, world.base, CM_TRURO.email, CM_TRURO.password)
    assert queue_ids(page, world.base) == [world.ids["truro_fr_ws"]]
    for other in ("fr_ws", "fr_emp", "en_ws"):
        assert page.goto(f"{world.base}/staff/handoffs/{world.ids[other]}").status == 404
    assert SEEKER_WORDS["skills"] not in page.content()


def test_english_summary_is_unchanged(world: World, page: Page) -> None:
    sign_in(page, world.base, CM.email, CM.password, path=f"/staff/handoffs/{world.ids['en_ws']}")
    assert page.locator("table.factors tbody th").all_inner_texts() == [EN_NAMES[f] for f in FACTORS]
    assert page.locator("table.factors .rating").all_inner_texts() == ["Strength"] * 6
    assert page.locator("#language").inner_text() == "English"
    assert page.locator("#summary-language-note").count() == 0
    assert page.locator("table.factors [lang]").count() == 0


def test_queue_shows_each_cases_language(world: World, page: Page, axe_source: str) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    assert queue_ids(page, world.base) == [world.ids["en_ws"], world.ids["fr_ws"]]
    headers = page.locator("table.queue thead th").all_inner_texts()
    assert "Language" in headers
    column = headers.index("Language")
    french = page.locator(f"tr[data-handoff='{world.ids['fr_ws']}'] td").nth(column)
    english = page.locator(f"tr[data-handoff='{world.ids['en_ws']}'] td").nth(column)
    assert (french.inner_text(), french.get_attribute("lang")) == ("Français", "fr")
    assert (english.inner_text(), english.get_attribute("lang")) == ("English", "en")
    priorities = page.locator(f"tr[data-handoff='{world.ids['fr_ws']}'] td.priorities").inner_text()
    assert priorities == ", ".join(both(FR_NAMES[p], EN_NAMES[p]) for p in ("pay", "arrangements"))
    assert_accessible(page, axe_source)
    page.context.clear_cookies()
    sign_in(page, world.base, ADMIN_.email, ADMIN_.password)
    languages = page.locator("tr[data-handoff]").evaluate_all(
        "rows => rows.map(r => [Number(r.dataset.handoff), r.dataset.language])"
    )
    assert sorted(map(tuple, languages)) == sorted(
        [
            (world.ids["fr_ws"], "fr"),
            (world.ids["fr_emp"], "fr"),
            (world.ids["en_ws"], "en"),
            (world.ids["truro_fr_ws"], "fr"),
        ]
    )
    assert_accessible(page, axe_source)


def _export(page: Page) -> list[dict[str, str]]:
    with page.expect_download() as download_info:
        page.click("text=Export CSV")
    raw = Path(download_info.value.path()).read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    return list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"), newline="")))


def test_csv_export_has_the_language_column(world: World, page: Page) -> None:
    sign_in(page, world.base, CM.email, CM.password)
    rows = {int(r["handoff_id"]): r for r in _export(page)}
    assert sorted(rows) == sorted([world.ids["fr_ws"], world.ids["en_ws"]])
    french, english = rows[world.ids["fr_ws"]], rows[world.ids["en_ws"]]
    assert (french["language"], english["language"]) == ("Français", "English")
    assert french["priorities"] == "; ".join(both(FR_NAMES[p], EN_NAMES[p]) for p in ("pay", "arrangements"))
    for (
        factor
    ) in FACTORS:  # columns named in English; a French summary's ratings in French then English, words verbatim
        assert french[f"{EN_NAMES[factor]} - rating"] == both(
            FR_RATINGS[SEEKER_RATINGS[factor]], EN_RATINGS[SEEKER_RATINGS[factor]]
        )
        assert french[f"{EN_NAMES[factor]} - their words"] == SEEKER_WORDS[factor]
        assert english[f"{EN_NAMES[factor]} - rating"] == "Strength"
    page.context.clear_cookies()
    sign_in(page, world.base, EES_.email, EES_.password)
    assert [(int(r["handoff_id"]), r["language"], r["audience"]) for r in _export(page)] == [
        (world.ids["fr_emp"], "Français", "Employer")
    ]


FIGURES = ("started", "completed", "handed_off", "followed_up", "median", "clarity")


def _figures(page: Page, selector: str) -> dict[str, str]:
    return dict(zip(FIGURES, page.locator(selector).locator("td").all_inner_texts()[-len(FIGURES) :], strict=True))


def test_numbers_page_splits_by_language(world: World, page: Page, axe_source: str) -> None:
    sign_in(page, world.base, SM.email, SM.password, path="/staff/stats")
    site = _figures(page, "tr[data-site=default]")
    french = _figures(page, "tr[data-language-site=default][data-language=fr]")
    english = _figures(page, "tr[data-language-site=default][data-language=en]")
    assert page.locator("tr[data-language-site]").evaluate_all(
        "rows => rows.map(r => r.dataset.languageSite + ':' + r.dataset.language)"
    ) == ["default:en", "default:fr"]
    assert page.locator("tr[data-language-site=default][data-language=fr] th").inner_text() == "Français"
    # the loose French participant has only started (not linked to a site yet: counted for the default site)
    assert [french[k] for k in ("started", "completed", "handed_off", "followed_up")] == ["3", "2", "2", "0"]
    assert [english[k] for k in ("started", "completed", "handed_off", "followed_up")] == ["1", "1", "1", "0"]
    for key in ("started", "completed", "handed_off", "followed_up"):
        assert int(french[key]) + int(english[key]) == int(site[key])
    assert french["clarity"] == "2.50 → 4.50 (2 of 2 clearer)"
    assert english["clarity"] == "1.00 → 3.00 (1 of 1 clearer)"
    assert site["clarity"] == "2.00 → 4.00 (3 of 3 clearer)"
    assert_accessible(page, axe_source)
    page.context.clear_cookies()
    sign_in(page, world.base, ADMIN_.email, ADMIN_.password, path="/staff/stats")
    everywhere = _figures(page, "tr[data-language-site=all][data-language=fr]")
    assert [everywhere[k] for k in ("started", "completed", "handed_off")] == ["4", "3", "3"]
    truro = _figures(page, "tr[data-language-site=truro][data-language=fr]")
    assert [truro[k] for k in ("started", "completed", "handed_off")] == ["1", "1", "1"]
    assert_accessible(page, axe_source)


def test_other_changed_pages_pass_axe(world: World, page: Page, axe_source: str) -> None:
    page.goto(f"{world.base}/staff/login")
    assert_accessible(page, axe_source)
    sign_in(page, world.base, ADMIN_.email, ADMIN_.password, path="/staff/admin/participants?q=fr-ws")
    page.click("ul.results a")
    page.wait_for_load_state()
    assert page.locator("#participant-language").inner_text() == "Français"
    assert_accessible(page, axe_source)
    page.goto(f"{world.base}/staff/handoffs/{world.ids['fr_ws']}")
    assert_accessible(page, axe_source)
    page.goto(f"{world.base}/staff/admin/audit")
    assert_accessible(page, axe_source)
    assert page.goto(f"{world.base}/staff/handoffs/999999").status == 404
    assert_accessible(page, axe_source)
