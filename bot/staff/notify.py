"""Tell the site's practitioners of a handoff: notices put in the outbox with the handoff, emailed with a link only."""

from __future__ import annotations

import logging
import smtplib
from email.message import EmailMessage

from sqlalchemy.orm import Session

from bot.settings import Settings, get_settings
from bot.store import outbox
from bot.store import staff_repository as staff_repo
from bot.store.models import EES

logger = logging.getLogger(__name__)
SMTP_TIMEOUT_SECONDS = 15
HANDOFF_EMAIL = "handoff_email"  # the outbox kind the worker delivers with bot/worker/handoff_email.py


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


def enqueue_notices(*, session: Session, handoff_id: int, settings: Settings | None = None) -> int:
    """Put one notice per practitioner to tell in the outbox, in the caller's transaction (the one that made the
    handoff), for the worker to email; returns how many (0 when SMTP is not configured)."""
    settings = settings or get_settings()
    if not settings.smtp_host:
        return 0
    handoff = staff_repo.get_handoff(session=session, handoff_id=handoff_id)
    if handoff is None:
        return 0
    recipients = staff_repo.notification_recipients(session=session, handoff=handoff)
    if not recipients:
        logger.warning("handoff %s: no practitioner to notify", handoff_id)
    participant_id = handoff.run.participant_id if handoff.run is not None else None
    for recipient in recipients:
        # One email per person, so no one sees the others' addresses.
        outbox.enqueue(
            session=session,
            kind=HANDOFF_EMAIL,
            recipient_key=f"email:{recipient.lower()}",
            payload={"handoff_id": handoff_id, "to": recipient},
            participant_id=participant_id,
        )
    return len(recipients)


def login_if_configured(smtp: smtplib.SMTP, settings: Settings) -> None:
    """STARTTLS and login when the settings carry them (SMTP_STARTTLS, SMTP_USERNAME, SMTP_PASSWORD)."""
    if settings.smtp_starttls:
        smtp.starttls()
    if settings.smtp_username:
        smtp.login(settings.smtp_username, settings.smtp_password)
