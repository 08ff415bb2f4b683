"""What each channel can do, asked by the engine and the staff pages instead of testing channel names."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Optional


@dataclass(frozen=True)
class Capabilities:
    """One channel's abilities: message length, and whether its address finds the person again.

    Every channel sends plain text (no markup anywhere); choices go out as buttons, which a channel without them
    (SMS, the terminal) turns into a numbered "Reply 1 …" line itself. A channel that marks languages also gets each
    text's parts, the passages in another language marked with it (the web chat's lang attributes, for screen readers).
    A channel that picks several gets, with a multi-select question's buttons, how many one reply may choose (the web
    chat's toggle buttons and Done); the others only ever see the question's own words ("Reply with their numbers").
    """

    name: str
    max_length: Optional[int] = None  # per message, as the provider counts (None: no practical limit); longer is split
    address_finds_conversation: bool = False  # the sender's address (a phone number) brings back their conversation
    address_is_phone_number: bool = False  # the address staff see is a phone number they can call or text
    writes_first: bool = False  # the bot may send a message nobody asked for just then (a reminder)
    marks_languages: bool = False  # a message may carry "parts": [{"text", "lang"?}], a passage in another language
    picks_several: bool = False  # several of a question's buttons may be chosen, then sent as one ("choose_up_to": n)
    paid_by_segment: bool = False  # every 160 characters cost: no short thanks after a reflection (SMS)


CHANNELS: dict[str, Capabilities] = {
    "rest": Capabilities("rest"),
    "webchat": Capabilities("webchat", marks_languages=True, picks_several=True),
    "terminal": Capabilities("terminal"),
    # Twilio takes 1,600 characters per message body; Telegram 4,096 UTF-16 units per message.
    "twilio_sms": Capabilities(
        "twilio_sms",
        max_length=1600,
        address_finds_conversation=True,
        address_is_phone_number=True,
        writes_first=True,
        paid_by_segment=True,
    ),
    "telegram": Capabilities(
        "telegram", max_length=4096, writes_first=True
    ),  # the chat id is stable, but a resume code is still offered
}


def capabilities_of(channel: Optional[str]) -> Capabilities:
    """The named channel's capabilities; an unknown channel gets the most careful defaults (its address finds no one)."""
    return CHANNELS.get(channel or "", Capabilities(channel or ""))


def channels_that_write_first() -> tuple[str, ...]:
    """Channels on which the bot can send a reminder (web chat and REST only ever answer)."""
    return tuple(name for name, caps in CHANNELS.items() if caps.writes_first)


def phone_channels() -> tuple[str, ...]:
    """Channels whose address is a phone number (staff may see it as one)."""
    return tuple(name for name, caps in CHANNELS.items() if caps.address_is_phone_number)
