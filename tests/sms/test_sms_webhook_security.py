"""The SMS webhook refuses unsigned and forged requests, and answers a redelivered MessageSid only once."""

from __future__ import annotations

import threading
import urllib.request

import pytest

from bot.channels.sms.signing import inbound_params, new_sid, post, sign
from tests.sms.helpers import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    EMPTY_TWIML,
    PROGRAMME_NUMBER,
    answers,
    inbound_count,
    outbound,
    sms_after_consent,
    table_counts,
)

pytestmark = [pytest.mark.e2e]


def _params(number: str, body: str = "hi", sid: str | None = None) -> dict[str, str]:
    return inbound_params(
        account_sid=ACCOUNT_SID, from_number=number, to_number=PROGRAMME_NUMBER, body=body, message_sid=sid
    )


def _forgeries(url: str, params: dict[str, str]) -> dict[str, tuple[dict[str, str], str | None]]:
    """Requests that must be refused: (form fields posted, X-Twilio-Signature sent)."""
    tampered = {**params, "Body": "I need a job"}  # signed for "hi", then changed on the way
    return {
        "missing signature": (params, None),
        "empty signature": (params, ""),
        "wrong auth token": (params, sign(url, params, "f" * 32)),
        "signed for another URL": (params, sign(url + "/other", params, AUTH_TOKEN)),
        "body changed after signing": (tampered, sign(url, params, AUTH_TOKEN)),
        "a blank field dropped after signing": (
            {k: v for k, v in params.items() if k != "FromCity"},
            sign(url, params, AUTH_TOKEN),
        ),
        "garbage": (params, "not-a-signature"),
    }


@pytest.mark.parametrize(
    "case",
    [
        "missing signature",
        "empty signature",
        "wrong auth token",
        "signed for another URL",
        "body changed after signing",
        "a blank field dropped after signing",
        "garbage",
    ],
)
def test_unsigned_or_forged_requests_get_403_and_change_nothing(sms_stack, new_phone, case: str) -> None:
    number = new_phone().number
    params = _params(number)
    fields, signature = _forgeries(sms_stack.webhook_url, params)[case]
    before_rows, before_calls = table_counts(sms_stack.db_url), len(sms_stack.fake.attempts)
    reply = post(sms_stack.webhook_url, fields, signature)
    assert reply.status == 403
    assert table_counts(sms_stack.db_url) == before_rows
    assert len(sms_stack.fake.attempts) == before_calls
    assert inbound_count(sms_stack.db_url, params["MessageSid"]) == 0
    # The same message, correctly signed, is then accepted: the refusal was about the signature alone.
    accepted = post(sms_stack.webhook_url, params, sign(sms_stack.webhook_url, params, AUTH_TOKEN))
    assert (accepted.status, accepted.body) == (200, EMPTY_TWIML)
    assert len(sms_stack.fake.sent_to(number)) == 1


def test_signed_request_without_message_sid_is_a_bad_request(sms_stack, new_phone) -> None:
    params = {
        k: v for k, v in _params(new_phone().number).items() if k not in ("MessageSid", "SmsSid", "SmsMessageSid")
    }
    before = table_counts(sms_stack.db_url)
    reply = post(sms_stack.webhook_url, params, sign(sms_stack.webhook_url, params, AUTH_TOKEN))
    assert reply.status == 400
    assert table_counts(sms_stack.db_url) == before


def test_redelivered_message_sid_is_processed_and_answered_once(sms_stack, new_phone) -> None:
    phone = new_phone()
    phone.text("hi")
    sid = new_sid()
    first = phone.text("yes", message_sid=sid)
    again = phone.text("yes", message_sid=sid)
    assert first == [sms_after_consent()]
    assert again == []
    assert phone.last_reply.body == EMPTY_TWIML  # Twilio gets a normal answer, so it stops retrying
    assert [a.question_id for a in answers(sms_stack.db_url, phone.number)] == ["consent"]
    assert inbound_count(sms_stack.db_url, sid) == 1


def test_simultaneous_redeliveries_are_answered_once(sms_stack, new_phone) -> None:
    phone = new_phone()
    phone.text("hi")
    params = _params(phone.number, "yes", new_sid())
    signature = sign(sms_stack.webhook_url, params, AUTH_TOKEN)
    statuses: list[int] = []

    def deliver() -> None:
        statuses.append(post(sms_stack.webhook_url, params, signature).status)

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert statuses == [200] * 4
    assert [m.body for m in sms_stack.fake.sent_to(phone.number)][1:] == [sms_after_consent()]
    assert [a.question_id for a in answers(sms_stack.db_url, phone.number)] == ["consent"]
    assert len(outbound(sms_stack.db_url, phone.number)) == 2


def test_channel_health_says_ok(sms_stack) -> None:
    with urllib.request.urlopen(f"{sms_stack.stack.rasa_url}/webhooks/twilio_sms/", timeout=10) as answer:
        assert (answer.status, answer.read()) == (200, b'{"status":"ok"}')
