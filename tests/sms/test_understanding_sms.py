"""Understanding by SMS (Twilio's real SDK and signatures, a fake Twilio API on loopback, the real Rasa NLU)."""

from __future__ import annotations

import pytest

from bot.content import gsm7
from tests.sms.helpers import CHANNEL
from tests.support.understanding import check_saved, converse, scenarios

pytestmark = [pytest.mark.e2e]
SCENARIOS = scenarios()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_understanding_by_sms(sms_stack, new_phone, name: str) -> None:
    phone = new_phone()
    converse(phone.text, SCENARIOS[name], same=gsm7.to_gsm7)
    check_saved(sms_stack.db_url, CHANNEL, phone.number, name)
