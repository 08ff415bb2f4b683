"""Deliver a practitioner's SMS invitation: worded at send time in the invited person's language, in allowed hours."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from bot.content import load_content
from bot.content.loader import available_languages
from bot.settings import Settings, get_settings
from bot.store.db import session_scope
from bot.store.invitation_models import SiteInvitation
from bot.store.models import ChannelIdentity, Site, utcnow
from bot.store.site_entry import INVITATION_SMS
from bot.worker import provider_send
from bot.worker.delivery import Delivered, NothingToDeliver, NotYet
from bot.worker.schedule import ContactRules

KIND = INVITATION_SMS


def invitation_text(site_name: str, language: str) -> str:
    """The invitation in ``language`` (English when there is no content in it)."""
    content = load_content(language if language in available_languages() else "en")
    return content.plain_message("site_invitation", site=site_name)


def deliver(
    outbox_id: int, payload: dict[str, Any], now: Optional[datetime] = None, settings: Optional[Settings] = None
) -> Delivered:
    """Send the invitation ``payload["invitation_id"]``, unless the person was erased or opted out since."""
    settings = settings or get_settings()
    now = now or utcnow()
    with session_scope() as session:
        invitation = session.get(SiteInvitation, int(payload["invitation_id"]))
        identity = session.get(ChannelIdentity, invitation.identity_id) if invitation is not None else None
        if invitation is None or identity is None:
            raise NothingToDeliver("the invitation or the person is gone")
        if identity.opted_out_at is not None:
            raise NothingToDeliver("the person opted out")
        site = session.get(Site, invitation.site_id)
        text = invitation_text(str(site.name) if site is not None else "Nova Scotia Works", str(invitation.language))
        channel, to = str(identity.channel), str(identity.external_id)
    rules = ContactRules.from_settings(settings)
    if not rules.allowed(now):
        raise NotYet(rules.next_allowed(now))
    return provider_send.send_text(settings, channel=channel, to=to, text=text)
