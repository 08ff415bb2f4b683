"""Send SMS bodies in order through Twilio's REST API, recording each one's size and cost, and honouring 21610."""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from typing import Any, Optional, Sequence

from requests import RequestException
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.http.response import Response
from twilio.rest import Client

from bot.content import gsm7
from bot.store import provider_messages
from bot.store.channel_records import OutboundSize, is_opted_out, record_outbounds, set_opted_out
from bot.store.db import session_scope
from bot.store.provider_models import OUTBOUND

logger = logging.getLogger(__name__)

UNSUBSCRIBED = 21610  # Twilio: "Attempt to send to unsubscribed recipient"
SEND_TIMEOUT = 10.0
_TWILIO_HOST = re.compile(r"^https://[a-z0-9.-]*twilio\.com", re.IGNORECASE)


class ApiBaseHttpClient(TwilioHttpClient):
    """Twilio's own HTTP client, with every https://*.twilio.com address sent to another base URL (a local fake)."""

    def __init__(self, api_base: str, timeout: float = SEND_TIMEOUT):
        super().__init__(timeout=timeout)
        self.api_base = api_base.rstrip("/")

    def request(self, method: str, url: str, *args: Any, **kwargs: Any) -> Response:
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
    bodies: list[OutboundSize] = field(default_factory=list)  # one per body Twilio was asked to send, in order


def send_bodies(
    *,
    client: Client,
    channel: str,
    from_number: str,
    to: str,
    bodies: Sequence[str],
    first_checked: bool = False,
    record: bool = True,
) -> SendResult:
    """Send ``bodies`` one after another (each waits for Twilio to accept the previous); stop at the first failure.

    Blocking: call it from a worker thread. The opt-out state is checked before every body (but the first when the
    caller has just read it: ``first_checked``), so a STOP that arrives while a turn is being sent stops the rest.
    With ``record`` the outcomes are written in one transaction at the end; without, the caller writes
    ``result.bodies`` itself (with ``record_sends``, in its own transaction).
    """
    result = SendResult()
    for index, body in enumerate(bodies):
        if not (first_checked and index == 0) and _opted_out(channel, to):
            result.stopped_by = "opted_out"
            break
        try:
            message = client.messages.create(to=to, from_=from_number, body=body)
        except TwilioRestException as exc:
            unsubscribed = exc.code == UNSUBSCRIBED
            # Only the code: Twilio's message text can quote the phone number.
            logger.warning("SMS send refused by Twilio (HTTP %s, code %s)", exc.status, exc.code)
            result.bodies.append(OutboundSize(len(body), 0, status="unsubscribed" if unsubscribed else "failed"))
            result.stopped_by = "unsubscribed" if unsubscribed else "error"
            break
        except (TwilioException, RequestException, OSError) as exc:
            logger.error("SMS send failed (%s)", type(exc).__name__)
            result.bodies.append(OutboundSize(len(body), 0, status="failed"))
            result.stopped_by = "error"
            break
        segments = gsm7.segments(body)
        result.bodies.append(OutboundSize(len(body), segments, provider_id=message.sid))
        result.sent += 1
        result.segments += segments
    if record:
        try:
            with session_scope() as session:
                record_sends(session=session, channel=channel, to=to, result=result)
        except SQLAlchemyError as exc:  # a store failure loses only the records, never the reply
            logger.error("SMS sends not recorded (%s)", type(exc).__name__)
    return result


def record_sends(
    *, session: Session, channel: str, to: str, result: SendResult, identity_id: Optional[int] = None
) -> None:
    """Record every body's size and cost (for ``identity_id`` when the caller knows it), and a 21610 opt-out, in the
    caller's transaction."""
    if result.stopped_by == "unsubscribed":
        set_opted_out(session=session, channel=channel, external_id=to, opted_out=True)
    rows = record_outbounds(
        session=session, channel=channel, external_id=to, sizes=result.bodies, identity_id=identity_id
    )
    # Twilio keeps each one in its message log: noted by SID (also a reply to someone just erased), to delete there.
    owner = rows[0].identity_id if rows else None
    for size in result.bodies:
        if size.provider_id:
            provider_messages.record(session=session, sid=size.provider_id, direction=OUTBOUND, identity_id=owner)


def _opted_out(channel: str, to: str) -> bool:
    """The sender's opt-out state; when the store cannot tell, False: Twilio itself refuses numbers that sent STOP (21610)."""
    try:
        with session_scope() as session:
            return is_opted_out(session=session, channel=channel, external_id=to)
    except SQLAlchemyError as exc:
        logger.error("SMS opt-out state unreadable, sending anyway (%s)", type(exc).__name__)
        return False
