"""Send SMS bodies in order through Twilio's REST API, recording each one's size and cost, and honouring 21610."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Optional, Sequence

from requests import RequestException
from sqlalchemy.exc import SQLAlchemyError
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.content import gsm7
from bot.store.channel_records import is_opted_out, record_outbound, set_opted_out
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

UNSUBSCRIBED = 21610  # Twilio: "Attempt to send to unsubscribed recipient"
SEND_TIMEOUT = 10.0
_TWILIO_HOST = re.compile(r"^https://[a-z0-9.-]*twilio\.com", re.IGNORECASE)


class ApiBaseHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, with every https://*.twilio.com address sent to another base URL (a local fake)."""

    def __init__(self, api_base: str, timeout: float = SEND_TIMEOUT):
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")

    def request(self, method: str, url: str, *args, **kwargs) -> Response:
        return super().request(method, _TWILIO_HOST.sub(self.api_base, url, count=1), *args, **kwargs)


def make_client(*, account_sid: str, auth_token: str, api_base: str = "") -> Client:
    """The official Twilio client; pointed at ``api_base`` instead of api.twilio.com when one is given."""
    http_client = ApiBaseHttpClient(api_base) if api_base else TwilioHttpClient(timeout=SEND_TIMEOUT)
    return Client(account_sid, auth_token, http_client=http_client)


@dataclass
class SendResult:
    """What happened to one turn's bodies."""

    sent: int = 0
    segments: int = 0
    stopped_by: Optional[str] = None  # "opted_out", "unsubscribed" (21610) or "error"


def send_bodies(*, client: Client, channel: str, from_number: str, to: str, bodies: Sequence[str]) -> SendResult:
    """Send ``bodies`` one after another (each waits for Twilio to accept the previous); stop at the first failure.

    Blocking: call it from a worker thread. The opt-out state is checked before every body, so a STOP that arrives
    while a turn is being sent stops the rest of it.
    """
    result = SendResult()
    for body in bodies:
        if _opted_out(channel, to):
            result.stopped_by = "opted_out"
            return result
        try:
            message = client.messages.create(to=to, from_=from_number, body=body)
        except TwilioRestException as exc:
            unsubscribed = exc.code == UNSUBSCRIBED
            # Only the code: Twilio's message text can quote the phone number.
            logger.warning("SMS send refused by Twilio (HTTP %s, code %s)", exc.status, exc.code)
            _record(
                channel, to, len(body), 0, status="unsubscribed" if unsubscribed else "failed", opted_out=unsubscribed
            )
            result.stopped_by = "unsubscribed" if unsubscribed else "error"
            return result
        except (TwilioException, RequestException, OSError) as exc:
            logger.error("SMS send failed (%s)", type(exc).__name__)
            _record(channel, to, len(body), 0, status="failed")
            result.stopped_by = "error"
            return result
        segments = gsm7.segments(body)
        _record(channel, to, len(body), segments, provider_id=message.sid)
        result.sent += 1
        result.segments += segments
    return result


def _opted_out(channel: str, to: str) -> bool:
    """The sender's opt-out state; when the store cannot tell, False: Twilio itself refuses numbers that sent STOP (21610)."""
    try:
        with session_scope() as session:
            return is_opted_out(session=session, channel=channel, external_id=to)
    except SQLAlchemyError as exc:
        logger.error("SMS opt-out state unreadable, sending anyway (%s)", type(exc).__name__)
        return False


def _record(
    channel: str,
    to: str,
    characters: int,
    segments: int,
    *,
    status: str = "sent",
    provider_id: Optional[str] = None,
    opted_out: bool = False,
) -> None:
    """Record a send's size (and a 21610 opt-out); a store failure loses only the record, never the reply."""
    try:
        with session_scope() as session:
            if opted_out:
                set_opted_out(session=session, channel=channel, external_id=to, opted_out=True)
            record_outbound(
                session=session,
                channel=channel,
                external_id=to,
                characters=characters,
                segments=segments,
                provider_id=provider_id,
                status=status,
            )
    except SQLAlchemyError as exc:
        logger.error("SMS send not recorded (%s)", type(exc).__name__)
