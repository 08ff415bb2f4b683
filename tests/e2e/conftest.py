"""Fixtures for end-to-end tests: one real Rasa + action server stack per test module."""

from __future__ import annotations

from typing import Iterator

import pytest

from bot.store import migrate
from tests.support.stack import Stack, start_stack


@pytest.fixture(scope="module")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    """A running stack on its own migrated SQLite file."""
    workdir = tmp_path_factory.mktemp("stack")
    db_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
    migrate.upgrade(db_url)
    running = start_stack(workdir, db_url)
    yield running
    running.stop_all()
