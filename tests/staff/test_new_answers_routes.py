"""The pilot's measures and how to reach the person, on the handoff page, its print page and PDF (in process)."""

from __future__ import annotations

import html
import re
from typing import Iterator

import pytest

from bot.activity.summary import build_summary, summary_text
from bot.content import load_content
from bot.settings import get_settings
from bot.store import repository
from bot.store.db import dispose_all, session_scope
from bot.store.models import CASE_MANAGER, EES, EMPLOYER, WORK_SEEKER, Handoff
from tests.staff.queue_world import client_for, listed
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.support.database import DB_NAME, NewDatabase
from tests.support.pdf_text import read_pdf, squeezed

ANNA = Account("anna@halifax.example", CASE_MANAGER, "default")
ERIN = Account("erin@halifax.example", EES, "default")
TOM = Account("tom@truro.example", CASE_MANAGER, "truro")
WORDS = {
    "work_sought": "Cook <b>or</b> dishwasher",
    "barriers": "No car & the bus stops at 6",
    "closing_reflection": "I know what to ask for now",
}
CONTACT = "Sam D., 902 555 0142 or sam.d@example.ca, after 3pm"


def with_answers(session, handoff: Handoff, answers: dict[str, tuple[str, str | None]]) -> None:
    """More answers on the handoff's run, its summary rebuilt from them as the engine does."""
    run = handoff.run
    for question, (text, value) in answers.items():
        repository.save_answer(
            session=session,
            run=run,
            question_id=question,
            text=text,
            value=value,
            channel="rest",
            skipped=text == "skip",
        )
    content = load_content()
    body = build_summary(content, run.role, repository.current_answers(session=session, run=run))
    handoff.summary.body, handoff.summary.text = body, summary_text(content, body)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[dict[str, int]]:
    url = new_database(tmp_path_factory.mktemp("new-answers") / DB_NAME)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        with session_scope(url) as session:
            halifax = add_site(session, "default", "Halifax Works")
            add_account(session, ANNA)
            add_account(session, ERIN)
            add_site(session, "truro", "Truro Works")
            add_account(session, TOM)
            seeker = seed_handoff(session, site=halifax, role=WORK_SEEKER, sender="na-seeker", words={})
            with_answers(
                session,
                seeker,
                {
                    "confidence_before": ("2", "2"),
                    "confidence_after": ("4", "4"),
                    **{k: (v, None) for k, v in WORDS.items()},
                    "contact": (CONTACT, "given"),
                },
            )
            employer = seed_handoff(session, site=halifax, role=EMPLOYER, sender="na-employer", words={})
            with_answers(session, employer, {"business_name": ("Harbour Diner", None), "hiring_role": ("skip", None)})
            ids = {"seeker": seeker.id, "employer": employer.id}
        yield ids
        dispose_all()
        get_settings.cache_clear()


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page)))


def test_a_work_seekers_handoff_shows_the_measures_their_words_and_how_to_reach_them(world: dict[str, int]) -> None:
    client = client_for(ANNA)
    page = client.get(f"/staff/handoffs/{world['seeker']}").text
    assert "Cook &lt;b&gt;or&lt;/b&gt; dishwasher" in page and "<b>or</b>" not in page  # their words, escaped
    shown = text_of(page)
    assert "Sure of finding a good match, before → after 2 → 4 (1 not sure at all, 5 very sure)" in shown
    assert "Work they are looking for Cook <b>or</b> dishwasher" in shown
    assert "Outside work (ride, child care, housing ...) No car & the bus stops at 6" in shown
    assert "What changed for them, in their words I know what to ask for now" in shown
    assert f"How to reach them In their words {CONTACT}" in shown
    assert 'href="tel:+19025550142"' in page and 'href="mailto:sam.d@example.ca"' in page
    printed = text_of(client.get(f"/staff/handoffs/{world['seeker']}/print").text)
    assert f"In their words {CONTACT}" in printed and "I know what to ask for now" in printed
    pdf = client.get(f"/staff/handoffs/{world['seeker']}/summary.pdf")
    assert pdf.status_code == 200
    words = squeezed(read_pdf(pdf.content).text)
    for expected in (
        CONTACT,
        "Cook <b>or</b> dishwasher",
        "I know what to ask for now",
        "Sure of finding a good match",
    ):
        assert squeezed(expected) in words, expected


def test_an_employers_handoff_names_the_business_and_says_no_contact_was_given(world: dict[str, int]) -> None:
    shown = text_of(client_for(ERIN).get(f"/staff/handoffs/{world['employer']}").text)
    assert "Business Harbour Diner" in shown
    assert "Hiring for Skipped" in shown
    assert "Understanding of the offer and the job, before → after 2 → 4 (1 not at all, 5 very well)" in shown
    assert "Sure of finding a good match" not in shown  # a work seekers' question
    assert "They gave no contact details after sharing." in shown


@pytest.mark.parametrize("account", [ERIN, TOM], ids=["another role", "another site"])
def test_another_role_or_site_never_sees_the_contact(world: dict[str, int], account: Account) -> None:
    client = client_for(account)
    for path in ("", "/print", "/summary.pdf", "/person"):
        response = client.get(f"/staff/handoffs/{world['seeker']}{path}")
        assert response.status_code == 404 and "902 555 0142" not in response.text
    assert "902 555 0142" not in client.get("/staff/export.csv").text
    assert listed(client.get("/staff/", params={"q": "sam d."})) == []


@pytest.mark.parametrize(
    ("account", "q", "found"),
    [
        (ANNA, "sam d.", "seeker"),  # a name in how to reach them
        (ANNA, "COOK", "seeker"),  # the work sought, any case
        (ERIN, "harbour", "employer"),  # the business
        (ERIN, "sam", None),  # another role's participant is never found
        (ANNA, "%", None),  # too short: a friendly error
        (ANNA, "co_k", None),  # _ and % are letters here, not wildcards
    ],
)
def test_the_queue_finds_a_person_by_the_words_they_gave(
    world: dict[str, int], account: Account, q: str, found: str | None
) -> None:
    response = client_for(account).get("/staff/", params={"q": q})
    assert response.status_code == (400 if q == "%" else 200)
    assert listed(response) == ([world[found]] if found else [])


def test_queue_rows_say_what_the_person_looks_for_or_hires_for(world: dict[str, int]) -> None:
    def about_cell(account: Account, handoff_id: int) -> str:
        page = client_for(account).get("/staff/").text
        row = re.search(rf'data-handoff="{handoff_id}".*?</tr>', page, re.S)
        assert row is not None
        cell = re.search(r'<td data-label="Looking for, or hiring" class="about"[^>]*>(.*?)</td>', row.group(0), re.S)
        assert cell is not None
        return cell.group(1)

    assert about_cell(ANNA, world["seeker"]) == "Cook &lt;b&gt;or&lt;/b&gt; dishwasher"  # never the barriers
    assert about_cell(ERIN, world["employer"]) == "Harbour Diner"


def test_the_queue_csv_holds_the_new_answers_and_how_to_reach_them(world: dict[str, int]) -> None:
    import csv
    import io

    response = client_for(ANNA).get("/staff/export.csv")
    assert response.status_code == 200
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"), newline="")))
    seeker = next(r for r in rows if r["handoff_id"] == str(world["seeker"]))
    assert (seeker["confidence_before"], seeker["confidence_after"]) == ("2", "4")
    assert (seeker["work_sought"], seeker["barriers"]) == (WORDS["work_sought"], WORDS["barriers"])
    assert (seeker["closing_reflection"], seeker["contact"]) == (WORDS["closing_reflection"], CONTACT)
    assert all(r["handoff_id"] != str(world["employer"]) for r in rows)  # another role's row is never exported
