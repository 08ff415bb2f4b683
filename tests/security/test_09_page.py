"""Finding 9 in the browser: with the action server down the real web chat page says to send again, and the same
message goes through once it is back."""

from __future__ import annotations

import pytest
from playwright.sync_api import Browser

from bench.security.target import Target
from tests.support.browser import browser_fixture
from tests.web.chat import ChatPage

pytestmark = [pytest.mark.e2e]
SEND_AGAIN = "Sorry, the chat can't be reached right now. Your message was not sent: please try again in a moment."


# Chromium for this module only: Playwright's event loop must be gone before tests that call asyncio.run().
browser = browser_fixture("module")


def test_the_page_asks_to_send_again_while_the_action_server_is_down(browser: Browser, target: Target) -> None:
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    try:
        chat = ChatPage(context.new_page(), target.ops.stack).open()
        chat.start()
        question = chat.last_bot_text()
        target.ops.stop("actions")
        try:
            chat.type_message("Yes")
            assert chat.status() == SEND_AGAIN
            assert chat.last_bot_text() == question and chat.page.get_by_label("Your message").input_value() == "Yes"
        finally:
            target.ops.start("actions")
        chat.page.get_by_label("Your message").press("Enter")
        chat.wait_reply()
        assert chat.status() == "" and chat.last_bot_text() != question
        assert chat.errors == [] or all("502" in e for e in chat.errors), chat.errors
    finally:
        context.close()
