"""Engine and session factory, built lazily once per process and database URL."""

from __future__ import annotations

import sqlite3
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Optional

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.pool import QueuePool

from bot.settings import get_settings

_factories: dict[str, sessionmaker] = {}
LOCK_TIMEOUT_MS = 10_000


def _set_sqlite_pragmas(dbapi_connection: sqlite3.Connection, _record: object) -> None:
    cursor = dbapi_connection.cursor()
    # WAL lets the web app read while the action server writes; foreign keys enforce deletes.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute(f"PRAGMA busy_timeout={LOCK_TIMEOUT_MS}")
    cursor.close()


def _is_file_database(url: str) -> bool:
    """True for a SQLite database in a file (not ``sqlite://``, ``:memory:`` or a ``file:...mode=memory`` URI)."""
    path = url.split("///", 1)[1] if "///" in url else ""
    return bool(path) and path != ":memory:" and "mode=memory" not in path


def make_engine(url: str) -> Engine:
    """Create an engine for ``url`` with the settings this project needs."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:" and not path.startswith("file:"):  # file:...?mode=ro URIs name existing files
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # A file database keeps its connections open (SQLAlchemy 1.4 would open and close one per session): closing
        # the last connection checkpoints the WAL into the database file and deletes it, which cost 2-20 ms and
        # several fsyncs per participant message, and a new connection re-reads the schema. Commits still wait for
        # the WAL to reach the disk (synchronous=FULL): a reply never confirms an answer a power cut could lose.
        pool = {"poolclass": QueuePool, "pool_size": 5, "max_overflow": 10} if _is_file_database(url) else {}
        engine = create_engine(url, future=True, connect_args={"check_same_thread": False, "timeout": 10}, **pool)
        event.listen(engine, "connect", _set_sqlite_pragmas)
        return engine
    # A lock held elsewhere fails a statement after 10 s (as SQLite's busy timeout does) instead of blocking a
    # webhook past its provider's timeout: the channel can then still ask the participant to send again.
    connect_args = {"options": f"-c lock_timeout={LOCK_TIMEOUT_MS}"} if url.startswith("postgresql+psycopg2") else {}
    return create_engine(url, future=True, pool_pre_ping=True, pool_size=5, max_overflow=10, connect_args=connect_args)


def session_factory(url: Optional[str] = None) -> sessionmaker:
    """The sessionmaker for ``url`` (default: settings), built on first use."""
    url = url or get_settings().database_url
    factory = _factories.get(url)
    if factory is None:
        factory = sessionmaker(bind=make_engine(url), future=True, expire_on_commit=False)
        _factories[url] = factory
    return factory


@contextmanager
def session_scope(url: Optional[str] = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = session_factory(url)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispose_all() -> None:
    """Close every pooled connection (tests, forks)."""
    for factory in _factories.values():
        factory.kw["bind"].dispose()
    _factories.clear()
