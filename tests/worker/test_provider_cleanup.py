"""Twilio's copies of SMS deleted after delivery, with a controllable clock, through the real Twilio SDK to the loopback
fake: outbound and inbound, a message still on its way, a failing deletion retried and reported, the keep setting, an
erased person's messages."""

from __future__ import annotations

import logging
import socket
from datetime import datetime, timedelta
from typing import Iterator

import pytest

from bot.channels.sms import records as sms_records
from bot.channels.sms.sender import make_client, send_bodies
from bot.devtools.fake_twilio import FakeTwilio, Lookup
from bot.settings import get_settings
from bot.store import erasure, provider_messages
from bot.store.db import session_scope
from bot.store.models import Participant, utcnow
from bot.store.provider_models import ProviderMessage
from bot.store.repository import get_or_create_identity
from bot.worker.runner import Worker
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER

CHANNEL = "twilio_sms"
NUMBER = "+19025550144"
BODY = "Thanks, saved. Next: what about pay and benefits?"


class Clock:
    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, by: timedelta) -> None:
        self.now += by


@pytest.fixture
def twilio(db_url: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeTwilio]:
    fake = FakeTwilio(ACCOUNT_SID, AUTH_TOKEN).start()
    for name, value in fake.channel_env(PROGRAMME_NUMBER).items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("TWILIO_KEEP_MESSAGES", raising=False)
    get_settings.cache_clear()
    yield fake
    fake.stop()
    get_settings.cache_clear()


@pytest.fixture
def clock() -> Clock:
    return Clock(utcnow())


@pytest.fixture
def worker(clock: Clock) -> Worker:
    return Worker({}, clock=clock, holder="worker-1", plan_reminders=False)


def identity_id(number: str = NUMBER) -> int:
    with session_scope() as session:
        return int(get_or_create_identity(session=session, channel=CHANNEL, external_id=number).id)


def send(fake: FakeTwilio, body: str = BODY, to: str = NUMBER) -> str:
    """Send one SMS as the bot does (the real SDK, recorded in one transaction); its SID."""
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    result = send_bodies(client=client, channel=CHANNEL, from_number=PROGRAMME_NUMBER, to=to, bodies=[body])
    assert result.sent == 1
    return str(result.bodies[0].provider_id)


def record_of(sid: str) -> ProviderMessage:
    with session_scope() as session:
        rows = [r for r in provider_messages.records(session=session) if r.sid == sid]
        session.expunge_all()
    assert len(rows) == 1
    return rows[0]


def test_a_delivered_outbound_message_is_deleted_at_twilio_and_its_sid_kept(
    twilio: FakeTwilio, clock: Clock, worker: Worker
) -> None:
    owner = identity_id()
    sid = send(twilio)
    row = record_of(sid)
    assert (row.provider, row.direction, row.identity_id, row.deleted_at) == ("twilio", "outbound", owner, None)

    clock.advance(timedelta(seconds=30))  # Twilio asks for a minute before a deletion
    assert worker.run_once().provider.deleted == 0
    assert twilio.lookups == [] and twilio.in_log(sid)

    twilio.set_status(sid, "delivered")
    clock.advance(timedelta(minutes=1))
    done = worker.run_once().provider
    assert (done.deleted, done.waiting, done.failed, done.failing) == (1, 0, 0, 0)
    assert not twilio.in_log(sid)
    assert twilio.lookups == [Lookup("GET", sid, 200), Lookup("DELETE", sid, 204)]
    row = record_of(sid)
    assert (row.sid, row.status, row.deleted_at, row.identity_id, row.attempts) == (
        sid,
        "delivered",
        clock.now,
        owner,
        1,
    )

    clock.advance(timedelta(days=1))
    assert worker.run_once().provider.deleted == 0
    assert len(twilio.lookups) == 2  # a deleted copy is never asked about again


def test_an_inbound_message_is_linked_to_its_new_sender_and_deleted_once_received(
    twilio: FakeTwilio, clock: Clock, worker: Worker
) -> None:
    sid = "SM" + "a1" * 16
    twilio.receive(sid=sid, from_=NUMBER, to=PROGRAMME_NUMBER, body="hi")
    taken = sms_records.claim(sid, NUMBER, None)  # the webhook's claim, before the turn makes the identity
    assert taken.claim.process and taken.identity_id is None
    assert (record_of(sid).direction, record_of(sid).identity_id) == ("inbound", None)
    owner = identity_id()  # the turn made it
    sms_records.settle(sid, answered=True, to=NUMBER, identity_id=owner)
    assert record_of(sid).identity_id == owner
    assert sms_records.claim(sid, NUMBER, None).claim.state == "done"  # Twilio's repeat: still one record

    clock.advance(timedelta(minutes=2))
    assert worker.run_once().provider.deleted == 1
    assert not twilio.in_log(sid)
    row = record_of(sid)
    assert (row.status, row.deleted_at, row.identity_id) == ("received", clock.now, owner)


def test_a_message_still_on_its_way_waits_then_is_deleted_once_delivered(
    twilio: FakeTwilio, clock: Clock, worker: Worker
) -> None:
    sid = send(twilio)
    twilio.set_status(sid, "sent")
    clock.advance(timedelta(minutes=2))
    assert (worker.run_once().provider.waiting, twilio.in_log(sid)) == (1, True)
    row = record_of(sid)
    assert (row.status, row.deleted_at, row.next_attempt_at) == ("sent", None, clock.now + timedelta(minutes=1))

    clock.advance(timedelta(seconds=59))
    assert worker.run_once().provider.waiting == 0  # not due yet
    clock.advance(timedelta(seconds=1))
    assert worker.run_once().provider.waiting == 1  # looked again: still "sent", next in 2 minutes
    assert record_of(sid).next_attempt_at == clock.now + timedelta(minutes=2)
    assert [lookup.method for lookup in twilio.lookups] == ["GET", "GET"]

    twilio.set_status(sid, "delivered")
    clock.advance(timedelta(minutes=2))
    assert worker.run_once().provider.deleted == 1
    assert not twilio.in_log(sid)
    assert (record_of(sid).status, record_of(sid).attempts) == ("delivered", 3)


def test_a_message_never_confirmed_is_deleted_after_72_hours(twilio: FakeTwilio, clock: Clock, worker: Worker) -> None:
    sid = send(twilio)
    twilio.set_status(sid, "sent")  # a carrier that never sends a delivery receipt
    clock.advance(timedelta(hours=71, minutes=59))
    assert worker.run_once().provider.waiting == 1
    assert twilio.in_log(sid)
    clock.advance(timedelta(hours=1))
    assert worker.run_once().provider.deleted == 1
    assert not twilio.in_log(sid)
    assert record_of(sid).status == "sent"


def test_a_failing_deletion_is_reported_with_the_sid_only_and_retried_until_it_succeeds(
    twilio: FakeTwilio, clock: Clock, worker: Worker, caplog: pytest.LogCaptureFixture
) -> None:
    sid = send(twilio)
    twilio.set_status(sid, "delivered")
    twilio.fail_deletes(1)
    clock.advance(timedelta(minutes=2))
    with caplog.at_level(logging.INFO, logger="bot.worker.provider_cleanup"):
        done = worker.run_once().provider
    assert (done.deleted, done.failed, done.failing) == (0, 1, 1)
    assert twilio.in_log(sid)
    row = record_of(sid)
    assert (row.failures, row.last_error, row.deleted_at) == (1, "HTTP 500 code 20500", None)
    assert row.next_attempt_at == clock.now + timedelta(seconds=30)
    warnings = [r.getMessage() for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1 and sid in warnings[0]
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert NUMBER not in logged and BODY not in logged

    clock.advance(timedelta(seconds=29))
    assert worker.run_once().provider == type(done)(failing=1)  # not retried before its backoff
    clock.advance(timedelta(seconds=1))
    done = worker.run_once().provider
    assert (done.deleted, done.failed, done.failing) == (1, 0, 0)
    assert not twilio.in_log(sid)
    assert [(lookup.method, lookup.status) for lookup in twilio.lookups] == [
        ("GET", 200),
        ("DELETE", 500),
        ("GET", 200),
        ("DELETE", 204),
    ]
    row = record_of(sid)
    assert (row.failures, row.last_error, row.deleted_at) == (1, None, clock.now)


def test_twilio_unreachable_is_a_reported_failure(
    twilio: FakeTwilio, clock: Clock, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = send(twilio)
    with socket.socket() as probe:  # a loopback port that was free a moment ago: connections are refused
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("TWILIO_API_BASE", f"http://127.0.0.1:{port}")
    get_settings.cache_clear()
    clock.advance(timedelta(minutes=2))
    done = worker.run_once().provider
    assert (done.failed, done.failing) == (1, 1)
    assert (record_of(sid).last_error, twilio.in_log(sid)) == ("ConnectionError", True)


def test_a_copy_already_gone_at_twilio_is_marked_deleted(twilio: FakeTwilio, clock: Clock, worker: Worker) -> None:
    sid = send(twilio)
    make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=twilio.base_url).messages(sid).delete()
    clock.advance(timedelta(minutes=2))
    assert worker.run_once().provider.deleted == 1
    assert (record_of(sid).status, record_of(sid).deleted_at) == ("not_found", clock.now)
    assert twilio.lookups[-1] == Lookup("GET", sid, 404)


def test_keeping_messages_leaves_them_at_twilio_but_an_erased_persons_are_deleted(
    twilio: FakeTwilio, clock: Clock, worker: Worker, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO_KEEP_MESSAGES", "1")
    get_settings.cache_clear()
    owner = identity_id()
    kept, other = send(twilio), send(twilio, to="+19025550145")
    for sid in (kept, other):
        twilio.set_status(sid, "delivered")
    clock.advance(timedelta(hours=100))
    assert worker.run_once().provider.deleted == 0
    assert twilio.lookups == [] and twilio.in_log(kept) and twilio.in_log(other)

    with session_scope() as session:
        participant = session.query(Participant).filter(Participant.identities.any(id=owner)).one()
        counts = erasure.participant_row_counts(session=session, participant_id=participant.id)
        assert counts["provider_messages"] == 0  # its record is not deleted: it still has a copy to delete
        erasure.delete_participant(session=session, participant=participant)
    row = record_of(kept)
    assert (row.identity_id, row.erased_at is not None, row.deleted_at) == (None, True, None)

    assert worker.run_once().provider.deleted == 1
    assert (twilio.in_log(kept), twilio.in_log(other)) == (False, True)
    assert record_of(kept).deleted_at == clock.now and record_of(other).deleted_at is None
