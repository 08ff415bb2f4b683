"""Shared fixtures: the migrated SQLite template and its copies (a database per test, a session on it), the content,
and the browser context and page of page tests (each package with page tests makes its own ``browser``)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterator

import pytest
from playwright.sync_api import Browser, BrowserContext, Page
from sqlalchemy.orm import Session

from bot.content import load_content
from bot.content.model import Content
from bot.settings import get_settings
from bot.store.db import dispose_all, session_factory
from tests.support.browser import AXE, new_context, recording_dialogs
from tests.support.database import DB_NAME, NewDatabase, copy_template, migrate_template, sqlite_url

os.environ.setdefault("SQLALCHEMY_SILENCE_UBER_WARNING", "1")


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head by Alembic, once for the whole run."""
    return migrate_template(tmp_path_factory.mktemp("template") / DB_NAME)


@pytest.fixture(scope="session")
def new_database(migrated_template: Path) -> NewDatabase:
    """Make a migrated SQLite database at a path (a copy of the template) and return its URL: for stacks and worlds."""

    def make(path: Path) -> str:
        return copy_template(migrated_template, path)

    return make


@pytest.fixture
def empty_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """A new, empty SQLite file database (nothing migrated); DATABASE_URL points at it for the test."""
    url = sqlite_url(tmp_path / DB_NAME)
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    dispose_all()
    get_settings.cache_clear()


@pytest.fixture
def db_url(new_database: NewDatabase, empty_db_url: str, tmp_path: Path) -> str:
    """A fresh, migrated SQLite file database (a copy of the template); DATABASE_URL points at it for the test."""
    return new_database(tmp_path / DB_NAME)


@pytest.fixture
def session(db_url: str) -> Iterator[Session]:
    """A session on the test database (commit explicitly to make rows visible to other sessions)."""
    s = session_factory(db_url)()
    try:
        yield s
    finally:
        s.rollback()
        s.close()


@pytest.fixture(scope="session")
def content() -> Content:
    """The real English content, as the bot loads it."""
    return load_content()


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core from node_modules (installed from package-lock.json by `make node`); missing means failing."""
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: run `make node` (npm ci) first")
    return AXE.read_text()


@pytest.fixture
def context(browser: Browser) -> Iterator[BrowserContext]:
    """A fresh browser profile (desktop size, downloads accepted) from the package's ``browser``."""
    ctx = new_context(browser)
    yield ctx
    ctx.close()


@pytest.fixture
def page(context: BrowserContext) -> Page:
    """A page in that profile; the dialogs it shows are dismissed and listed in ``page.dialogs``."""
    return recording_dialogs(context.new_page())


def package_of(item: pytest.Item) -> str:
    """The package under tests/ that holds ``item`` (``tests.e2e``), or ``tests`` for the top-level modules."""
    relative = item.path.relative_to(Path(__file__).parent)
    return "tests." + relative.parts[0] if len(relative.parts) > 1 else "tests"


@pytest.hookimpl(tryfirst=True)  # before pytest-xdist reads the marker into the node id
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under ``pytest -n`` (pytest-xdist, ``--dist loadgroup``) a test package runs whole on one worker, so the stack
    its package-scoped fixtures start is started once, as in a serial run."""
    for item in items:
        item.add_marker(pytest.mark.xdist_group(package_of(item)))
