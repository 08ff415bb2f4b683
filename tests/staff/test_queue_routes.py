"""The queue's parameters through the real staff routes (in process): search, filters, sort, pages, visits, scope."""

from __future__ import annotations

import csv
import html
import io
from datetime import date
from typing import Iterator

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.settings import get_settings
from bot.staff.routes import routes
from bot.store.db import dispose_all, session_scope
from bot.store.models import Handoff, Practitioner
from tests.staff.queue_world import (
    ADMIN_,
    CM,
    CM_TRURO,
    EES_,
    SM,
    STATUSES,
    VISITOR,
    Seeded,
    client_for,
    count_of,
    listed,
    seed_world,
    showing,
)
from tests.staff.seed import add_site, seed_handoff
from tests.support.database import DB_NAME, NewDatabase


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[Seeded]:
    url = new_database(tmp_path_factory.mktemp("queue") / DB_NAME)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        mp.setenv("STAFF_TIMEZONE", "America/Halifax")
        get_settings.cache_clear()
        with session_scope(url) as session:
            seeded = seed_world(session)
        yield seeded
        dispose_all()
        get_settings.cache_clear()


def newest_first(ids: list[int]) -> list[int]:
    return sorted(ids, reverse=True)  # created in id order in the world, day after day


def test_first_page_is_the_25_newest_and_page_2_the_rest(world: Seeded) -> None:
    client = client_for(CM)
    first = client.get("/staff/")
    assert first.status_code == 200
    assert listed(first) == newest_first(world.seekers)[:25]
    assert showing(first) == "Showing 1–25 of 30"
    assert 'href="/staff/?page=2&amp;since=' in first.text and 'rel="next"' in first.text
    second = client.get("/staff/?page=2")
    assert listed(second) == newest_first(world.seekers)[25:]
    assert showing(second) == "Showing 26–30 of 30"


@pytest.mark.parametrize("page", ["0", "-1", "abc", "1.5", "", "１", "99999999999"])
def test_a_bad_page_is_page_1(world: Seeded, page: str) -> None:
    response = client_for(CM).get("/staff/", params={"page": page})
    assert response.status_code == 200
    assert listed(response) == newest_first(world.seekers)[:25]


def test_a_page_past_the_end_is_the_last_page(world: Seeded) -> None:
    response = client_for(CM).get("/staff/?page=7")
    assert (response.status_code, listed(response), showing(response)) == (
        200,
        newest_first(world.seekers)[25:],
        "Showing 26–30 of 30",
    )


@pytest.mark.parametrize("status", STATUSES)
def test_status_filter_and_counts(world: Seeded, status: str) -> None:
    response = client_for(CM).get("/staff/", params={"status": status})
    wanted = [h for i, h in enumerate(world.seekers) if STATUSES[i % 3] == status]
    assert listed(response) == newest_first(wanted)
    assert [count_of(response, s) for s in STATUSES] == [10, 10, 10]


def test_unknown_status_sort_audience_and_flags_fall_back_to_the_defaults(world: Seeded) -> None:
    response = client_for(CM).get("/staff/?status=deleted&sort=random&audience=ees&mine=yes&new=2")
    assert response.status_code == 200
    assert listed(response) == newest_first(world.seekers)[:25]  # a Case Manager never sees employers


@pytest.mark.parametrize(
    "sort, expected",
    [
        ("newest", lambda ids: sorted(ids, reverse=True)),
        ("oldest", sorted),
        ("updated", sorted),  # the world changed the oldest most recently
        (
            "status",
            lambda ids: [h for s in STATUSES for h in sorted(ids, reverse=True) if STATUSES[ids.index(h) % 3] == s],
        ),
    ],
)
def test_sort_orders(world: Seeded, sort: str, expected) -> None:
    client = client_for(CM)
    both = listed(client.get("/staff/", params={"sort": sort})) + listed(
        client.get("/staff/", params={"sort": sort, "page": "2"})
    )
    assert both == expected(world.seekers)


def test_dates_are_days_in_atlantic_time(world: Seeded) -> None:
    client = client_for(CM)
    # Seeker i was handed off on 2026-11-(i+1) at 15:00 UTC = 11:00 AST, the same day in Halifax.
    response = client.get("/staff/?from=2026-11-03&to=2026-11-05")
    assert listed(response) == newest_first(world.seekers[2:5])
    assert [count_of(response, s) for s in STATUSES] == [1, 1, 1]
    assert listed(client.get("/staff/?from=2026-11-30")) == [world.seekers[29]]
    assert listed(client.get("/staff/?to=2026-11-01")) == [world.seekers[0]]


def test_a_day_starts_at_midnight_atlantic_not_utc(world: Seeded) -> None:
    client = client_for(SM)  # the first employer was handed off at 02:30 UTC on the 21st: 23:30 ADT on the 20th
    assert listed(client.get("/staff/?from=2026-10-20&to=2026-10-20")) == [world.employers[0]]
    assert listed(client.get("/staff/?from=2026-10-21&to=2026-10-31")) == []


@pytest.mark.parametrize(
    "query, reason",
    [
        ("from=2026-13-01", 'The "from" date must be a date such as 2026-12-01.'),
        ("from=yesterday", 'The "from" date must be a date such as 2026-12-01.'),
        ("from=0001-01-01", 'The "from" date must be a date such as 2026-12-01.'),
        ("to=9999-12-31", 'The "up to" date must be a date such as 2026-12-31.'),
        ("from=2026-11-05&to=2026-11-01", 'The "from" date is after the "up to" date.'),
        ("q=x", "Search by the reference shown on the summary"),  # too short for a name
        ("q=%23999999999999", "Search by the reference shown on the summary"),  # no such summary number
    ],
)
def test_a_bad_typed_value_is_a_400_with_the_reason(world: Seeded, query: str, reason: str) -> None:
    response = client_for(CM).get("/staff/?" + query)
    assert response.status_code == 400
    assert reason in html.unescape(response.text)
    assert listed(response) == []


def test_search_by_the_short_reference_the_full_id_or_the_number(world: Seeded) -> None:
    client = client_for(CM)
    target = world.seekers[7]
    public_id = world.public_ids[target]
    for q in (public_id[:8], public_id[:8].upper(), public_id, f" {public_id[:12]} ", f"#{target}", str(target)):
        response = client.get("/staff/", params={"q": q})
        assert (response.status_code, listed(response)) == (200, [target]), q
        assert f"<code>{public_id[:8]}</code>" in response.text


def test_search_never_finds_another_sites_or_audiences_handoff(world: Seeded) -> None:
    client = client_for(CM)
    for other in (world.truro[0], world.employers[0]):
        for q in (world.public_ids[other][:8], world.public_ids[other], f"#{other}"):
            response = client.get("/staff/", params={"q": q})
            assert (response.status_code, listed(response), showing(response)) == (200, [], "No summaries match.")
            assert [count_of(response, s) for s in STATUSES] == [0, 0, 0]


def test_audience_filter_for_roles_that_see_both(world: Seeded) -> None:
    client = client_for(SM)
    assert listed(client.get("/staff/?audience=ees")) == newest_first(world.employers)
    seekers = client.get("/staff/?audience=case_manager")
    assert showing(seekers) == "Showing 1–25 of 30"
    assert listed(client_for(EES_).get("/staff/?audience=case_manager")) == newest_first(world.employers)


def test_admin_filtering_by_site_sees_that_sites_rows_and_counts(world: Seeded) -> None:
    client = client_for(ADMIN_)
    truro = client.get("/staff/?site=truro")
    assert listed(truro) == newest_first(world.truro)
    assert [count_of(truro, s) for s in STATUSES] == [2, 2, 2]
    everything = client.get("/staff/")
    assert showing(everything).endswith(f" of {len(world.seekers) + len(world.employers) + len(world.truro)}")
    unknown = client.get("/staff/?site=nowhere")
    assert unknown.status_code == 400 and "There is no site with the code nowhere." in unknown.text


def test_only_an_admin_can_pick_a_site(world: Seeded) -> None:
    response = client_for(CM_TRURO).get("/staff/?site=default")
    assert (response.status_code, listed(response)) == (200, newest_first(world.truro))
    assert [count_of(response, s) for s in STATUSES] == [2, 2, 2]


def test_mine_lists_only_what_i_claimed(world: Seeded) -> None:
    response = client_for(CM).get("/staff/?mine=1")
    assert listed(response) == newest_first([h for i, h in enumerate(world.seekers) if i % 5 == 0])


def test_export_follows_the_filters_and_the_scope(world: Seeded) -> None:
    client = client_for(CM)
    target = world.seekers[3]
    rows = client.get("/staff/export.csv", params={"q": world.public_ids[target][:8]}).text.splitlines()
    assert [r.split(",")[0] for r in rows[1:]] == [str(target)]
    everything = client.get("/staff/export.csv").text.splitlines()
    assert sorted(int(r.split(",")[0]) for r in everything[1:]) == world.seekers
    assert client.get("/staff/export.csv?from=nonsense").status_code == 400


def test_export_times_are_in_atlantic_time_with_the_owner_and_the_due_date(world: Seeded) -> None:
    first, second = world.seekers[0], world.seekers[1]  # 2026-11-01 15:00 UTC (claimed by cm), 2026-11-02 15:00 UTC
    with session_scope(get_settings().database_url) as session:
        session.get(Handoff, first).follow_up_due_on = date(2999, 1, 15)  # far off: no "due today/overdue" count moves
    try:
        rows = {
            int(r["handoff_id"]): r
            for r in csv.DictReader(io.StringIO(client_for(CM).get("/staff/export.csv").content.decode("utf-8-sig")))
        }
    finally:
        with session_scope(get_settings().database_url) as session:
            session.get(Handoff, first).follow_up_due_on = None
    column = "received_at (America/Halifax, ISO 8601 with UTC offset)"
    assert (rows[first][column], rows[first]["assigned_to"], rows[first]["follow_up_due_on"]) == (
        "2026-11-01T11:00:00-04:00",
        "cm",
        "2999-01-15",
    )
    assert (rows[second][column], rows[second]["assigned_to"], rows[second]["follow_up_due_on"]) == (
        "2026-11-02T11:00:00-04:00",
        "",
        "",
    )


def test_new_since_the_last_visit(world: Seeded) -> None:
    client = client_for(VISITOR)
    first = client.get("/staff/")
    assert "This is your first visit to the queue" in first.text
    assert first.text.count('data-arrived="1"') == len(world.truro)
    with session_scope() as session:
        visit = session.execute(select(Practitioner).where(Practitioner.email == VISITOR.email)).scalar_one()
        mark = visit.last_queue_visit_at
        truro = add_site(session, "truro", "Truro Works")
        fresh = [
            seed_handoff(session, site=truro, role="work_seeker", sender=f"fresh-{i}", words={}).id for i in (1, 2)
        ]
    assert mark is not None
    revisit = client.get("/staff/")
    assert revisit.text.count('data-arrived="1"') == 2
    assert 'href="/staff/?new=1&amp;since=' in revisit.text
    only_new = client.get("/staff/?new=1")  # a new visit again: nothing arrived since the revisit
    assert listed(only_new) == []
    since = mark.isoformat(timespec="microseconds")
    kept = client.get("/staff/", params={"new": "1", "since": since})  # a link of the revisit's page
    assert listed(kept) == sorted(fresh, reverse=True)
    assert [count_of(kept, s) for s in STATUSES] == [2, 0, 0]
    assert client.get("/staff/", params={"new": "1", "since": "garbage"}).status_code == 200


@pytest.mark.parametrize(
    "junk",
    ["q=%00", "q=" + "a" * 500, "sort[]=x", "page=%ff", "since=2026-13-40T99:00", "site=", "from=", "status=%0a"],
)
def test_junk_never_breaks_the_page(world: Seeded, junk: str) -> None:
    assert client_for(ADMIN_).get("/staff/?" + junk).status_code in (200, 400)


def test_deletion_search_accepts_the_short_reference(world: Seeded) -> None:
    client = client_for(ADMIN_)
    public_id = world.public_ids[world.seekers[0]]
    for q in (public_id[:8], public_id[:8].upper(), public_id):
        page = client.get("/staff/admin/participants", params={"q": q})
        assert f'href="/staff/admin/participants/{public_id}"' in page.text, q
    assert (
        "/staff/admin/participants/" + public_id
        not in client.get("/staff/admin/participants", params={"q": public_id[:7]}).text
    )


def test_a_signed_out_visitor_is_sent_to_sign_in_with_the_filters_kept(world: Seeded) -> None:
    response = TestClient(Starlette(routes=routes), follow_redirects=False).get("/staff/?status=new&page=2")
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/login?next=%2Fstaff%2F%3Fstatus%3Dnew%26page%3D2"
