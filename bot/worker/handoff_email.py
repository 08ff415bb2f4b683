"""Deliver one handoff notice by email: built at send time from the handoff (a link only), with a stable Message-ID."""

from __future__ import annotations

import smtplib
import socket
from datetime import datetime
from typing import Any, Optional

from bot.settings import Settings, get_settings
from bot.staff import notify
from bot.store import staff_repository as staff_repo
from bot.store.db import session_scope
from bot.worker.delivery import Delivered, DeliveryFailed, NothingToDeliver

KIND = notify.HANDOFF_EMAIL


def message_id(outbox_id: int, settings: Settings) -> str:
    """The same Message-ID on every attempt of one notice, so a repeat after a crash is recognisably the same email."""
    domain = settings.smtp_from.rpartition("@")[2] or socket.gethostname()
    return f"<mfbot-outbox-{outbox_id}@{domain}>"


def deliver(
    outbox_id: int, payload: dict[str, Any], now: Optional[datetime] = None, settings: Settings | None = None
) -> Delivered:
    """Send the notice for ``payload["handoff_id"]`` to ``payload["to"]`` through SMTP_HOST."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        raise DeliveryFailed("SmtpNotConfigured")
    with session_scope() as session:
        handoff = staff_repo.get_handoff(session=session, handoff_id=int(payload["handoff_id"]))
        if handoff is None:
            raise NothingToDeliver("the handoff no longer exists")
        site_name = handoff.site.name if handoff.site else "your site"
        audience = str(handoff.audience)
    email = notify.build_message(
        settings=settings,
        handoff_id=int(payload["handoff_id"]),
        site_name=site_name,
        audience=audience,
        recipient=str(payload["to"]),
    )
    email["Message-ID"] = message_id(outbox_id, settings)
    try:
        with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=notify.SMTP_TIMEOUT_SECONDS) as smtp:
            notify.login_if_configured(smtp, settings)
            smtp.send_message(email)
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryFailed(type(exc).__name__, permanent=True) from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DeliveryFailed(type(exc).__name__) from exc
    return Delivered(provider_id=email["Message-ID"])
