"""Unit tests: the channel's settings, the URL Twilio signs, and form parsing that keeps the blank fields Twilio signs."""

from __future__ import annotations

import urllib.parse

import pytest
from twilio.request_validator import RequestValidator

from bot.channels.sms.channel import CHANNEL, SmsConfig, TwilioSmsInput, form_params, signed_url
from bot.channels.sms.signing import inbound_params, sign
from bot.settings import load_settings
from tests.sms.helpers import ACCOUNT_SID, AUTH_TOKEN, PROGRAMME_NUMBER

LOCAL = "http://127.0.0.1:5123/webhooks/twilio_sms/webhook"


@pytest.mark.parametrize(
    "public_url, query, expected",
    [
        ("", "", LOCAL),
        ("", "site=halifax", LOCAL + "?site=halifax"),
        ("https://bot.example.org", "", "https://bot.example.org/webhooks/twilio_sms/webhook"),
        ("https://bot.example.org/", "", "https://bot.example.org/webhooks/twilio_sms/webhook"),
        ("https://bot.example.org/sms/hook", "", "https://bot.example.org/sms/hook"),
        ("https://bot.example.org", "site=halifax", "https://bot.example.org/webhooks/twilio_sms/webhook?site=halifax"),
        ("https://bot.example.org/hook?site=x", "site=x", "https://bot.example.org/hook?site=x"),
    ],
)
def test_the_url_twilio_signed(public_url: str, query: str, expected: str) -> None:
    request_url = f"{LOCAL}?{query}" if query else LOCAL
    assert signed_url(request_url, query, public_url) == expected


def test_form_parsing_keeps_blank_fields_so_real_signatures_validate() -> None:
    params = inbound_params(
        account_sid=ACCOUNT_SID, from_number="+17825550100", to_number=PROGRAMME_NUMBER, body="Caf\u00e9 & \U0001f600"
    )
    body = urllib.parse.urlencode(params).encode()
    parsed = form_params(body)
    assert parsed["FromCity"] == [""] and parsed["Body"] == ["Caf\u00e9 & \U0001f600"]
    assert RequestValidator(AUTH_TOKEN).validate(LOCAL, parsed, sign(LOCAL, params, AUTH_TOKEN))
    assert not RequestValidator(AUTH_TOKEN).validate(
        LOCAL, parsed, sign(LOCAL, {**params, "Body": "other"}, AUTH_TOKEN)
    )


def test_the_channel_is_off_until_sid_token_and_number_are_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in (
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM_NUMBER",
        "TWILIO_PUBLIC_URL",
        "TWILIO_API_BASE",
    ):
        monkeypatch.delenv(name, raising=False)
    assert SmsConfig.from_settings(load_settings()).missing == [
        "TWILIO_ACCOUNT_SID",
        "TWILIO_AUTH_TOKEN",
        "TWILIO_FROM_NUMBER",
    ]
    monkeypatch.setenv("TWILIO_AUTH_TOKEN", AUTH_TOKEN)
    config = SmsConfig.from_settings(load_settings())
    assert (config.enabled, config.missing) == (False, ["TWILIO_ACCOUNT_SID", "TWILIO_FROM_NUMBER"])
    assert TwilioSmsInput(config).client is None
    monkeypatch.setenv("TWILIO_ACCOUNT_SID", ACCOUNT_SID)
    monkeypatch.setenv("TWILIO_FROM_NUMBER", PROGRAMME_NUMBER)
    config = SmsConfig.from_settings(load_settings())
    assert config.enabled
    channel = TwilioSmsInput(config)
    assert channel.client is not None and channel.client.account_sid == ACCOUNT_SID
    assert TwilioSmsInput.name() == CHANNEL == "twilio_sms"
