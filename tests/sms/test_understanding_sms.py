"""Understanding by SMS (Twilio's real SDK and signatures, a fake Twilio API on loopback, the real Rasa NLU)."""

from __future__ import annotations

import pytest

from bot.content import gsm7, load_content
from tests.sms.helpers import CHANNEL
from tests.support.understanding import ROLE, Exchange, check_saved, converse, scenarios

pytestmark = [pytest.mark.e2e]
SCENARIOS = scenarios()


def by_sms(exchanges: list[Exchange]) -> list[Exchange]:
    """A scenario as it goes by SMS: after a share, the contact question is the SMS one (YES means this number)."""
    content = load_content()
    practitioner = content.practitioner(ROLE)
    by_phone = {
        content.message("contact_question", practitioner=practitioner): content.message(
            "contact_question_sms", practitioner=practitioner
        )
    }
    return [Exchange(e.text, tuple(by_phone.get(reply, reply) for reply in e.replies)) for e in exchanges]


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_understanding_by_sms(sms_stack, new_phone, name: str) -> None:
    phone = new_phone()
    converse(phone.text, by_sms(SCENARIOS[name]), same=gsm7.to_gsm7)
    check_saved(sms_stack.db_url, CHANNEL, phone.number, name)
