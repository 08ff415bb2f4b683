"""Understanding end to end over REST with the real Rasa NLU and action server: traps, sentences, asides, questions."""

from __future__ import annotations

import pytest

from tests.support.stack import Stack
from tests.support.understanding import check_saved, converse, scenarios

pytestmark = [pytest.mark.e2e]
SCENARIOS = scenarios()


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_understanding_over_rest(stack: Stack, name: str) -> None:
    sender = f"rest-understanding-{name}"
    converse(lambda text: [r["text"] for r in stack.send(sender, text) if r.get("text")], SCENARIOS[name])
    check_saved(stack.db_url, "rest", sender, name)


def test_rest_cannot_claim_another_channel(stack: Stack) -> None:
    """Rasa's REST channel took input_channel from the body: a caller could continue an SMS participant's run."""
    import json
    import urllib.request

    body = json.dumps({"sender": "+19025558993", "message": "hi", "input_channel": "twilio_sms"}).encode()
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.status == 200
    from sqlalchemy import select

    from bot.store.db import session_scope
    from bot.store.models import ChannelIdentity

    with session_scope(stack.db_url) as session:
        channels = (
            session.execute(select(ChannelIdentity.channel).where(ChannelIdentity.external_id == "+19025558993"))
            .scalars()
            .all()
        )
    assert channels == ["rest"]
