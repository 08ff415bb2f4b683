"""Suggested matches on the handoff page: only consenting people of the other side at the same site, ranked by the
explained fit, with no contact details in their words (in process, real SQLite)."""

from __future__ import annotations

import html
import re
from typing import Iterator

import pytest
from sqlalchemy import select

from bot.alignment import fit, records
from bot.settings import get_settings
from bot.store import corrections, matching
from bot.store.db import dispose_all, session_scope
from bot.store.models import CASE_MANAGER, EES, EMPLOYER, WORK_SEEKER, Handoff, Practitioner, utcnow
from tests.staff.queue_world import client_for
from tests.staff.seed import Account, add_account, add_site, agree_to_matching, seed_handoff_in_language
from tests.support.database import DB_NAME, NewDatabase

ANNA = Account("anna@halifax.example", CASE_MANAGER, "default")
ERIN = Account("erin@halifax.example", EES, "default")
TOM = Account("tom@truro.example", EES, "truro")
ALL_STRENGTH = dict.fromkeys(("skills", "capacity", "pay", "arrangements", "values", "culture"), "strength")
EMPLOYER_WORDS = {
    "skills": "We train on the till; a food handler card helps",
    "capacity": "Busy weekends, calm weekdays",
    "pay": "$21/hr plus a health plan",
    "arrangements": "Day shifts, Monday to Friday, on the bus line",
    "values": "Respect and honesty",
    "culture": "Small team, we check in often",
}
GOOD_FIT = {
    "skills": "Cash and customer service",
    "capacity": "Full days are fine",
    "pay": "At least $20 an hour, call me at 902-555-0142",
    "arrangements": "Days only, I take the bus",
    "values": "Being treated fairly <b>matters</b>",
    "culture": "A team that checks in",
}
POOR_FIT = {
    "skills": "Forklift",
    "capacity": "Part time only",
    "pay": "I need at least $28/hr, email me at sam.d@example.ca",
    "arrangements": "I can't do days, nights only",
    "values": "Honesty",
    "culture": "Quiet place",
}


consent = agree_to_matching  # the participant's answer on matching, yes or NO MATCHES


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[dict[str, Handoff | int]]:
    url = new_database(tmp_path_factory.mktemp("matches") / DB_NAME)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        with session_scope(url) as session:
            halifax = add_site(session, "default", "Halifax Works")
            truro = add_site(session, "truro", "Truro Works")
            for account in (ANNA, ERIN, TOM):
                add_account(session, account)

            def handoff(role: str, sender: str, words: dict[str, str], site=halifax, agreed: bool | None = True):
                made = seed_handoff_in_language(
                    session, language="en", site=site, role=role, sender=sender, words=words, ratings=ALL_STRENGTH
                )
                if agreed is not None:
                    consent(session, made, agreed)
                return made

            employer = handoff(EMPLOYER, "m-employer", EMPLOYER_WORDS)
            good = handoff(WORK_SEEKER, "m-good", GOOD_FIT)
            poor = handoff(WORK_SEEKER, "m-poor", POOR_FIT)
            declined = handoff(WORK_SEEKER, "m-declined", GOOD_FIT, agreed=False)
            never_asked = handoff(WORK_SEEKER, "m-never", GOOD_FIT, agreed=None)
            took_back = handoff(WORK_SEEKER, "m-took-back", GOOD_FIT)
            consent(session, took_back, False)  # NO MATCHES after a yes: the later word wins
            unshared = handoff(WORK_SEEKER, "m-unshared", GOOD_FIT)
            unshared.withdrawn_at = utcnow()
            elsewhere = handoff(WORK_SEEKER, "m-truro", GOOD_FIT, site=truro)
            truro_employer = handoff(EMPLOYER, "m-truro-employer", EMPLOYER_WORDS, site=truro)
            silent_employer = handoff(EMPLOYER, "m-silent-employer", EMPLOYER_WORDS, agreed=False)
            made = {
                "employer": employer,
                "good": good,
                "poor": poor,
                "declined": declined,
                "never_asked": never_asked,
                "took_back": took_back,
                "unshared": unshared,
                "elsewhere": elsewhere,
                "truro_employer": truro_employer,
                "silent_employer": silent_employer,
            }
            ids = {
                name: {"id": h.id, "reference": h.run.public_id[:8], "body": h.summary.body} for name, h in made.items()
            }
        yield ids
        dispose_all()
        get_settings.cache_clear()


def listed(page: str) -> list[tuple[str, int]]:
    """(reference, score) of each suggested match, in page order."""
    return [
        (r, int(s)) for r, s in re.findall(r'<li class="match" data-reference="([^"]+)" data-score="(-?\d+)"', page)
    ]


def section(page: str) -> str:
    start = page.index('<section id="matches"')
    return page[start : page.index("</section>", start)]


def text_of(fragment: str) -> str:
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", fragment)))


def test_an_ees_sees_the_consenting_work_seekers_at_the_site_best_fit_first(world) -> None:
    page = client_for(ERIN).get(f"/staff/handoffs/{world['employer']['id']}").text
    employer = fit.Side.from_body(world["employer"]["body"])
    scores = {name: fit.explain(fit.Side.from_body(world[name]["body"]), employer).score for name in ("good", "poor")}
    assert scores["good"] > scores["poor"]
    assert listed(page) == [(world[n]["reference"], scores[n]) for n in ("good", "poor")]
    for absent in ("declined", "never_asked", "took_back", "unshared", "elsewhere"):
        assert world[absent]["reference"] not in section(page), absent


def test_each_match_explains_its_pay_schedule_and_points(world) -> None:
    shown = section(client_for(ERIN).get(f"/staff/handoffs/{world['employer']['id']}").text)
    good, poor = shown.split('<li class="match"')[1:3]
    assert 'data-verdict="meets"' in good and "Needs at least $20.00 an hour; offers $21.00 an hour." in text_of(good)
    assert 'data-verdict="below"' in poor and "The offer is below the need." in text_of(poor)
    assert "Clear conflicts: days." in text_of(poor)  # the employer names days, which this work seeker rules out
    assert '<tr data-factor="pay" data-flag="conflict">' in poor
    assert "-3 Pay: even the best offer stated is below the need stated" in text_of(poor)
    assert "+2 Pay & benefits: the work seeker's priority, which the employer rates a strength" in text_of(good)


def test_no_contact_details_and_no_markup_reach_the_other_practitioner(world) -> None:
    shown = section(client_for(ERIN).get(f"/staff/handoffs/{world['employer']['id']}").text)
    assert "902-555-0142" not in shown and "sam.d@example.ca" not in shown
    assert "At least $20 an hour, call me at […]" in text_of(shown)
    assert "I need at least $28/hr, email me at […]" in text_of(shown)
    assert "Being treated fairly &lt;b&gt;matters&lt;/b&gt;" in shown and "<b>matters</b>" not in shown


def test_a_case_manager_sees_the_consenting_employers_for_a_work_seeker(world) -> None:
    page = client_for(ANNA).get(f"/staff/handoffs/{world['good']['id']}").text
    assert [reference for reference, _ in listed(page)] == [world["employer"]["reference"]]
    assert world["silent_employer"]["reference"] not in section(page)
    assert world["truro_employer"]["reference"] not in section(page)


@pytest.mark.parametrize(
    ("whose", "message"),
    [
        ("declined", "They did not agree to their summary being used for matching (or took it back)"),
        ("took_back", "They did not agree to their summary being used for matching (or took it back)"),
        ("never_asked", "They were not asked about matching"),
    ],
)
def test_no_matches_for_someone_who_did_not_agree(world, whose: str, message: str) -> None:
    shown = section(client_for(ANNA).get(f"/staff/handoffs/{world[whose]['id']}").text)
    assert listed(shown) == [] and message in text_of(shown)


def test_another_sites_practitioner_never_sees_these_summaries(world) -> None:
    client = client_for(TOM)
    assert client.get(f"/staff/handoffs/{world['employer']['id']}").status_code == 404
    page = client.get(f"/staff/handoffs/{world['truro_employer']['id']}").text
    assert [reference for reference, _ in listed(page)] == [world["elsewhere"]["reference"]]


def test_one_person_with_two_summaries_is_listed_once_with_the_latest(
    world, new_database: NewDatabase, tmp_path
) -> None:
    url = new_database(tmp_path / DB_NAME)
    with session_scope(url) as session:
        site = add_site(session, "default", "Halifax Works")
        first = seed_handoff_in_language(
            session, language="en", site=site, role=WORK_SEEKER, sender="twice", words=GOOD_FIT, ratings=ALL_STRENGTH
        )
        consent(session, first, True)
        later = seed_handoff_in_language(
            session, language="en", site=site, role=WORK_SEEKER, sender="twice", words=POOR_FIT, ratings=ALL_STRENGTH
        )
        found = matching.candidates(session=session, site_id=site.id, audience="case_manager")
        assert [(c.handoff_id, c.run_public_id) for c in found] == [(later.id, later.run.public_id)]
    dispose_all()


def test_a_view_keeps_what_it_read_and_a_correction_clears_it(world) -> None:
    client_for(ERIN).get(f"/staff/handoffs/{world['employer']['id']}")
    with session_scope() as session:
        good = session.get(Handoff, world["good"]["id"]).summary
        assert good.facts is not None and good.facts["v"] == records.SIDE_RECORD_VERSION
        assert good.facts["pay"] == [[20.0, "hour", "min", None]]  # read from the words, the phone number hidden
        assert good.facts["priorities"] == ["pay", "arrangements"]
        corrections.correct(
            session=session,
            summary=good,
            practitioner=session.execute(select(Practitioner).where(Practitioner.email == ERIN.email)).scalar_one(),
            factor="pay",
            field="reflection",
            new_value="At least $24 an hour",
            reason="asked on the phone",
            rating_label=None,
            marked_on="2026-12-08",
            text_of=lambda body: "text",
        )
        assert good.facts is None
    client_for(ERIN).get(f"/staff/handoffs/{world['employer']['id']}")
    with session_scope() as session:
        assert session.get(Handoff, world["good"]["id"]).summary.facts["pay"] == [[24.0, "hour", "min", None]]
