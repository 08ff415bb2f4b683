"""Unit tests: the official twilio client sends through the loopback fake, in order, recording segments and honouring 21610."""

from __future__ import annotations

import pytest
from twilio.base.exceptions import TwilioRestException

from bot.channels.sms.sender import ApiBaseHttpClient, make_client, send_bodies
from bot.content import gsm7
from bot.devtools.fake_twilio import FakeTwilio
from bot.store.channel_records import is_opted_out, set_opted_out
from bot.store.db import session_scope
from bot.store.models import ChannelIdentity, OutboundMessage
from bot.store.repository import get_or_create_identity
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER

TO = "+17825550123"


@pytest.fixture(autouse=True)
def recipient(db_url: str) -> None:
    """The recipient texted first (their identity exists), as every real reply's recipient has."""
    with session_scope(db_url) as session:
        get_or_create_identity(session=session, channel="twilio_sms", external_id=TO)


def test_nothing_is_recorded_for_a_recipient_erased_on_request(fake: FakeTwilio, session, db_url: str) -> None:
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    result = send_bodies(
        client=client, channel="twilio_sms", from_number=PROGRAMME_NUMBER, to="+17825550999", bodies=["Done."]
    )
    assert result.sent == 1 and _rows(session) == []
    assert session.query(ChannelIdentity).filter_by(external_id="+17825550999").count() == 0


def _rows(session) -> list[tuple]:
    rows = session.query(OutboundMessage).order_by(OutboundMessage.id).all()
    return [(r.characters, r.segments, r.status, r.provider_id) for r in rows]


def test_client_is_the_real_sdk_pointed_at_the_base_url(fake: FakeTwilio) -> None:
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url + "/")
    assert isinstance(client.http_client, ApiBaseHttpClient)
    message = client.messages.create(to=TO, from_=PROGRAMME_NUMBER, body="Hello")
    assert (message.to, message.body, message.status, message.num_segments) == (TO, "Hello", "queued", "1")
    assert [(a.path, a.status) for a in fake.attempts] == [(f"/2010-04-01/Accounts/{ACCOUNT_SID}/Messages.json", 201)]


def test_without_a_base_url_the_client_talks_to_twilio() -> None:
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN)
    assert not isinstance(client.http_client, ApiBaseHttpClient)
    assert client.api.base_url == "https://api.twilio.com"


def test_fake_refuses_a_wrong_token_and_an_overlong_body(fake: FakeTwilio) -> None:
    wrong = make_client(account_sid=ACCOUNT_SID, auth_token="0" * 32, api_base=fake.base_url)
    with pytest.raises(TwilioRestException) as refused:
        wrong.messages.create(to=TO, from_=PROGRAMME_NUMBER, body="Hello")
    assert (refused.value.status, refused.value.code) == (401, 20003)
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    with pytest.raises(TwilioRestException) as too_long:
        client.messages.create(to=TO, from_=PROGRAMME_NUMBER, body="x" * 1601)
    assert (too_long.value.status, too_long.value.code) == (400, 21617)
    assert fake.sent == []


def test_bodies_are_sent_in_order_and_recorded(fake: FakeTwilio, session, db_url: str) -> None:
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    bodies = ["One", "Two " * 50, "Three {braces} cost two septets each" * 5]
    result = send_bodies(client=client, channel="twilio_sms", from_number=PROGRAMME_NUMBER, to=TO, bodies=bodies)
    assert (result.sent, result.segments, result.stopped_by) == (3, 1 + 2 + 2, None)
    assert [m.body for m in fake.sent] == bodies
    assert _rows(session) == [(len(b), gsm7.segments(b), "sent", m.sid) for b, m in zip(bodies, fake.sent, strict=True)]


def test_21610_marks_the_recipient_opted_out_and_stops_the_turn(fake: FakeTwilio, session, db_url: str) -> None:
    fake.unsubscribed.add(TO)
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    result = send_bodies(
        client=client, channel="twilio_sms", from_number=PROGRAMME_NUMBER, to=TO, bodies=["One", "Two"]
    )
    assert (result.sent, result.stopped_by) == (0, "unsubscribed")
    assert [(a.status, a.code) for a in fake.attempts] == [(400, 21610)]
    assert is_opted_out(session=session, channel="twilio_sms", external_id=TO)
    assert _rows(session) == [(3, 0, "unsubscribed", None)]


def test_other_errors_stop_the_turn_without_opting_out(fake: FakeTwilio, session, db_url: str) -> None:
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    result = send_bodies(client=client, channel="twilio_sms", from_number="", to=TO, bodies=["One", "Two"])
    assert (result.sent, result.stopped_by) == (0, "error")
    assert [(a.status, a.code) for a in fake.attempts] == [(400, 21603)]
    assert not is_opted_out(session=session, channel="twilio_sms", external_id=TO)
    assert _rows(session) == [(3, 0, "failed", None)]


def test_unreachable_api_is_recorded_as_failed(session, db_url: str) -> None:
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base="http://127.0.0.1:9")
    result = send_bodies(client=client, channel="twilio_sms", from_number=PROGRAMME_NUMBER, to=TO, bodies=["One"])
    assert (result.sent, result.stopped_by) == (0, "error")
    assert _rows(session) == [(3, 0, "failed", None)]


def test_nothing_is_sent_to_someone_who_opted_out(fake: FakeTwilio, session, db_url: str) -> None:
    set_opted_out(session=session, channel="twilio_sms", external_id=TO, opted_out=True)
    session.commit()
    client = make_client(account_sid=ACCOUNT_SID, auth_token=AUTH_TOKEN, api_base=fake.base_url)
    result = send_bodies(client=client, channel="twilio_sms", from_number=PROGRAMME_NUMBER, to=TO, bodies=["One"])
    assert (result.sent, result.stopped_by) == (0, "opted_out")
    assert fake.attempts == []
