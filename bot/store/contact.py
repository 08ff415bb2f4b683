"""How a participant said they can be reached: their words as typed, and the phone numbers and emails in them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Optional

import phonenumbers
from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.capabilities import capabilities_of
from bot.store.models import Answer, ChannelIdentity

CONTACT_QUESTION = "contact"  # the answer's question id; asked after a share, never part of the summary itself
THIS_NUMBER = "this_number"  # "yes, text or call me here": the number the person texts from
GIVEN = "given"  # their own words: a name, another number or an email, a good time
REGION = "CA"  # numbers written without +1 are read as Canadian
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")


@dataclass(frozen=True)
class Contact:
    """What the practitioner sees: the words as typed, and what can be called, texted or emailed."""

    words: str
    phones: tuple[str, ...]  # E.164
    emails: tuple[str, ...]
    channel_number: Optional[str]  # the number they text from, when they said to use it


def phones_in(text: str) -> tuple[str, ...]:
    found = phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.VALID)
    numbers = [phonenumbers.format_number(m.number, phonenumbers.PhoneNumberFormat.E164) for m in found]
    return tuple(dict.fromkeys(numbers))


def emails_in(text: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(_EMAIL.findall(text)))


def mentions_phone_or_email(text: str) -> bool:
    return bool(phones_in(text) or emails_in(text))


def without_contact(text: str, hidden: str = "[…]") -> str:
    """``text`` with every phone number and email in it replaced by ``hidden`` (for a view that must not show them)."""
    spans = [
        (m.start, m.end) for m in phonenumbers.PhoneNumberMatcher(text, REGION, leniency=phonenumbers.Leniency.VALID)
    ]
    spans += [m.span() for m in _EMAIL.finditer(text)]
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):  # an email with digits in it is one span, not two overlapping ones
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    for start, end in reversed(merged):
        text = text[:start] + hidden + text[end:]
    return text


def contact_of_run(*, session: Session, run_id: int, participant_id: int) -> Optional[Contact]:
    """The contact the person gave with this run's share, if any (their latest words)."""
    answer = session.execute(
        select(Answer)
        .where(Answer.run_id == run_id, Answer.question_id == CONTACT_QUESTION, Answer.superseded_at.is_(None))
        .order_by(Answer.id.desc())
    ).scalar()
    if answer is None or answer.skipped:
        return None
    words = answer.text or ""
    number = None
    if answer.value == THIS_NUMBER:
        identities = session.execute(
            select(ChannelIdentity).where(ChannelIdentity.participant_id == participant_id)
        ).scalars()
        number = next((i.external_id for i in identities if capabilities_of(i.channel).address_is_phone_number), None)
    return Contact(words=words, phones=phones_in(words), emails=emails_in(words), channel_number=number)
