"""Understanding in the web chat page (real headless Chromium, web app, Rasa NLU and action server)."""

from __future__ import annotations

import pytest

from tests.support.stack import Stack
from tests.support.understanding import check_saved, converse, scenarios
from tests.web.chat import ChatPage

pytestmark = [pytest.mark.e2e]
SCENARIOS = scenarios()


def typed(chat: ChatPage):
    """Type a message in the page and return the bot texts that appeared for it."""

    def send(text: str) -> list[str]:
        before = len(chat.bot_texts())
        chat.type_message(text)
        return chat.bot_texts()[before:]

    return send


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_understanding_in_the_chat_page(chat: ChatPage, web_stack: Stack, name: str) -> None:
    chat.open()
    converse(typed(chat), SCENARIOS[name])
    check_saved(web_stack.db_url, "webchat", chat.sender, name)
    assert chat.errors == [] and chat.foreign_requests() == []
