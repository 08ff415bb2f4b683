"""Email the site's practitioners when a summary is handed off: a link only, never the participant's answers."""

from __future__ import annotations

import logging
import smtplib
import threading
from email.message import EmailMessage

from bot.settings import Settings, get_settings
from bot.store import staff_repository as staff_repo
from bot.store.db import session_scope
from bot.store.models import EES

logger = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 15


def handoff_link(settings: Settings, handoff_id: int) -> str:
    return f"{settings.public_base_url}/staff/handoffs/{handoff_id}"


def build_message(
    *, settings: Settings, handoff_id: int, site_name: str, audience: str, recipient: str
) -> EmailMessage:
    """The notification email: which site, which kind of summary, and the link; nothing the participant wrote."""
    who = "an employer" if audience == EES else "a work seeker"
    message = EmailMessage()
    message["Subject"] = "New Magnetic Factors summary to review"
    message["From"] = settings.smtp_from
    message["To"] = recipient
    message.set_content(
        "\n".join(
            [
                "Hello,",
                "",
                f"A new Magnetic Factors summary from {who} was shared with {site_name}.",
                "",
                f"Open it here (you will be asked to sign in): {handoff_link(settings, handoff_id)}",
                "",
                "For privacy, this email does not contain any of the participant's answers.",
            ]
        )
    )
    return message


def notify_handoff(handoff_id: int, settings: Settings | None = None) -> int:
    """Send the notification for one handoff; returns how many emails were sent (0 when SMTP is not configured)."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        return 0
    with session_scope() as session:
        handoff = staff_repo.get_handoff(session=session, handoff_id=handoff_id)
        if handoff is None:
            return 0
        recipients = staff_repo.notification_recipients(session=session, handoff=handoff)
        site_name = handoff.site.name if handoff.site else "your site"
        audience = handoff.audience
    if not recipients:
        logger.warning("handoff %s: no practitioner to notify", handoff_id)
        return 0
    sent = 0
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=SMTP_TIMEOUT_SECONDS) as smtp:
        _login_if_configured(smtp, settings)
        for recipient in recipients:
            # One email per person, so no one sees the others' addresses.
            smtp.send_message(
                build_message(
                    settings=settings,
                    handoff_id=handoff_id,
                    site_name=site_name,
                    audience=audience,
                    recipient=recipient,
                )
            )
            sent += 1
    logger.info("handoff %s: notified %d practitioner(s)", handoff_id, sent)
    return sent


def _login_if_configured(smtp: smtplib.SMTP, settings: Settings) -> None:
    """STARTTLS and login when the settings carry them (SMTP_STARTTLS, SMTP_USERNAME, SMTP_PASSWORD)."""
    if getattr(settings, "smtp_starttls", False):
        smtp.starttls()
    username = getattr(settings, "smtp_username", "")
    if username:
        smtp.login(username, getattr(settings, "smtp_password", ""))


def _notify_safely(handoff_id: int) -> None:
    try:
        notify_handoff(handoff_id)
    except Exception as exc:  # noqa: BLE001 - a mail failure must not surface anywhere near the participant
        logger.error("handoff %s: notification failed (%s)", handoff_id, type(exc).__name__)


def notify_handoff_async(handoff_id: int) -> None:
    """Fire and forget: send the notification from a background thread (nothing happens without SMTP_HOST)."""
    if not get_settings().smtp_host:
        return
    threading.Thread(
        target=_notify_safely, args=(handoff_id,), name=f"notify-handoff-{handoff_id}", daemon=True
    ).start()
