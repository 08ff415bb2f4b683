"""One person's summaries linked (in process, real staff routes): the handoff page's block and the person page, each
listing only what the account may see (site and role, as the queue), 404 otherwise, audited with ids only."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator, Protocol

import pytest
from sqlalchemy import select
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.settings import get_settings
from bot.staff.routes import routes
from bot.staff.views_person import BLOCK_LINKS
from bot.store.db import dispose_all, session_scope
from bot.store.models import (
    ADMIN,
    CASE_MANAGER,
    EES,
    EMPLOYER,
    SITE_MANAGER,
    WORK_SEEKER,
    AuditEvent,
    Handoff,
    Practitioner,
    Site,
)
from tests.staff.queue_world import client_for
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.support.database import DB_NAME, NewDatabase

CM = Account("cm@person-halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@person-halifax.example", EES, "default")
SM = Account("sm@person-halifax.example", SITE_MANAGER, "default")
ADMIN_ = Account("admin@person.example", ADMIN, None)
CM_TRURO = Account("cm@person-truro.example", CASE_MANAGER, "truro")
NO_SITE = Account("cm@person-nowhere.example", CASE_MANAGER, None)  # a Case Manager not linked to a site
MANY = BLOCK_LINKS + 2  # handoffs of the second person, all Halifax work seeker's


class Answer(Protocol):
    """What these tests read of an answer (starlette's TestClient gives httpx2's responses)."""

    status_code: int

    @property
    def text(self) -> str: ...


@dataclass
class World:
    url: str
    seeker: list[int]  # the person's Halifax work-seeker handoffs, oldest first (a restart: two runs)
    employer: int  # the same person's Halifax employer handoff (a second activity, as an employer)
    truro: int  # the same person's handoff at Truro (they moved)
    stranger: int  # someone else's Halifax work-seeker handoff
    many: list[int]  # a third person's handoffs, oldest first
    public_id: str  # the person's reference


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    url = new_database(tmp_path_factory.mktemp("person") / DB_NAME)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        get_settings.cache_clear()
        with session_scope(url) as session:
            halifax = add_site(session, "default", "Halifax Works")
            truro = add_site(session, "truro", "Truro Works")
            for account in (CM, EES_, SM, ADMIN_, CM_TRURO, NO_SITE):
                add_account(session, account)

            def shared(site: Site, role: str, sender: str, day: int) -> Handoff:
                handoff = seed_handoff(session, site=site, role=role, sender=sender, words={})
                handoff.created_at = datetime(2026, 11, day, 15)
                return handoff

            first = shared(halifax, WORK_SEEKER, "person-1", 1)
            second = shared(halifax, WORK_SEEKER, "person-1", 2)
            employer = shared(halifax, EMPLOYER, "person-1", 3)
            moved = shared(truro, WORK_SEEKER, "person-1", 4)
            stranger = shared(halifax, WORK_SEEKER, "person-2", 5)
            many = [shared(halifax, WORK_SEEKER, "person-3", 6 + i).id for i in range(MANY)]
            session.flush()
            world = World(
                url=url,
                seeker=[first.id, second.id],
                employer=employer.id,
                truro=moved.id,
                stranger=stranger.id,
                many=many,
                public_id=first.run.participant.public_id,
            )
        yield world
        dispose_all()
        get_settings.cache_clear()


def block(response: Answer) -> tuple[str, list[int]]:
    """The handoff page's "Other summaries from this person": its count line and the summaries it links."""
    assert response.status_code == 200
    section = response.text.split('<section id="other-summaries"')[1].split("</section>")[0]
    count = re.search(r'id="other-summaries-count">([^<]*)</p>', section)
    assert count is not None
    return html.unescape(count.group(1)), [int(x) for x in re.findall(r'<li><a href="/staff/handoffs/(\d+)">', section)]


def listed(response: Answer) -> list[int]:
    """The person page's summaries, in page order."""
    assert response.status_code == 200, response.text
    return [int(x) for x in re.findall(r'<li class="status-[a-z_]+" data-handoff="(\d+)">', response.text)]


def test_a_case_manager_sees_the_persons_other_work_seeker_summaries_at_their_site_only(world: World) -> None:
    client = client_for(CM)
    first, second = world.seeker
    assert block(client.get(f"/staff/handoffs/{first}")) == (
        "1 other summary from this person that you can see:",
        [second],
    )
    assert block(client.get(f"/staff/handoffs/{second}"))[1] == [first]
    page = client.get(f"/staff/handoffs/{first}/person")
    assert listed(page) == [second, first]  # newest first; not the employer's, not Truro's
    assert f"Summaries from this person, reference {world.public_id[:8]}" in html.unescape(page.text)
    assert "2 summaries." in page.text
    assert re.search(
        rf'data-handoff="{first}">\s*<h2><a href="/staff/handoffs/{first}">Summary #{first}</a> ', page.text
    )
    assert "(the one you came from)" in page.text.split(f'data-handoff="{first}"')[1]
    for hidden in (world.employer, world.truro, world.stranger):
        assert f"/staff/handoffs/{hidden}" not in page.text


def test_each_role_sees_what_its_queue_would_show(world: World) -> None:
    first, second = world.seeker
    assert listed(client_for(EES_).get(f"/staff/handoffs/{world.employer}/person")) == [world.employer]
    assert block(client_for(EES_).get(f"/staff/handoffs/{world.employer}")) == (
        "No other summary from this person that you can see.",
        [],
    )
    assert listed(client_for(SM).get(f"/staff/handoffs/{first}/person")) == [world.employer, second, first]
    assert listed(client_for(ADMIN_).get(f"/staff/handoffs/{first}/person")) == [
        world.truro,
        world.employer,
        second,
        first,
    ]
    assert listed(client_for(CM_TRURO).get(f"/staff/handoffs/{world.truro}/person")) == [world.truro]
    assert block(client_for(ADMIN_).get(f"/staff/handoffs/{world.truro}")) == (
        "3 other summaries from this person that you can see:",
        [world.employer, second, first],
    )


@pytest.mark.parametrize(
    ("account", "handoff"),
    [
        (EES_, "seeker"),  # another audience's
        (CM, "employer"),
        (CM_TRURO, "seeker"),  # another site's
        (CM, "truro"),
        (NO_SITE, "seeker"),  # no site: no queue at all
        (CM, "missing"),
    ],
)
def test_anything_else_is_the_same_404(world: World, account: Account, handoff: str) -> None:
    handoff_id = {"seeker": world.seeker[0], "employer": world.employer, "truro": world.truro, "missing": 999_999}
    response = client_for(account).get(f"/staff/handoffs/{handoff_id[handoff]}/person")
    assert response.status_code == 404
    assert "There is nothing here, or it is not part of your queue." in response.text
    assert world.public_id[:8] not in response.text


def test_signed_out_visitors_are_sent_to_sign_in(world: World) -> None:
    anonymous = TestClient(Starlette(routes=routes), follow_redirects=False)
    response = anonymous.get(f"/staff/handoffs/{world.seeker[0]}/person")
    assert response.status_code == 303
    assert response.headers["location"] == f"/staff/login?next=%2Fstaff%2Fhandoffs%2F{world.seeker[0]}%2Fperson"


def test_the_block_links_a_few_and_counts_them_all(world: World) -> None:
    client = client_for(CM)
    newest = world.many[-1]
    count, links = block(client.get(f"/staff/handoffs/{newest}"))
    assert count == f"{MANY - 1} other summaries from this person that you can see:"
    assert links == list(reversed(world.many[:-1]))[:BLOCK_LINKS]
    assert f'href="/staff/handoffs/{newest}/person" id="person-link"' in client.get(f"/staff/handoffs/{newest}").text
    assert listed(client.get(f"/staff/handoffs/{newest}/person")) == list(reversed(world.many))


def person_views(world: World) -> list[tuple[str, str, str]]:
    """Every person_summaries_viewed audit row: (account email, subject type, subject id)."""
    with session_scope(world.url) as session:
        rows = session.execute(
            select(Practitioner.email, AuditEvent.subject_type, AuditEvent.subject_id)
            .join(Practitioner, Practitioner.id == AuditEvent.practitioner_id)
            .where(AuditEvent.action == "person_summaries_viewed")
            .order_by(AuditEvent.id)
        ).all()
    return [(email, kind, subject) for email, kind, subject in rows]


def test_the_view_is_audited_with_ids_only(world: World) -> None:
    before = person_views(world)
    client_for(SM).get(f"/staff/handoffs/{world.seeker[1]}/person")
    client_for(EES_).get(f"/staff/handoffs/{world.seeker[1]}/person")  # a 404 is not a view
    assert person_views(world)[len(before) :] == [(SM.email, "participant", world.public_id)]
