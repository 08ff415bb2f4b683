"""Two workers sharing provider_messages on PostgreSQL: SKIP LOCKED leases never give both the same Twilio message."""

from __future__ import annotations

import threading
import time
from datetime import timedelta
from typing import Iterator

import pytest

from bot.store import migrate, provider_messages
from bot.store.db import session_factory
from bot.store.models import utcnow
from bot.store.provider_models import OUTBOUND
from tests.postgres_support import postgres_url

pg_url = postgres_url(scope="module")


@pytest.fixture
def pg(pg_url: str) -> Iterator[str]:
    migrate.upgrade(pg_url)
    yield pg_url


@pytest.mark.postgres
def test_two_workers_leasing_at_once_never_take_the_same_message(pg: str) -> None:
    factory = session_factory(pg)
    with factory() as s:
        for n in range(60):
            provider_messages.record(session=s, sid=f"SM{n:032x}", direction=OUTBOUND)
        s.commit()
    due = utcnow() + timedelta(minutes=2)
    first_holds = threading.Event()
    taken: dict[str, list[str]] = {}

    def lease(holder: str, hold: bool) -> None:
        with factory() as s:
            taken[holder] = [r.sid for r in provider_messages.lease_due(session=s, holder=holder, now=due, limit=40)]
            if hold:
                first_holds.set()
                threading.Event().wait(1.0)  # keep the row locks while the other worker leases
            s.commit()

    one = threading.Thread(target=lease, args=("w1", True))
    one.start()
    assert first_holds.wait(20)
    started = time.monotonic()
    lease("w2", False)  # runs while w1's transaction still holds its 40 rows
    waited = time.monotonic() - started
    one.join(20)
    assert waited < 0.9  # skipped w1's locked rows instead of waiting for its commit
    assert len(taken["w1"]) == 40 and len(taken["w2"]) == 20
    assert sorted(taken["w1"] + taken["w2"]) == [f"SM{n:032x}" for n in range(60)]
    with factory() as s:  # committed leases: a third worker finds nothing until they run out
        assert provider_messages.lease_due(session=s, holder="w3", now=due) == []
        later = due + provider_messages.LEASE + timedelta(seconds=1)
        assert len(provider_messages.lease_due(session=s, holder="w3", now=later, limit=100)) == 60
