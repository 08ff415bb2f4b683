"""An SMS turn through the real Rasa stack notes every Twilio SID (the message in, each reply out) for deletion; the
worker's pass then deletes them from the fake Twilio's log once delivered."""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Callable

import pytest

from bot.devtools.sms_sandbox import Phone
from bot.settings import get_settings
from bot.store import provider_messages
from bot.store.db import session_scope
from bot.store.models import utcnow
from bot.worker import provider_cleanup
from tests.sms.helpers import PROGRAMME_NUMBER, SmsStack, identity


def test_an_sms_turn_records_its_sids_and_the_worker_deletes_them_at_twilio(
    sms_stack: SmsStack, new_phone: Callable[[], Phone], monkeypatch: pytest.MonkeyPatch
) -> None:
    phone = new_phone()
    inbound = "SM" + secrets.token_hex(16)
    assert phone.text("hi", message_sid=inbound)
    outbound = [m.sid for m in sms_stack.fake.sent_to(phone.number)]
    person = identity(sms_stack.db_url, phone.number)
    assert person is not None and outbound
    mine = {inbound, *outbound}
    with session_scope(sms_stack.db_url) as session:
        rows = [
            (r.sid, r.direction, r.identity_id, r.deleted_at)
            for r in provider_messages.records(session=session)
            if r.sid in mine
        ]
    assert rows == [(inbound, "inbound", person.id, None), *((sid, "outbound", person.id, None) for sid in outbound)]
    assert sms_stack.fake.status_of(inbound) == "received" and all(sms_stack.fake.in_log(sid) for sid in outbound)

    for sid in outbound:
        sms_stack.fake.set_status(sid, "delivered")
    for name, value in {**sms_stack.fake.channel_env(PROGRAMME_NUMBER), "DATABASE_URL": sms_stack.db_url}.items():
        monkeypatch.setenv(name, value)
    get_settings.cache_clear()
    later = utcnow() + timedelta(minutes=2)
    try:  # passes until nothing is due: the stack is shared, other tests' messages (still queued) are due too
        for _ in range(100):
            done = provider_cleanup.run(settings=get_settings(), holder="test", now=later, limit=100)
            if done.deleted + done.waiting + done.failed == 0:
                break
    finally:
        get_settings.cache_clear()
    assert [sid for sid in mine if sms_stack.fake.in_log(sid)] == []
    with session_scope(sms_stack.db_url) as session:
        assert all(r.deleted_at is not None for r in provider_messages.records(session=session) if r.sid in mine)
