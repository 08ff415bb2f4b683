"""Channel capabilities agree with the providers' own limits, and unknown channels get careful defaults."""

from __future__ import annotations

from telegram.constants import MessageLimit

from bot.capabilities import CHANNELS, capabilities_of, phone_channels
from bot.channels.sms.compose import split_long
from bot.channels.telegram.output import TEXT_LIMIT, split_text
from bot.content import gsm7


def test_limits_are_the_providers_limits_and_the_splitters_use_them() -> None:
    assert capabilities_of("twilio_sms").max_length == gsm7.MAX_BODY == 1600
    assert capabilities_of("telegram").max_length == TEXT_LIMIT == int(MessageLimit.MAX_TEXT_LENGTH)
    assert [len(p) for p in split_long("x" * 1601)] == [1600, 1]
    assert [len(p) for p in split_text("x" * 4097)] == [4096, 1]


def test_only_a_phone_number_finds_its_conversation_again() -> None:
    assert phone_channels() == ("twilio_sms",)
    finds = {name for name, caps in CHANNELS.items() if caps.address_finds_conversation}
    assert finds == {"twilio_sms"}


def test_an_unknown_channel_gets_no_trust() -> None:
    caps = capabilities_of("carrier-pigeon")
    assert (caps.name, caps.max_length, caps.address_finds_conversation, caps.address_is_phone_number) == (
        "carrier-pigeon",
        None,
        False,
        False,
    )
    assert capabilities_of(None).address_finds_conversation is False
