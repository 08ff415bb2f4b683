"""Delete each SMS from Twilio's message log (kept in the US) once delivered or received, keeping its SID here."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Optional

from requests import RequestException
from twilio.base.exceptions import TwilioException, TwilioRestException
from twilio.rest import Client

from bot.channels.sms.sender import make_client
from bot.settings import Settings
from bot.store import provider_messages
from bot.store.db import session_scope

logger = logging.getLogger(__name__)

# Twilio's statuses after which a message changes no more (https://www.twilio.com/docs/messaging/api/message-resource):
# outbound delivered / undelivered / failed / read / canceled / partially_delivered, inbound received.
FINAL = frozenset({"delivered", "undelivered", "failed", "read", "canceled", "partially_delivered", "received"})
# Some carriers never confirm delivery: a message still "sent" (or queued) this long after it was noted is deleted.
GIVE_UP_WAITING = timedelta(hours=72)
NOT_FOUND = 404
NOT_COMPLETE = 20009  # Twilio: "Cannot delete this resource before it is complete"
BATCH = 20

DELETED = "deleted"
WAITING = "waiting"
FAILED = "failed"


@dataclass
class CleanupPass:
    """What one pass did with the provider's copies, and how many deletions are failing in all (for an admin)."""

    deleted: int = 0
    waiting: int = 0  # still on their way: looked at again later
    failed: int = 0  # calls that failed in this pass: retried later
    failing: int = 0  # records whose last call failed, all passes together


@dataclass(frozen=True)
class Outcome:
    """What asking Twilio about one message found: DELETED, WAITING or FAILED, its status, the error's kind."""

    kind: str
    status: Optional[str] = None
    error: str = ""


def twilio_client(settings: Settings) -> Optional[Client]:
    """The Twilio client of the settings (the fake's with TWILIO_API_BASE); None when SMS is not configured."""
    if not (settings.twilio_account_sid and settings.twilio_auth_token):
        return None
    return make_client(
        account_sid=settings.twilio_account_sid,
        auth_token=settings.twilio_auth_token,
        api_base=settings.twilio_api_base,
    )


def run(
    *, settings: Settings, holder: str, now: datetime, limit: int = BATCH, client: Optional[Client] = None
) -> CleanupPass:
    """Lease the records due, ask Twilio about each, delete the finished ones there and record every outcome.

    With ``twilio_keep_messages`` only an erased person's messages are deleted. The lease is committed before Twilio
    is called, and each outcome in its own transaction, so two workers never ask about the same message at once.
    """
    done = CleanupPass()
    with session_scope() as session:
        leased = provider_messages.lease_due(
            session=session, holder=holder, now=now, limit=limit, only_erased=settings.twilio_keep_messages
        )
    if leased:
        client = client or twilio_client(settings)
    for record in leased:
        outcome = look(client, record, now) if client is not None else Outcome(FAILED, error="TwilioNotConfigured")
        settle(record, outcome, holder=holder, now=now)
        setattr(done, outcome.kind, getattr(done, outcome.kind) + 1)
    with session_scope() as session:
        done.failing = provider_messages.failing(session=session)
    return done


def look(client: Client, record: provider_messages.Leased, now: datetime) -> Outcome:
    """Fetch the message; once its status is final (or it has waited GIVE_UP_WAITING), delete it at Twilio."""
    try:
        status = str(client.messages(record.sid).fetch().status or "")
    except TwilioRestException as exc:
        return _refused(exc, None)
    except (TwilioException, RequestException, OSError) as exc:
        return Outcome(FAILED, error=type(exc).__name__)
    if status not in FINAL and now - record.created_at < GIVE_UP_WAITING:
        return Outcome(WAITING, status)
    try:
        client.messages(record.sid).delete()
    except TwilioRestException as exc:
        return _refused(exc, status)
    except (TwilioException, RequestException, OSError) as exc:
        return Outcome(FAILED, status, type(exc).__name__)
    return Outcome(DELETED, status)


def _refused(exc: TwilioRestException, status: Optional[str]) -> Outcome:
    """Twilio answered an error: gone already (404) counts as deleted; "not complete" (20009) waits; the rest fails."""
    if exc.status == NOT_FOUND:
        return Outcome(DELETED, status or "not_found")
    if exc.code == NOT_COMPLETE:
        return Outcome(WAITING, status)
    return Outcome(FAILED, status, f"HTTP {exc.status}" + (f" code {exc.code}" if exc.code else ""))


def settle(record: provider_messages.Leased, outcome: Outcome, *, holder: str, now: datetime) -> None:
    """Record what was found; a failure is logged with the SID only (never a body or a number) and counted."""
    with session_scope() as session:
        if outcome.kind == DELETED:
            provider_messages.mark_deleted(
                session=session, record_id=record.id, holder=holder, status=outcome.status, now=now
            )
            logger.info("Twilio %s message %s deleted (%s)", record.direction, record.sid, outcome.status)
        elif outcome.kind == WAITING:
            until = provider_messages.mark_waiting(
                session=session,
                record_id=record.id,
                holder=holder,
                status=outcome.status,
                attempts=record.attempts,
                now=now,
            )
            logger.info("Twilio message %s is %s: looked at again at %s", record.sid, outcome.status, until)
        else:
            failures, retry_at = provider_messages.mark_failed(
                session=session, record_id=record.id, holder=holder, error=outcome.error, now=now
            )
            logger.warning(
                "Twilio message %s not deleted (%s), %s failure(s), retried at %s",
                record.sid,
                outcome.error,
                failures,
                retry_at,
            )
