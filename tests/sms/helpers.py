"""Helpers for the SMS tests: test credentials, the stack wrapper, and reading what the bot stored per phone number."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from typing import Any, Iterator, Optional

from sqlalchemy import func, select

from bot.channels.sms.compose import SEPARATOR, render
from bot.content import gsm7, load_content
from bot.devtools.fake_twilio import FakeTwilio
from bot.devtools.sms_sandbox import Phone
from bot.store.db import session_scope
from bot.store.models import (
    ActivityRun,
    Answer,
    ChannelIdentity,
    Handoff,
    OutboundMessage,
    Participant,
)
from bot.store.security_models import InboundClaim
from tests.support.activity import expected_prompt
from tests.support.stack import Stack

CHANNEL = "twilio_sms"
ACCOUNT_SID = "AC" + "5" * 32
AUTH_TOKEN = "0123456789abcdef0123456789abcdef"
PROGRAMME_NUMBER = "+19025550100"
WEBHOOK_PATH = "/webhooks/twilio_sms/webhook"
EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response />'
_numbers: Iterator[int] = itertools.count(1)


@dataclass
class SmsStack:
    """The running stack plus the fake Twilio API it sends through."""

    stack: Stack
    fake: FakeTwilio
    phones: list[Phone] = field(default_factory=list)

    @property
    def db_url(self) -> str:
        return self.stack.db_url

    @property
    def webhook_url(self) -> str:
        return f"{self.stack.rasa_url}{WEBHOOK_PATH}"

    def phone(self) -> Phone:
        """A phone with a number no other test uses."""
        number = f"+1782555{next(_numbers):04d}"
        phone = Phone(number, self.webhook_url, AUTH_TOKEN, ACCOUNT_SID, self.fake, PROGRAMME_NUMBER)
        self.phones.append(phone)
        return phone


def sms_question(question_id: str, role: Optional[str], language: str = "en") -> str:
    """A question exactly as it reads by SMS, with its 'Reply 1 ..., 2 ...' line in the participant's language.

    Rendered by the channel's own code from the engine's question and buttons (as the action server sends them).
    """
    content = load_content(language)
    buttons = [{"title": o.label, "payload": o.label} for o in content.step(question_id).options]
    return render({"text": expected_prompt(question_id, role, content), "buttons": buttons}, content.messages)


def sms_text(key: str, language: str = "en", *, options_of: Optional[str] = None, **values: str) -> str:
    """One of the content's messages exactly as it reads by SMS; ``options_of``: a step whose options it offers."""
    content = load_content(language)
    message: dict[str, Any] = {"text": content.message(key, **values)}
    if options_of is not None:
        message["buttons"] = [{"title": o.label, "payload": o.label} for o in content.step(options_of).options]
    return render(message, content.messages)


def sms_closing(role: str, language: str = "en") -> str:
    """The SMS after sharing: the thanks, then how the practitioner may reach them (by SMS YES means this number)."""
    practitioner = load_content(language).practitioner(role)
    return SEPARATOR.join(
        [
            sms_text("completed_shared", language, practitioner=practitioner),
            sms_text("contact_question_sms", language, practitioner=practitioner),
        ]
    )


def sms_after_contact(role: str, language: str = "en") -> str:
    """The SMS after the contact question is answered: passed on, then the optional uses question (matching and
    research, each on its own) with its four numbered answers."""
    content = load_content(language)
    buttons = [{"title": o.label, "payload": o.label} for o in content.uses_options]
    offer = render({"text": content.message(f"uses_offer_{role}"), "buttons": buttons}, content.messages)
    return SEPARATOR.join([sms_text("contact_saved", language, practitioner=content.practitioner(role)), offer])


def identity(db_url: str, number: str) -> Optional[ChannelIdentity]:
    with session_scope(db_url) as session:
        row = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == number)
        ).scalar_one_or_none()
        session.expunge_all()
        return row


def is_opted_out(db_url: str, number: str) -> bool:
    row = identity(db_url, number)
    return row is not None and row.opted_out_at is not None


def answers(db_url: str, number: str) -> list[Answer]:
    """Every answer saved for the participant behind ``number`` (superseded ones too), oldest first."""
    with session_scope(db_url) as session:
        rows = (
            session.execute(
                select(Answer)
                .join(ActivityRun)
                .join(Participant)
                .join(ChannelIdentity)
                .where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == number)
                .order_by(Answer.id)
            )
            .scalars()
            .all()
        )
        session.expunge_all()
        return list(rows)


def outbound(db_url: str, number: str) -> list[OutboundMessage]:
    with session_scope(db_url) as session:
        rows = (
            session.execute(
                select(OutboundMessage)
                .join(ChannelIdentity)
                .where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == number)
                .order_by(OutboundMessage.id)
            )
            .scalars()
            .all()
        )
        session.expunge_all()
        return list(rows)


def handoffs(db_url: str, number: str) -> list[Handoff]:
    with session_scope(db_url) as session:
        rows = (
            session.execute(
                select(Handoff)
                .join(ActivityRun)
                .join(Participant)
                .join(ChannelIdentity)
                .where(ChannelIdentity.channel == CHANNEL, ChannelIdentity.external_id == number)
            )
            .scalars()
            .all()
        )
        session.expunge_all()
        return list(rows)


def inbound_count(db_url: str, message_sid: str) -> int:
    with session_scope(db_url) as session:
        return session.execute(
            select(func.count())
            .select_from(InboundClaim)
            .where(InboundClaim.channel == CHANNEL, InboundClaim.message_key == message_sid)
        ).scalar_one()


def table_counts(db_url: str) -> dict[str, int]:
    """Row counts of every table a webhook call could write to."""
    with session_scope(db_url) as session:
        return {
            model.__tablename__: session.execute(select(func.count()).select_from(model)).scalar_one()
            for model in (InboundClaim, ChannelIdentity, Participant, ActivityRun, Answer, OutboundMessage)
        }


def sms_after_consent(language: str = "en") -> str:
    """What a yes to the consent question gets by SMS: the thanks and the role question, in one body."""
    thanks = gsm7.to_gsm7(load_content(language).message("consent_given"))
    return "\n\n".join([thanks, sms_question("role", None, language)])
