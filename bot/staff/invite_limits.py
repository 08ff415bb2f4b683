"""Limits on SMS invitations, counted in the site_invitations table so they hold across web app replicas."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store.invitation_models import SiteInvitation
from bot.store.models import ChannelIdentity, Practitioner, utcnow

PER_PRACTITIONER_WINDOW = timedelta(hours=1)  # at most INVITE_LIMIT_PER_HOUR invitations by one practitioner
PER_NUMBER_WINDOW = timedelta(hours=24)  # at most one invitation to one number, whoever sends it
HOUR = "hour"
NUMBER = "number"


@dataclass(frozen=True)
class Refusal:
    """Why an invitation may not be sent now, and when it may: ids only, never the number."""

    reason: str  # HOUR or NUMBER
    until: datetime  # naive UTC, when the limit lets the next invitation through
    retry_after: timedelta
    limit: int
    identity_id: int | None = None  # the number's channel identity, for NUMBER

    @property
    def retry_after_seconds(self) -> int:
        return max(1, math.ceil(self.retry_after.total_seconds()))


def _practitioner_refusal(session: Session, practitioner: Practitioner, now: datetime) -> Refusal | None:
    limit = get_settings().invite_limit_per_hour
    # Row lock on PostgreSQL: two replicas handling one practitioner's invitations count one after the other
    # (SQLite ignores FOR UPDATE; its writes are serial anyway).
    session.execute(select(Practitioner.id).where(Practitioner.id == practitioner.id).with_for_update())
    times = list(
        session.execute(
            select(SiteInvitation.created_at)
            .where(
                SiteInvitation.invited_by_id == practitioner.id,
                SiteInvitation.created_at > now - PER_PRACTITIONER_WINDOW,
            )
            .order_by(SiteInvitation.created_at)
        ).scalars()
    )
    if len(times) < limit:
        return None
    frees_up = times[len(times) - limit] + PER_PRACTITIONER_WINDOW  # when the window holds one fewer than the limit
    return Refusal(reason=HOUR, until=frees_up, retry_after=frees_up - now, limit=limit)


def _number_refusal(session: Session, channel: str, number: str, now: datetime) -> Refusal | None:
    identity_id = session.execute(
        select(ChannelIdentity.id)
        .where(ChannelIdentity.channel == channel, ChannelIdentity.external_id == number)
        .with_for_update()
    ).scalar_one_or_none()
    if identity_id is None:
        return None  # never seen: never invited
    last = session.execute(
        select(SiteInvitation.created_at)
        .where(SiteInvitation.identity_id == identity_id, SiteInvitation.created_at > now - PER_NUMBER_WINDOW)
        .order_by(SiteInvitation.created_at.desc())
        .limit(1)
    ).scalar_one_or_none()
    if last is None:
        return None
    until = last + PER_NUMBER_WINDOW
    return Refusal(reason=NUMBER, until=until, retry_after=until - now, limit=1, identity_id=int(identity_id))


def refusal(
    *, session: Session, practitioner: Practitioner, channel: str, number: str, now: datetime | None = None
) -> Refusal | None:
    """None when ``practitioner`` may invite ``number`` (E.164) now; else the first limit it would break."""
    now = now or utcnow()
    return _practitioner_refusal(session, practitioner, now) or _number_refusal(session, channel, number, now)
