"""Build, sign and post an incoming-SMS webhook request exactly as Twilio does (for the simulator, bench and tests)."""

from __future__ import annotations

import secrets
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass
from typing import Mapping, Optional, cast

from twilio.request_validator import RequestValidator

from bot.content import gsm7


def new_sid(prefix: str = "SM") -> str:
    """A random Twilio-style id: two letters and 32 hex digits."""
    return prefix + secrets.token_hex(16)


def inbound_params(
    *, account_sid: str, from_number: str, to_number: str, body: str, message_sid: Optional[str] = None
) -> dict[str, str]:
    """The form fields Twilio posts for an incoming SMS, blank geography fields included (they are signed too)."""
    sid = message_sid or new_sid()
    return {
        "ToCountry": "CA",
        "ToState": "NS",
        "SmsMessageSid": sid,
        "NumMedia": "0",
        "ToCity": "",
        "FromZip": "",
        "SmsSid": sid,
        "FromState": "",
        "SmsStatus": "received",
        "FromCity": "",
        "Body": body,
        "FromCountry": "CA",
        "To": to_number,
        "ToZip": "",
        "NumSegments": str(gsm7.segments(body)),
        "MessageSid": sid,
        "AccountSid": account_sid,
        "From": from_number,
        "ApiVersion": "2010-04-01",
    }


def sign(url: str, params: Mapping[str, str], auth_token: str) -> str:
    """X-Twilio-Signature for a form POST to ``url`` (twilio's own RequestValidator computes it)."""
    return cast(str, RequestValidator(auth_token).compute_signature(url, dict(params)))


@dataclass(frozen=True)
class WebhookReply:
    """Status, content type and body of the webhook's answer."""

    status: int
    content_type: str
    body: str


def post(url: str, params: Mapping[str, str], signature: Optional[str], timeout: float = 60) -> WebhookReply:
    """POST ``params`` form-encoded to ``url`` with Twilio's headers (no signature header when ``signature`` is None)."""
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=UTF-8",
        "User-Agent": "TwilioProxy/1.1",
        "I-Twilio-Idempotency-Token": new_sid("ID"),
    }
    if signature is not None:
        headers["X-Twilio-Signature"] = signature
    request = urllib.request.Request(url, data=urllib.parse.urlencode(params).encode(), headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=timeout) as answer:
            return WebhookReply(answer.status, answer.headers.get("Content-Type", ""), answer.read().decode())
    except urllib.error.HTTPError as error:
        return WebhookReply(error.code, error.headers.get("Content-Type", ""), error.read().decode())


def send_signed(
    *, url: str, auth_token: str, params: Mapping[str, str], signed_url: Optional[str] = None, timeout: float = 60
) -> WebhookReply:
    """Sign ``params`` for ``signed_url`` (the public URL Twilio would use; default ``url``) and post them to ``url``."""
    return post(url, params, sign(signed_url or url, params, auth_token), timeout=timeout)
