"""Fixtures for the web chat tests: one real stack (action server, Rasa, web app) and one headless Chromium per package."""

from __future__ import annotations

from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser

from tests.support.browser import browser_fixture
from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import REPO, Stack, start_stack
from tests.web.chat import ChatPage

ARTIFACTS = REPO / "test-artifacts"
WEBCHAT_CREDENTIALS = "rest:\nbot.channels.webchat.channel.WebChatInput:\n"


browser = browser_fixture()  # one headless Chromium for this package's page tests


@pytest.fixture(scope="package")
def web_stack(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[Stack]:
    """Action server, Rasa (REST + webchat channels) and the web app on one migrated SQLite file."""
    workdir = tmp_path_factory.mktemp("webstack")
    db_url = new_database(workdir / DB_NAME)
    running = start_stack(workdir, db_url, credentials=WEBCHAT_CREDENTIALS, web=True)
    yield running
    running.stop_all()


@pytest.fixture
def chat(browser: Browser, web_stack: Stack) -> Iterator[ChatPage]:
    """The chat page in a fresh browser profile (its own localStorage), desktop size."""
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = ChatPage(context.new_page(), web_stack)
    yield page
    context.close()


@pytest.fixture
def new_chat(browser: Browser, web_stack: Stack) -> Iterator:
    """A factory for more chat pages, each in its own fresh browser profile (another device)."""
    contexts = []

    def make(width: int = 1280, height: int = 800) -> ChatPage:
        phone = width <= 400  # a phone: a touch screen with a mobile viewport, as the page meets it there
        context = browser.new_context(viewport={"width": width, "height": height}, has_touch=phone, is_mobile=phone)
        contexts.append(context)
        return ChatPage(context.new_page(), web_stack)

    yield make
    for context in contexts:
        context.close()


@pytest.fixture(scope="package")
def artifacts() -> Path:
    """test-artifacts/, kept after the run (screenshots)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
