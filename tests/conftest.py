"""Shared fixtures: a migrated SQLite database per test, and a session on it."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from sqlalchemy.orm import Session

from bot.settings import get_settings
from bot.store import migrate
from bot.store.db import dispose_all, session_factory

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


@pytest.fixture
def db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A fresh, migrated SQLite file database; DATABASE_URL points at it for the test."""
    url = f"sqlite:///{tmp_path / 'bot.sqlite3'}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    migrate.upgrade(url)
    yield url
    dispose_all()
    get_settings.cache_clear()


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on the test database (commit explicitly to make rows visible to other sessions)."""
    s = session_factory(db_url)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()
