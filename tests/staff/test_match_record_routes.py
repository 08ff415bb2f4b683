"""The match record an EES and a Case Manager share: started from a suggested match, moved through its stages with
notes by either of them, never by another site, never with someone who did not agree; erased with the person."""

from __future__ import annotations

import re
from datetime import datetime

from sqlalchemy import func, select

from bot.staff.report_export import match_rows
from bot.store import erasure
from bot.store.db import session_scope
from bot.store.match_models import Match, MatchEvent
from bot.store.match_reports import MatchFigures
from bot.store.models import Handoff
from bot.store.reports import ReportQuery, site_report
from tests.staff.queue_world import client_for
from tests.staff.test_matches_routes import ANNA, ERIN, TOM, world  # noqa: F401  (the same seeded site)

CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(page: str) -> str:
    found = CSRF.search(page)
    assert found is not None
    return found.group(1)


def record_of(page: str) -> str:
    start = page.index('<section id="matches-in-progress"')
    return page[start : page.index("</section>", start)]


def run_id_of(world, name: str) -> str:  # noqa: F811
    with session_scope() as session:
        return str(session.get(Handoff, world[name]["id"]).run.public_id)


def test_an_ees_starts_a_match_and_the_case_manager_moves_it_on(world) -> None:  # noqa: F811
    erin, anna = client_for(ERIN), client_for(ANNA)
    employer_page = f"/staff/handoffs/{world['employer']['id']}"
    token = csrf_of(erin.get(employer_page).text)
    started = erin.post(f"{employer_page}/matches", data={"csrf_token": token, "other": run_id_of(world, "good")})
    assert started.status_code == 303
    assert started.headers["location"] == f"{employer_page}?done=match_started#matches-in-progress"
    with session_scope() as session:
        match = session.execute(select(Match)).scalar_one()
        assert (match.seeker_handoff_id, match.employer_handoff_id, match.stage) == (
            world["good"]["id"],
            world["employer"]["id"],
            "suggested",
        )
        match_id = match.id
    seeker_page = anna.get(f"/staff/handoffs/{world['good']['id']}").text
    assert f'Match with {world["employer"]["reference"]}: <span class="stage">Suggested</span>' in record_of(
        seeker_page
    )
    introduced = anna.post(
        f"/staff/matches/{match_id}",
        data={
            "csrf_token": csrf_of(seeker_page),
            "handoff": str(world["good"]["id"]),
            "stage": "introduced",
            "happened_on": "2026-12-09",
            "note": "Called her, she would like to meet <them>",
        },
    )
    assert introduced.status_code == 303
    shown = record_of(erin.get(employer_page).text)
    assert 'data-stage="introduced"' in shown
    assert "<strong>Introduced</strong> (on 2026-12-09)" in shown
    assert "Called her, she would like to meet &lt;them&gt;" in shown  # a shared note, escaped
    with session_scope() as session:
        events = session.execute(select(MatchEvent.stage, MatchEvent.note).order_by(MatchEvent.id)).all()
        assert [tuple(e) for e in events] == [
            ("suggested", None),
            ("introduced", "Called her, she would like to meet <them>"),
        ]


def test_ending_a_match_needs_a_reason_and_a_bad_stage_is_refused(world) -> None:  # noqa: F811
    erin = client_for(ERIN)
    employer_page = f"/staff/handoffs/{world['employer']['id']}"
    token = csrf_of(erin.get(employer_page).text)
    erin.post(f"{employer_page}/matches", data={"csrf_token": token, "other": run_id_of(world, "poor")})
    with session_scope() as session:
        match_id = session.execute(select(Match.id).where(Match.seeker_handoff_id == world["poor"]["id"])).scalar_one()
    base = {"csrf_token": token, "handoff": str(world["employer"]["id"])}
    no_reason = erin.post(f"/staff/matches/{match_id}", data={**base, "stage": "ended"})
    assert no_reason.status_code == 400 and "Say why the match ended." in no_reason.text
    bad = erin.post(f"/staff/matches/{match_id}", data={**base, "stage": "married"})
    assert bad.status_code == 400 and "Choose one of the stages listed." in bad.text
    empty = erin.post(f"/staff/matches/{match_id}", data={**base, "stage": "suggested"})
    assert empty.status_code == 400 and "Choose a new stage or write a note." in empty.text
    ended = erin.post(
        f"/staff/matches/{match_id}", data={**base, "stage": "ended", "ended_reason": "Pay too far apart"}
    )
    assert ended.status_code == 303
    with session_scope() as session:
        assert session.execute(select(Match.stage, Match.ended_reason).where(Match.id == match_id)).one() == (
            "ended",
            "Pay too far apart",
        )


def test_no_match_with_someone_who_did_not_agree_or_at_another_site(world) -> None:  # noqa: F811
    erin = client_for(ERIN)
    employer_page = f"/staff/handoffs/{world['employer']['id']}"
    token = csrf_of(erin.get(employer_page).text)
    for other in ("declined", "took_back", "unshared", "elsewhere"):
        refused = erin.post(f"{employer_page}/matches", data={"csrf_token": token, "other": run_id_of(world, other)})
        assert refused.status_code == 409, other
    silent = f"/staff/handoffs/{world['silent_employer']['id']}"
    from_silent = erin.post(f"{silent}/matches", data={"csrf_token": token, "other": run_id_of(world, "good")})
    assert from_silent.status_code == 409  # the employer on this page did not agree


def test_another_sites_practitioner_can_neither_see_nor_change_a_match(world) -> None:  # noqa: F811
    with session_scope() as session:
        match_id = session.execute(select(Match.id).order_by(Match.id)).scalars().first()
    assert match_id is not None
    tom = client_for(TOM)
    token = csrf_of(tom.get(f"/staff/handoffs/{world['truro_employer']['id']}").text)
    for handoff in ("employer", "good"):
        changed = tom.post(
            f"/staff/matches/{match_id}",
            data={"csrf_token": token, "handoff": str(world[handoff]["id"]), "note": "mine now"},
        )
        assert changed.status_code == 404
    # a handoff in Tom's scope that is not one of the match's two is refused the same way
    elsewhere = tom.post(
        f"/staff/matches/{match_id}",
        data={"csrf_token": token, "handoff": str(world["truro_employer"]["id"]), "note": "mine now"},
    )
    assert elsewhere.status_code == 404
    with session_scope() as session:
        assert (
            session.execute(
                select(func.count()).select_from(MatchEvent).where(MatchEvent.note == "mine now")
            ).scalar_one()
            == 0
        )


def test_the_numbers_count_the_matches_started_and_how_far_they_went(world) -> None:  # noqa: F811
    with session_scope() as session:
        site_id = session.get(Handoff, world["employer"]["id"]).site_id
        other_site = session.get(Handoff, world["truro_employer"]["id"]).site_id
        in_period = ReportQuery(start=datetime(2026, 1, 1), end=datetime(2100, 1, 1), site_ids=(site_id,))
        report = site_report(session=session, query=in_period)
        assert report.matches == MatchFigures(suggested=2, introduced=1, ended=1)
        assert [(r.key, r.cells[0].text) for r in match_rows(report)] == [
            ("matches_suggested", "2"),
            ("matches_introduced", "1"),
            ("matches_interviewing", "0"),
            ("matches_hired", "0"),
            ("matches_retained_1m", "0"),
            ("matches_retained_3m", "0"),
            ("matches_ended", "1"),
            ("matches_hire_rate", "0.0%"),
            ("matches_retained_3m_rate", "No data"),
        ]
        elsewhere = ReportQuery(start=in_period.start, end=in_period.end, site_ids=(other_site,))
        assert site_report(session=session, query=elsewhere).matches == MatchFigures()
        before = ReportQuery(start=datetime(2020, 1, 1), end=datetime(2021, 1, 1), site_ids=None)
        assert site_report(session=session, query=before).matches == MatchFigures()


def test_deleting_a_participant_erases_their_matches_and_events(world) -> None:  # noqa: F811
    with session_scope() as session:
        seeker = session.get(Handoff, world["good"]["id"]).run.participant
        counts = erasure.participant_row_counts(session=session, participant_id=seeker.id)
        assert counts["matches"] == 1 and counts["match_events"] == 2
        erasure.delete_participant(session=session, participant=seeker)
    with session_scope() as session:
        assert (
            session.execute(
                select(func.count()).select_from(Match).where(Match.seeker_handoff_id == world["good"]["id"])
            ).scalar_one()
            == 0
        )
        remaining = session.execute(select(func.count()).select_from(MatchEvent)).scalar_one()
        assert remaining == 2  # the poor fit's match: suggested, then ended (the refused posts saved nothing)
