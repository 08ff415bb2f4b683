"""A seeded world for the queue tests: two sites, their handoffs at known times and statuses, an HTTP client per account."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

import httpx
from sqlalchemy.orm import Session
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.staff.routes import routes
from bot.store.models import ADMIN, CASE_MANAGER, EES, EMPLOYER, SITE_MANAGER, WORK_SEEKER, Handoff, Site
from tests.staff.seed import Account, add_account, add_site, seed_handoff

CM = Account("cm@halifax.example", CASE_MANAGER, "default")
EES_ = Account("ees@halifax.example", EES, "default")
SM = Account("sm@halifax.example", SITE_MANAGER, "default")
ADMIN_ = Account("admin@province.example", ADMIN, None)
CM_TRURO = Account("cm@truro.example", CASE_MANAGER, "truro")
VISITOR = Account("visitor@truro.example", CASE_MANAGER, "truro")  # only the visits test uses it
ACCOUNTS = (CM, EES_, SM, ADMIN_, CM_TRURO, VISITOR)
STATUSES = ("new", "in_review", "followed_up")
SEEKERS = 30  # Halifax work seekers: handoff i on 2026-11-(i+1) at 15:00 UTC, status STATUSES[i % 3]
EMPLOYERS = 4  # Halifax employers, 2026-11-(i+1) at 16:00 UTC, after one on 2026-10-21 at 02:30 UTC (LATE_EVENING)
LATE_EVENING = datetime(2026, 10, 21, 2, 30)  # 2026-10-20 23:30 in Halifax (ADT)
TRURO = 6  # Truro work seekers, 2026-11-(i+1) at 17:00 UTC


@dataclass
class Seeded:
    """Handoff ids by group, in seeding order (oldest first), and each handoff's participant public id."""

    seekers: list[int]
    employers: list[int]
    truro: list[int]
    public_ids: dict[int, str]
    cm_id: int


def _place(handoff: Handoff, when: datetime, status: str, updated: datetime) -> None:
    handoff.created_at, handoff.status, handoff.updated_at = when, status, updated


def seed_world(session: Session) -> Seeded:
    halifax: Site = add_site(session, "default", "Halifax Works")
    truro: Site = add_site(session, "truro", "Truro Works")
    accounts = {a.email: add_account(session, a) for a in ACCOUNTS}
    cm = accounts[CM.email]
    seekers, employers, truro_ids, public_ids = [], [], [], {}

    def add(site: Site, role: str, sender: str) -> Handoff:
        h = seed_handoff(session, site=site, role=role, sender=sender, words={"skills": f"words of {sender}"})
        public_ids[h.id] = h.run.participant.public_id
        return h

    for i in range(SEEKERS):
        h = add(halifax, WORK_SEEKER, f"hx-ws-{i}")
        # updated in the reverse order of creation: "last changed first" lists the oldest first
        _place(h, datetime(2026, 11, i + 1, 15), STATUSES[i % 3], datetime(2026, 12, 1, 12, 59 - i))
        if i % 5 == 0:
            h.assigned_to_id = cm.id
        seekers.append(h.id)
    late = add(halifax, EMPLOYER, "hx-emp-late")
    _place(late, LATE_EVENING, "new", LATE_EVENING)
    employers.append(late.id)
    for i in range(EMPLOYERS):
        h = add(halifax, EMPLOYER, f"hx-emp-{i}")
        _place(h, datetime(2026, 11, i + 1, 16), "new", datetime(2026, 11, i + 1, 16))
        employers.append(h.id)
    for i in range(TRURO):
        h = add(truro, WORK_SEEKER, f"tr-ws-{i}")
        _place(h, datetime(2026, 11, i + 1, 17), STATUSES[i % 3], datetime(2026, 11, i + 1, 17))
        truro_ids.append(h.id)
    session.flush()
    return Seeded(seekers=seekers, employers=employers, truro=truro_ids, public_ids=public_ids, cm_id=cm.id)


def client_for(account: Account) -> TestClient:
    """The staff routes in process, signed in as ``account`` (through the real sign-in form)."""
    client = TestClient(Starlette(routes=routes), raise_server_exceptions=False, follow_redirects=False)
    form = client.get("/staff/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    assert match is not None
    response = client.post(
        "/staff/login",
        data={"csrf_token": match.group(1), "email": account.email, "password": account.password, "next": "/staff/"},
    )
    assert response.status_code == 303, response.text
    return client


def listed(response: httpx.Response) -> list[int]:
    """Handoff ids of the queue rows, in page order."""
    return [int(x) for x in re.findall(r'<tr class="[^"]*" data-handoff="(\d+)"', response.text)]


def count_of(response: httpx.Response, status: str) -> int:
    match = re.search(rf'data-status="{status}"[^>]*>[^<(]*\((\d+)\)</a>', response.text)
    assert match is not None, status
    return int(match.group(1))


def showing(response: httpx.Response) -> str:
    match = re.search(r'<p class="showing" id="showing">([^<]*)</p>', response.text)
    assert match is not None
    return match.group(1)
