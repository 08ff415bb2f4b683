"""Fixtures for the store tests: one PostgreSQL database for the package, at head and emptied after each test."""

from __future__ import annotations

from typing import Iterator

import pytest
from sqlalchemy import text

from bot.store import migrate
from bot.store.db import session_factory
from bot.store.models import Base
from tests.postgres_support import postgres_url

pg_url = postgres_url()


@pytest.fixture
def pg(pg_url: str) -> Iterator[str]:
    """The package's PostgreSQL database at head, emptied after each test."""
    migrate.upgrade(pg_url)
    yield pg_url
    tables = ", ".join(f'"{table.name}"' for table in Base.metadata.sorted_tables)
    with session_factory(pg_url)() as s:
        s.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))
        s.commit()
