"""Reminders of an unfinished run: planned into the outbox when due and allowed, checked again when sent."""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any, Optional

from sqlalchemy import and_, exists, select, update
from sqlalchemy.orm import Session

from bot.capabilities import channels_that_write_first
from bot.content import load_content
from bot.settings import Settings, get_settings
from bot.store import outbox
from bot.store.db import session_scope
from bot.store.models import OPEN_RUN_STATUSES, ActivityRun, ChannelIdentity, ConsentRecord, Participant, utcnow
from bot.worker import provider_send
from bot.worker.delivery import Delivered, NothingToDeliver, NotYet
from bot.worker.schedule import ContactRules

logger = logging.getLogger(__name__)
KIND = "reminder"
PARTICIPATE = "participate"  # the consent kind that lets the bot keep (and remind about) a run


def plan(*, session: Session, now: datetime, rules: ContactRules, limit: int = 200) -> int:
    """Put the reminders that are due now in the outbox; returns how many.

    Due: an open run (active or paused) on a channel that can write first, whose participant agreed to take part,
    did not ask for no reminders and is still reachable there (no STOP, not blocked), with fewer reminders than the schedule has and no activity
    for the next reminder's delay. Nothing is planned outside the allowed hours or on a holiday: the next pass in
    allowed hours plans it (so a reminder due at night goes out the next morning).
    """
    if not rules.after or not rules.allowed(now):
        return 0
    consented = exists().where(
        ConsentRecord.run_id == ActivityRun.id, ConsentRecord.kind == PARTICIPATE, ConsentRecord.granted.is_(True)
    )
    rows = session.execute(
        select(ActivityRun, ChannelIdentity)
        .join(
            ChannelIdentity,
            and_(
                ChannelIdentity.participant_id == ActivityRun.participant_id,
                ChannelIdentity.channel == ActivityRun.channel,
            ),
        )
        .join(Participant, Participant.id == ActivityRun.participant_id)
        .where(
            ActivityRun.status.in_(OPEN_RUN_STATUSES),
            Participant.reminders_off_at.is_(None),
            ActivityRun.channel.in_(channels_that_write_first()),
            ActivityRun.reminders_sent < len(rules.after),
            ActivityRun.updated_at <= now - rules.after[0],
            ChannelIdentity.opted_out_at.is_(None),
            ChannelIdentity.blocked_at.is_(None),
            consented,
        )
        .order_by(ActivityRun.id)
        .limit(limit)
    ).all()
    planned = 0
    for run, identity in rows:
        number = int(run.reminders_sent or 0)
        if run.updated_at > now - rules.after[number]:
            continue  # the next reminder is not due yet
        outbox.enqueue(
            session=session,
            kind=KIND,
            recipient_key=f"{identity.channel}:{identity.external_id}",
            payload={
                "run_id": run.id,
                "number": number + 1,
                "channel": identity.channel,
                "to": identity.external_id,
                "planned_at": now.isoformat(),
            },
            participant_id=run.participant_id,
        )
        # The count only: updated_at is kept, since it is the participant's last activity.
        session.execute(
            update(ActivityRun)
            .where(ActivityRun.id == run.id)
            .values(reminders_sent=number + 1, last_reminder_at=now, updated_at=ActivityRun.updated_at)
            .execution_options(synchronize_session=False)
        )
        planned += 1
    return planned


def reminder_text(run: ActivityRun, language: str) -> str:
    """ "You're on 4 of 6 ..." at a factor's question, the general wording elsewhere; in the participant's language."""
    content = load_content(language)
    factor: Optional[str] = next((step.factor for step in content.steps if step.id == run.step_id), None)
    if factor:
        return content.plain_message("reminder_factor", n=content.factor_number(factor))
    return content.plain_message("reminder")


def deliver(
    outbox_id: int, payload: dict[str, Any], now: Optional[datetime] = None, settings: Optional[Settings] = None
) -> Delivered:
    """Send one planned reminder, unless the person has written since, finished, stopped or blocked the bot."""
    settings = settings or get_settings()
    now = now or utcnow()
    rules = ContactRules.from_settings(settings)
    planned_at = datetime.fromisoformat(str(payload["planned_at"]))
    with session_scope() as session:
        run = session.get(ActivityRun, int(payload["run_id"]))
        identity = session.execute(
            select(ChannelIdentity).where(
                ChannelIdentity.channel == payload["channel"], ChannelIdentity.external_id == payload["to"]
            )
        ).scalar_one_or_none()
        if run is None or identity is None or run.status not in OPEN_RUN_STATUSES:
            raise NothingToDeliver("the run is over or gone")
        if run.updated_at > planned_at:
            raise NothingToDeliver("the participant wrote since")
        if identity.opted_out_at is not None or identity.blocked_at is not None:
            raise NothingToDeliver("the participant stopped or blocked the bot")
        if identity.participant.reminders_off_at is not None:
            raise NothingToDeliver("the participant asked for no reminders")
        text = reminder_text(run, identity.participant.language or "en")
    if not rules.allowed(now):
        raise NotYet(rules.next_allowed(now))
    return provider_send.send_text(settings, channel=str(payload["channel"]), to=str(payload["to"]), text=text)
