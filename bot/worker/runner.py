"""The worker loop: lease due outbox messages, deliver each with its kind's deliverer, record the outcome."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Mapping, Optional

from bot.settings import get_settings
from bot.store import outbox
from bot.store.db import session_scope
from bot.store.inbound_claims import this_process
from bot.store.models import utcnow
from bot.worker import handoff_email, provider_cleanup, reminders, sms_invitation
from bot.worker.delivery import Deliverer, DeliveryFailed, NothingToDeliver, NotYet
from bot.worker.retention_job import RetentionJob
from bot.worker.schedule import ContactRules

logger = logging.getLogger(__name__)
POLL_SECONDS = 2.0
BATCH = 20
# Reminders are due hours after a run went quiet: looking for them once a minute is soon enough, while the outbox
# itself is polled every POLL_SECONDS.
PLAN_EVERY = timedelta(minutes=1)


def default_deliverers() -> dict[str, Deliverer]:
    """Every outbox kind this worker can deliver."""
    return {
        handoff_email.KIND: handoff_email.deliver,
        reminders.KIND: reminders.deliver,
        sms_invitation.KIND: sms_invitation.deliver,
    }


@dataclass
class Pass:
    """What one pass over the outbox did."""

    planned: int = 0  # reminders put in the outbox by this pass
    sent: int = 0
    postponed: int = 0  # not allowed now (quiet hours): due again at the next allowed time
    retried: int = 0
    failed: int = 0
    cancelled: int = 0
    purged: int = 0  # participants erased by the daily retention purge (bot/worker/retention_job.py)
    by_kind: dict[str, int] = field(default_factory=dict)
    provider: provider_cleanup.CleanupPass = field(default_factory=provider_cleanup.CleanupPass)  # Twilio's copies

    @property
    def handled(self) -> int:
        return self.sent + self.postponed + self.retried + self.failed + self.cancelled


class Worker:
    """Delivers the outbox. Several may run against PostgreSQL (leases with SKIP LOCKED); one against SQLite."""

    def __init__(
        self,
        deliverers: Optional[Mapping[str, Deliverer]] = None,
        *,
        clock: Callable[[], datetime] = utcnow,
        holder: Optional[str] = None,
        batch: int = BATCH,
        plan_reminders: bool = True,
        plan_every: timedelta = PLAN_EVERY,
        retention: bool = True,
    ) -> None:
        self.deliverers = dict(deliverers if deliverers is not None else default_deliverers())
        self.clock = clock
        self.holder = holder or this_process()
        self.batch = batch
        self.plan_reminders = plan_reminders
        self.plan_every = plan_every
        self._planned_at: Optional[datetime] = None
        self.retention = RetentionJob.from_settings() if retention else None

    def run_once(self) -> Pass:
        """Plan reminders (at most every ``plan_every``), then lease what is due (one per recipient, oldest first),
        deliver it and record each outcome at once."""
        done = Pass()
        now = self.clock()
        if self.plan_reminders and (self._planned_at is None or now - self._planned_at >= self.plan_every):
            with session_scope() as session:
                rules = ContactRules.from_settings(get_settings())
                done.planned = reminders.plan(session=session, now=now, rules=rules)
            self._planned_at = now
        if self.retention is not None:
            done.purged = self.retention.tick(now)
        with session_scope() as session:
            leased = outbox.lease_due(session=session, holder=self.holder, now=self.clock(), limit=self.batch)
        for message in leased:
            outcome = self._deliver(message)
            done.by_kind[message.kind] = done.by_kind.get(message.kind, 0) + 1
            setattr(done, outcome, getattr(done, outcome) + 1)
        done.provider = provider_cleanup.run(
            settings=get_settings(), holder=self.holder, now=self.clock(), limit=self.batch
        )
        return done

    def _deliver(self, message: outbox.Leased) -> str:
        """Deliver one leased message and record what happened: "sent", "postponed", "retried", "failed" or "cancelled"."""
        deliverer = self.deliverers.get(message.kind)
        try:
            if deliverer is None:
                raise DeliveryFailed("UnknownKind", permanent=True)
            delivered = deliverer(message.id, message.payload, self.clock())
        except NotYet as wait:
            with session_scope() as session:
                outbox.postpone(session=session, message_id=message.id, holder=self.holder, until=wait.until)
            logger.info("outbox %s (%s): not now, postponed", message.id, message.kind)
            return "postponed"
        except NothingToDeliver:
            with session_scope() as session:
                outbox.cancel(session=session, message_id=message.id, reason="NothingToDeliver")
            logger.info("outbox %s (%s): nothing to deliver any more, cancelled", message.id, message.kind)
            return "cancelled"
        except DeliveryFailed as failure:
            with session_scope() as session:
                status = outbox.mark_failed(
                    session=session,
                    message_id=message.id,
                    holder=self.holder,
                    error=failure.error,
                    permanent=failure.permanent,
                    now=self.clock(),
                )
            # The error's type only: provider texts can quote an address.
            logger.warning(
                "outbox %s (%s): attempt %s failed (%s), %s",
                message.id,
                message.kind,
                message.attempts,
                failure.error,
                "given up" if status == "failed" else "will retry",
            )
            return "failed" if status == "failed" else "retried"
        with session_scope() as session:
            outbox.mark_sent(
                session=session,
                message_id=message.id,
                holder=self.holder,
                provider_id=delivered.provider_id,
                now=self.clock(),
            )
        logger.info("outbox %s (%s): delivered on attempt %s", message.id, message.kind, message.attempts)
        return "sent"

    def run_forever(self, stop: threading.Event, poll_seconds: float = POLL_SECONDS) -> None:
        """Pass over the outbox until ``stop`` is set; straight on while there is work, else every ``poll_seconds``."""
        while not stop.is_set():
            try:
                busy = self.run_once().handled > 0
            except Exception as exc:  # noqa: BLE001 - the store may be down for a while: keep trying
                logger.error("outbox pass failed (%s)", type(exc).__name__)
                busy = False
            if not busy:
                stop.wait(poll_seconds)
