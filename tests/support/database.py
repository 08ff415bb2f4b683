"""SQLite test databases: one file migrated to head once per run, copied wherever a test or a stack needs a database.

Running Alembic for every test (and every stack) cost more than the tests themselves; a file copy of an already
migrated database is the same database. Tests of the migrations themselves run Alembic on an empty file instead.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Callable

from bot.store import migrate
from bot.store.db import dispose_all

DB_NAME = "bot.sqlite3"
NewDatabase = Callable[[Path], str]  # the root conftest's ``new_database`` fixture: path -> URL of a migrated copy


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{path}"


def migrate_template(path: Path) -> Path:
    """Migrate a new SQLite file at ``path`` to head with Alembic and close every connection to it."""
    migrate.upgrade(sqlite_url(path))
    dispose_all()
    wal = path.with_name(path.name + "-wal")
    assert not wal.exists() or wal.stat().st_size == 0, "the template must be complete in its own file to be copied"
    return path


def copy_template(template: Path, path: Path) -> str:
    """A migrated database at ``path`` (a copy of ``template``); its URL."""
    path.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(template, path)
    return sqlite_url(path)
