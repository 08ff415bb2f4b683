"""The handoff's follow-up through the real staff routes (in process): assignment, due date, outcomes, drafts, scope."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import timedelta
from typing import Iterator

import httpx
import pytest
from sqlalchemy import select, update
from starlette.testclient import TestClient

from bot.settings import get_settings
from bot.staff.queue_params import staff_today
from bot.store.db import dispose_all, session_scope
from bot.store.follow_up_models import ContactAttempt, HandoffAssignment, NoteDraft
from bot.store.models import CASE_MANAGER, EES, WORK_SEEKER, AuditEvent, Handoff, PractitionerNote, utcnow
from bot.store.staff_models import StaffSessionRow
from tests.staff.queue_world import client_for, listed
from tests.staff.seed import Account, add_account, add_site, seed_handoff
from tests.support.database import DB_NAME, NewDatabase

ANNA = Account("anna@halifax.example", CASE_MANAGER, "default")
BEN = Account("ben@halifax.example", CASE_MANAGER, "default")
ERIN = Account("erin@halifax.example", EES, "default")
TRURO = Account("tom@truro.example", CASE_MANAGER, "truro")
DRAFT = "Called at 10, she asked\nfor the bus route <b>list</b>"


@dataclass
class World:
    url: str
    handoffs: list[int]  # Halifax work seekers', oldest first
    ids: dict[str, int]  # account email -> id


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[World]:
    url = new_database(tmp_path_factory.mktemp("followup") / DB_NAME)
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("DATABASE_URL", url)
        mp.setenv("STAFF_TIMEZONE", "America/Halifax")
        get_settings.cache_clear()
        with session_scope(url) as session:
            halifax = add_site(session, "default", "Halifax Works")
            add_site(session, "truro", "Truro Works")
            ids = {
                a.email: add_account(session, a, name=a.email.split("@")[0].title()).id
                for a in (ANNA, BEN, ERIN, TRURO)
            }
            handoffs = [
                seed_handoff(session, site=halifax, role=WORK_SEEKER, sender=f"fu-{i}", words={}).id for i in range(8)
            ]
        yield World(url, handoffs, ids)
        dispose_all()
        get_settings.cache_clear()


def csrf_of(client: TestClient, handoff_id: int) -> str:
    page = client.get(f"/staff/handoffs/{handoff_id}")
    assert page.status_code == 200
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match is not None
    return match.group(1)


def post(client: TestClient, handoff_id: int, action: str, **form: str) -> httpx.Response:
    return client.post(
        f"/staff/handoffs/{handoff_id}/{action}", data={"csrf_token": csrf_of(client, handoff_id), **form}
    )


def text_of(response: httpx.Response) -> str:
    return html.unescape(re.sub(r"<[^>]+>", " ", response.text))


def handoff(world: World, handoff_id: int) -> Handoff:
    with session_scope(world.url) as session:
        row = session.get(Handoff, handoff_id)
        session.expunge(row)
        return row


def audit_actions(world: World, handoff_id: int) -> list[tuple[int | None, str, str]]:
    with session_scope(world.url) as session:
        rows = session.execute(
            select(AuditEvent).where(AuditEvent.subject_type == "handoff", AuditEvent.subject_id == str(handoff_id))
        ).scalars()
        return [(e.practitioner_id, e.action, e.subject_id) for e in rows if e.action != "summary_viewed"]


def test_assign_to_me_then_a_colleague_must_confirm_and_the_first_owner_hears_of_it(world: World) -> None:
    h = world.handoffs[0]
    anna, ben = client_for(ANNA), client_for(BEN)
    claimed = post(anna, h, "claim", owner="")
    assert (claimed.status_code, claimed.headers["location"]) == (303, f"/staff/handoffs/{h}?done=assigned")
    assert (handoff(world, h).assigned_to_id, handoff(world, h).status) == (world.ids[ANNA.email], "in_review")
    page = ben.get(f"/staff/handoffs/{h}")
    assert re.search(
        r"Assigned to Anna since \d{4}-\d\d-\d\d \d\d:\d\d A[DS]T\. Assigning it takes it from them\.", text_of(page)
    )
    assert 'id="confirm-claim" name="confirm" value="1" required' in page.text
    unconfirmed = post(ben, h, "claim", owner=str(world.ids[ANNA.email]))
    assert unconfirmed.status_code == 400
    assert "This summary is assigned to Anna. Tick the box to confirm" in text_of(unconfirmed)
    stale = post(ben, h, "claim", owner="", confirm="1")  # the page Ben confirmed on showed nobody as owner
    assert stale.status_code == 409 and "was assigned to Anna after you opened it" in text_of(stale)
    assert handoff(world, h).assigned_to_id == world.ids[ANNA.email]
    taken = post(ben, h, "claim", owner=str(world.ids[ANNA.email]), confirm="1")
    assert taken.status_code == 303 and handoff(world, h).assigned_to_id == world.ids[BEN.email]
    queue = anna.get("/staff/")
    assert re.search(rf"Summary #{h} was moved to Ben by Ben on \d{{4}}-\d\d-\d\d \d\d:\d\d A[DS]T\.", text_of(queue))
    assert "was moved to" not in anna.get("/staff/").text  # said once in the queue
    assert re.search(
        r"Moved to Ben by Ben on \d{4}-", text_of(anna.get(f"/staff/handoffs/{h}"))
    )  # the page keeps saying it
    assert audit_actions(world, h) == [
        (world.ids[ANNA.email], "handoff_claimed", str(h)),
        (world.ids[BEN.email], "handoff_claimed", str(h)),
        (world.ids[BEN.email], "handoff_reassigned", str(h)),
    ]
    with session_scope(world.url) as session:
        history = session.execute(select(HandoffAssignment).where(HandoffAssignment.handoff_id == h)).scalars().all()
        assert [(r.from_id, r.to_id, r.by_id) for r in history] == [
            (None, world.ids[ANNA.email], world.ids[ANNA.email]),
            (world.ids[ANNA.email], world.ids[BEN.email], world.ids[BEN.email]),
        ]


def test_assign_to_a_colleague_only_of_the_same_site_and_role(world: World) -> None:
    h = world.handoffs[1]
    anna = client_for(ANNA)
    page = anna.get(f"/staff/handoffs/{h}").text
    options = re.findall(
        r'<option value="(\d+)">([^<]+)</option>', page.split('id="assign-to"')[1].split("</select>")[0]
    )
    assert options == [(str(world.ids[BEN.email]), "Ben")]  # not Anna herself, not the EES, not Truro's
    for wrong in (world.ids[ERIN.email], world.ids[TRURO.email], 0):
        refused = post(anna, h, "assign", to=str(wrong), owner="")
        assert refused.status_code == 400 and "Choose a colleague of this site" in text_of(refused)
    assert post(anna, h, "assign", to=str(world.ids[BEN.email]), owner="").status_code == 303
    assert handoff(world, h).assigned_to_id == world.ids[BEN.email]
    assert audit_actions(world, h) == [(world.ids[ANNA.email], "handoff_assigned", str(h))]
    back = post(
        anna, h, "assign", to=str(world.ids[BEN.email]), owner=""
    )  # Ben has it: confirming is not needed to keep it
    assert back.status_code == 303


def test_status_cannot_go_back_to_new_while_assigned(world: World) -> None:
    h = world.handoffs[2]
    anna = client_for(ANNA)
    post(anna, h, "claim", owner="")
    page = anna.get(f"/staff/handoffs/{h}").text
    assert '<option value="new"' not in page and "New is not offered while the summary is assigned." in page
    refused = post(anna, h, "status", status="new")
    assert refused.status_code == 400 and "cannot be set back to New" in text_of(refused)
    assert handoff(world, h).status == "in_review"
    done = post(anna, h, "status", status="followed_up")
    assert done.headers["location"] == f"/staff/handoffs/{h}?done=status"
    assert post(anna, h, "status", status="bogus").status_code == 400


def test_another_sites_practitioner_gets_404_everywhere(world: World) -> None:
    h = world.handoffs[3]
    tom = client_for(TRURO)
    assert tom.get(f"/staff/handoffs/{h}").status_code == 404
    token = re.search(r'name="csrf_token" value="([^"]+)"', tom.get("/staff/").text).group(1)  # type: ignore[union-attr]
    for action, form in (
        ("claim", {"owner": ""}),
        ("assign", {"to": str(world.ids[TRURO.email])}),
        ("due", {"due_on": "2026-12-01"}),
        ("outcome", {"outcome": "reached"}),
        ("status", {"status": "followed_up"}),
        ("notes", {"note": "x"}),
    ):
        response = tom.post(f"/staff/handoffs/{h}/{action}", data={"csrf_token": token, **form})
        assert response.status_code == 404, action
    after = handoff(world, h)
    assert (after.assigned_to_id, after.follow_up_due_on, after.status) == (None, None, "new")


@pytest.mark.parametrize("action", ["claim", "assign", "due", "outcome", "notes"])
def test_a_post_without_the_csrf_token_is_refused(world: World, action: str) -> None:
    h = world.handoffs[3]
    response = client_for(ANNA).post(
        f"/staff/handoffs/{h}/{action}",
        data={"to": str(world.ids[BEN.email]), "due_on": "2026-12-01", "outcome": "reached", "note": "n"},
    )
    assert response.status_code == 403
    with session_scope(world.url) as session:
        assert session.execute(select(ContactAttempt).where(ContactAttempt.handoff_id == h)).first() is None
        assert session.execute(select(NoteDraft).where(NoteDraft.handoff_id == h)).first() is None
    assert handoff(world, h).assigned_to_id is None and handoff(world, h).follow_up_due_on is None


def test_due_date_and_contact_outcomes(world: World) -> None:
    h = world.handoffs[4]
    anna = client_for(ANNA)
    for bad in ("31/12/2026", "2026-02-30", "1999-12-31", "tomorrow", "2026-1-1"):
        refused = post(anna, h, "due", due_on=bad)
        assert refused.status_code == 400 and "Give the due date as a day" in text_of(refused), bad
    saved = post(anna, h, "due", due_on="2026-12-15")
    assert saved.headers["location"] == f"/staff/handoffs/{h}?done=due"
    assert str(handoff(world, h).follow_up_due_on) == "2026-12-15"
    for bad in ("", "called", "REACHED"):
        assert post(anna, h, "outcome", outcome=bad).status_code == 400
    assert post(anna, h, "outcome", outcome="no_answer").status_code == 303
    assert post(client_for(BEN), h, "outcome", outcome="reached").status_code == 303
    page = anna.get(f"/staff/handoffs/{h}?done=outcome")
    assert 'role="status" id="confirmation" tabindex="-1" autofocus>Contact attempt recorded.' in page.text
    assert "Due on 2026-12-15." in page.text and 'value="2026-12-15"' in page.text
    items = re.findall(r'<li data-outcome="(\w+)">([^<]+)</li>', page.text)
    assert [o for o, _ in items] == ["reached", "no_answer"]  # newest first
    assert re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d A[DS]T · Reached · Ben", html.unescape(items[0][1]))
    assert post(anna, h, "due", due_on="").status_code == 303
    assert handoff(world, h).follow_up_due_on is None
    actions = [a for _, a, _ in audit_actions(world, h)]
    assert actions == ["follow_up_due_set", "contact_no_answer", "contact_reached", "follow_up_due_cleared"]
    assert anna.get(f"/staff/handoffs/{h}?done=<script>").text.count('id="confirmation"') == 0


def test_due_today_and_overdue_filters_with_their_counts(world: World) -> None:
    today = staff_today()
    overdue, due_today, later, done = world.handoffs[5], world.handoffs[6], world.handoffs[7], world.handoffs[2]
    anna = client_for(ANNA)
    for h, day in ((overdue, today - timedelta(days=3)), (due_today, today), (later, today + timedelta(days=2))):
        assert post(anna, h, "due", due_on=day.isoformat()).status_code == 303
    assert post(anna, done, "due", due_on=(today - timedelta(days=9)).isoformat()).status_code == 303  # followed up
    queue = anna.get("/staff/")
    assert "Due today (1)" in queue.text and "Overdue (1)" in queue.text
    assert listed(anna.get("/staff/?due=overdue")) == [overdue]
    assert listed(anna.get("/staff/?due=today")) == [due_today]
    assert listed(anna.get("/staff/?due=nonsense")) == listed(queue)  # an unknown choice is no filter
    assert 'name="due" value="overdue"' in anna.get("/staff/?due=overdue").text  # the search form keeps it


def _expire_sessions_of(world: World, email: str) -> None:
    with session_scope(world.url) as session:
        session.execute(
            update(StaffSessionRow)
            .where(StaffSessionRow.practitioner_id == world.ids[email])
            .values(last_seen_at=utcnow() - timedelta(hours=9))
        )


def test_a_note_sent_after_the_session_expired_comes_back_after_signing_in(
    world: World, caplog: pytest.LogCaptureFixture
) -> None:
    h = world.handoffs[1]
    ben = client_for(BEN)
    token = csrf_of(ben, h)
    _expire_sessions_of(world, BEN.email)
    sent = ben.post(f"/staff/handoffs/{h}/notes", data={"csrf_token": token, "note": DRAFT.replace("\n", "\r\n")})
    assert (sent.status_code, sent.headers["location"]) == (303, f"/staff/login?next=%2Fstaff%2Fhandoffs%2F{h}")
    login = ben.get(sent.headers["location"])
    token = re.search(r'name="csrf_token" value="([^"]+)"', login.text).group(1)  # type: ignore[union-attr]
    back = ben.post(
        "/staff/login",
        data={"csrf_token": token, "email": BEN.email, "password": BEN.password, "next": f"/staff/handoffs/{h}"},
    )
    assert back.headers["location"] == f"/staff/handoffs/{h}"
    page = ben.get(back.headers["location"])
    assert html.escape(DRAFT, quote=False) in page.text.split('id="note"')[1].split("</textarea>")[0]
    assert "Your note was not saved because your session had ended." in page.text
    assert "<b>list</b>" not in page.text
    assert client_for(ANNA).get(f"/staff/handoffs/{h}").text.count("bus route") == 0  # the draft is Ben's only
    saved = post(ben, h, "notes", note=DRAFT)
    assert saved.headers["location"] == f"/staff/handoffs/{h}?done=note"
    with session_scope(world.url) as session:
        assert session.execute(select(NoteDraft)).first() is None
        assert session.execute(
            select(PractitionerNote.text).where(PractitionerNote.handoff_id == h)
        ).scalars().all() == [DRAFT]
        assert not any("bus route" in e for e in session.execute(select(AuditEvent.subject_id)).scalars())
    assert "bus route" not in caplog.text
    assert "Your note was not saved" not in ben.get(f"/staff/handoffs/{h}").text


def test_a_note_replayed_with_a_signed_out_cookie_is_not_kept(world: World) -> None:
    h = world.handoffs[1]
    anna = client_for(ANNA)
    token = csrf_of(anna, h)
    cookie = anna.cookies.get("mf_staff")
    assert anna.post("/staff/logout", data={"csrf_token": token}).status_code == 303
    replay = TestClient(anna.app, follow_redirects=False, cookies={"mf_staff": cookie})
    response = replay.post(f"/staff/handoffs/{h}/notes", data={"csrf_token": token, "note": "planted"})
    assert response.status_code == 403
    with session_scope(world.url) as session:
        assert session.execute(select(NoteDraft)).first() is None
