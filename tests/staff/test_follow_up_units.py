"""The follow-up store functions: assignment history and moves, due dates, contact attempts, note drafts."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session

from bot.staff.queue_params import parse, store_query
from bot.staff.sessions import token_hash
from bot.store import follow_up, queue_query, staff_access
from bot.store.follow_up_models import NoteDraft
from bot.store.models import CASE_MANAGER, EES, EMPLOYER, SITE_MANAGER, WORK_SEEKER, utcnow
from bot.store.staff_repository import Scope
from tests.staff.seed import Account, add_account, add_site, seed_handoff


def test_assign_keeps_the_history_and_tells_the_previous_owner_once(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    a = add_account(session, Account("a@x.example", CASE_MANAGER, "default"))
    b = add_account(session, Account("b@x.example", CASE_MANAGER, "default"))
    h = seed_handoff(session, site=site, role=WORK_SEEKER, sender="s", words={})
    assert follow_up.assigned_since(session=session, handoff=h) is None
    first = follow_up.assign(session=session, handoff=h, to=a, by=a)
    assert first is not None and (h.status, h.assigned_to_id) == ("in_review", a.id)
    assert follow_up.assign(session=session, handoff=h, to=a, by=a) is None  # already hers: nothing to record
    assert follow_up.assigned_since(session=session, handoff=h) == first.created_at
    assert follow_up.unseen_moves(session=session, practitioner=a) == []
    follow_up.assign(session=session, handoff=h, to=b, by=b)
    moved = follow_up.moved_away(session=session, handoff=h, practitioner=a)
    assert moved is not None and (moved.handoff_id, moved.to_name, moved.by_name) == (h.id, "b", "b")
    assert [m.handoff_id for m in follow_up.unseen_moves(session=session, practitioner=a)] == [h.id]
    assert follow_up.unseen_moves(session=session, practitioner=a) == []  # heard once
    follow_up.assign(session=session, handoff=h, to=a, by=b)  # given back
    assert follow_up.moved_away(session=session, handoff=h, practitioner=a) is None
    follow_up.assign(session=session, handoff=h, to=b, by=a)  # she gives it away herself: no news for her
    assert follow_up.unseen_moves(session=session, practitioner=a) == []


def test_colleagues_are_the_active_practitioners_of_the_site_and_audience(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    add_site(session, "truro", "Truro")
    cm = add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    off = add_account(session, Account("off@x.example", CASE_MANAGER, "default"))
    off.is_active = False
    for account in (
        Account("ees@x.example", EES, "default"),
        Account("sm@x.example", SITE_MANAGER, "default"),
        Account("cm@truro.example", CASE_MANAGER, "truro"),
    ):
        add_account(session, account)
    seeker = seed_handoff(session, site=site, role=WORK_SEEKER, sender="s", words={})
    employer = seed_handoff(session, site=site, role=EMPLOYER, sender="e", words={})
    assert follow_up.colleagues(session=session, handoff=seeker) == [cm]
    assert [p.email for p in follow_up.colleagues(session=session, handoff=employer)] == ["ees@x.example"]


def test_attempts_newest_first_and_unknown_outcomes_refused(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    cm = add_account(session, Account("cm@x.example", CASE_MANAGER, "default"))
    h = seed_handoff(session, site=site, role=WORK_SEEKER, sender="s", words={})
    for outcome in ("no_answer", "left_message", "reached"):
        follow_up.record_attempt(session=session, handoff=h, practitioner=cm, outcome=outcome)
    assert [(a.outcome, name) for a, name in follow_up.attempts(session=session, handoff=h)] == [
        ("reached", "cm"),
        ("left_message", "cm"),
        ("no_answer", "cm"),
    ]
    with pytest.raises(ValueError):
        follow_up.record_attempt(session=session, handoff=h, practitioner=cm, outcome="maybe")


def test_drafts_are_per_author_replaced_and_forgotten_after_a_day(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    a = add_account(session, Account("a@x.example", CASE_MANAGER, "default"))
    b = add_account(session, Account("b@x.example", CASE_MANAGER, "default"))
    h = seed_handoff(session, site=site, role=WORK_SEEKER, sender="s", words={})
    follow_up.keep_draft(session=session, practitioner_id=a.id, handoff_id=h.id, text="first")
    follow_up.keep_draft(session=session, practitioner_id=a.id, handoff_id=h.id, text="second")
    assert follow_up.draft_of(session=session, practitioner=a, handoff=h) == "second"
    assert follow_up.draft_of(session=session, practitioner=b, handoff=h) is None
    session.query(NoteDraft).update({"created_at": utcnow() - follow_up.DRAFT_KEPT - timedelta(minutes=1)})
    assert follow_up.draft_of(session=session, practitioner=a, handoff=h) is None
    assert session.query(NoteDraft).count() == 0


def test_only_a_session_that_ran_out_of_time_owns_a_draft(session: Session) -> None:
    add_site(session, "default", "Halifax")
    a = add_account(session, Account("a@x.example", CASE_MANAGER, "default"))
    later = utcnow() + timedelta(hours=1)
    staff_access.create_staff_session(session=session, practitioner=a, token_hash=token_hash("t1"), expires_at=later)
    assert follow_up.session_never_ended(session=session, token_hash=token_hash("t1"), practitioner_id=a.id)
    assert not follow_up.session_never_ended(session=session, token_hash=token_hash("t1"), practitioner_id=a.id + 1)
    staff_access.end_staff_session(session=session, token_hash=token_hash("t1"), reason="signed_out")
    assert not follow_up.session_never_ended(session=session, token_hash=token_hash("t1"), practitioner_id=a.id)


def test_due_filters_count_open_follow_ups_against_the_given_day(session: Session) -> None:
    site = add_site(session, "default", "Halifax")
    today = date(2026, 12, 4)
    days = [today - timedelta(days=1), today, today + timedelta(days=1), None, today - timedelta(days=5)]
    handoffs = [seed_handoff(session, site=site, role=WORK_SEEKER, sender=f"s{i}", words={}) for i in range(len(days))]
    for h, day in zip(handoffs, days, strict=True):
        follow_up.set_due(session=session, handoff=h, due_on=day)
    handoffs[4].status = "followed_up"
    session.flush()
    scope = Scope(site_ids=(site.id,), audience=None)
    for due, expected in (("overdue", [handoffs[0].id]), ("today", [handoffs[1].id])):
        parsed = parse({"due": due}, both_audiences=True, is_admin=False)
        page = queue_query.queue_page(
            session=session, query=store_query(parsed, scope=scope, me_id=0, since=None, today=today)
        )
        assert [r.handoff.id for r in page.rows] == expected
        assert page.due_counts == {"today": 1, "overdue": 1}
