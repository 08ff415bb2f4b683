"""The loopback fake of Twilio's Messages API as a fixture, made by each package that needs one (SMS, security)."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot.devtools.fake_twilio import FakeTwilio


def fake_twilio_fixture(account_sid: str, auth_token: str, scope: str = "session"):
    """The ``fake_twilio`` fixture for a conftest: use as ``fake_twilio = fake_twilio_fixture(SID, TOKEN)``.

    Each package assigning it gets its own fake (its own port and its own record of what was sent).
    """

    @pytest.fixture(scope=scope, name="fake_twilio")
    def _fake_twilio() -> Iterator[FakeTwilio]:
        """Twilio's Messages API on loopback: the real twilio client in the Rasa process sends here."""
        fake = FakeTwilio(account_sid, auth_token).start()
        yield fake
        fake.stop()

    return _fake_twilio
