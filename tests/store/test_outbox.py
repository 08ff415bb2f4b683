"""The outbox's leases: one message per recipient at a time, oldest first; backoff keeps the order; on PostgreSQL
two workers leasing at once never take the same message (SKIP LOCKED)."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy.orm import Session

from bot.store import outbox
from bot.store.db import session_factory
from bot.store.models import utcnow


def add(session: Session, recipient: str, n: int = 1) -> list[int]:
    ids = [outbox.enqueue(session=session, kind="test", recipient_key=recipient, payload={"n": i}).id for i in range(n)]
    session.commit()
    return ids


def test_a_recipients_messages_are_leased_one_at_a_time_oldest_first(session: Session) -> None:
    first, second = add(session, "email:a@x.example", 2)
    (other,) = add(session, "email:b@x.example")
    assert [m.id for m in outbox.lease_due(session=session, holder="w1")] == [first, other]
    session.commit()
    assert outbox.lease_due(session=session, holder="w2") == []  # the second waits for the first
    outbox.mark_sent(session=session, message_id=first, holder="w1", provider_id="p1")
    session.commit()
    leased = outbox.lease_due(session=session, holder="w2")
    assert [(m.id, m.payload, m.attempts) for m in leased] == [(second, {"n": 1}, 1)]


def test_a_message_waiting_to_be_retried_holds_back_its_recipients_later_ones(session: Session) -> None:
    first, second = add(session, "sms:+19025550100", 2)
    now = utcnow()
    outbox.lease_due(session=session, holder="w1", now=now)
    assert outbox.mark_failed(session=session, message_id=first, holder="w1", error="Timeout", now=now) == "pending"
    session.commit()
    assert outbox.lease_due(session=session, holder="w1", now=now + timedelta(seconds=5)) == []
    later = now + outbox.retry_delay(1) + timedelta(seconds=1)
    assert [m.id for m in outbox.lease_due(session=session, holder="w1", now=later)] == [first]


def test_retry_delays_double_up_to_an_hour() -> None:
    delays = [outbox.retry_delay(n) for n in range(1, 10)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert delays[-1] == outbox.LONGEST_RETRY == timedelta(hours=1)


def test_a_live_workers_lease_is_respected_until_it_expires(session: Session) -> None:
    (only,) = add(session, "email:a@x.example")
    now = utcnow()
    outbox.lease_due(session=session, holder="other-host:1:1", now=now)  # another host: only the lease tells
    session.commit()
    assert outbox.lease_due(session=session, holder="w2", now=now + timedelta(seconds=60)) == []
    expired = now + outbox.LEASE + timedelta(seconds=1)
    assert [(m.id, m.attempts) for m in outbox.lease_due(session=session, holder="w2", now=expired)] == [(only, 2)]


@pytest.mark.postgres
def test_two_workers_leasing_at_once_on_postgresql_never_take_the_same_message(pg: str) -> None:
    factory = session_factory(pg)
    with factory() as s:
        for n in range(60):
            outbox.enqueue(session=s, kind="test", recipient_key=f"email:{n}@x.example", payload={"n": n})
        s.commit()
    first_holds = threading.Event()
    taken: dict[str, list[int]] = {}

    def lease(holder: str, hold: bool) -> None:
        with factory() as s:
            taken[holder] = [m.id for m in outbox.lease_due(session=s, holder=holder, limit=40)]
            if hold:
                first_holds.set()
                threading.Event().wait(1.0)  # keep the row locks while the other worker leases
            s.commit()

    one = threading.Thread(target=lease, args=("w1", True))
    one.start()
    assert first_holds.wait(20)
    lease("w2", False)  # runs while w1's transaction still holds its 40 rows
    one.join(20)
    assert len(taken["w1"]) == 40 and len(taken["w2"]) == 20
    assert not set(taken["w1"]) & set(taken["w2"])
    assert sorted(taken["w1"] + taken["w2"]) == list(range(1, 61))
