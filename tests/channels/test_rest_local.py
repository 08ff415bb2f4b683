"""The local REST channel's replies: every message has a text a plain client can print."""

from __future__ import annotations

from bot.channels.rest_local import with_text


def test_the_summary_payload_carries_its_own_text_and_keeps_the_payload() -> None:
    custom = {"type": "mf_summary", "text": "Your Magnetic Factors Summary\nPay (stressor): at least $24/hr"}
    assert with_text({"recipient_id": "me", "custom": custom}) == {
        "recipient_id": "me",
        "custom": custom,
        "text": custom["text"],
    }


def test_text_messages_and_payloads_without_text_are_left_as_they_are() -> None:
    plain = {"recipient_id": "me", "text": "Strength, stressor, or both?", "buttons": [{"title": "Strength"}]}
    assert with_text(plain) is plain
    other = {"recipient_id": "me", "custom": {"type": "something_else"}}
    assert with_text(other) is other
