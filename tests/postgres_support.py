"""PostgreSQL for tests: start the private cluster with scripts/postgres.sh and hand out a fresh database per session."""

from __future__ import annotations

import os
import subprocess
import uuid
from typing import Callable, Iterator

import pytest

from bot.settings import REPO_ROOT
from bot.store.db import dispose_all

SCRIPT = REPO_ROOT / "scripts" / "postgres.sh"
SCRIPT_TIMEOUT = 600  # a first start may install the Debian package


class PostgresUnavailable(RuntimeError):
    """scripts/postgres.sh could not start the server or create a database."""


def run_script(*args: str) -> str:
    """Run scripts/postgres.sh with ``args`` and return the last line it printed (a URL for start/createdb)."""
    try:
        result = subprocess.run(
            ["bash", str(SCRIPT), *args], capture_output=True, text=True, timeout=SCRIPT_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        raise PostgresUnavailable(f"scripts/postgres.sh {' '.join(args)} timed out after {SCRIPT_TIMEOUT}s") from exc
    if result.returncode != 0:
        raise PostgresUnavailable(
            f"scripts/postgres.sh {' '.join(args)} exited {result.returncode}:\n{result.stderr.strip()}"
        )
    lines = result.stdout.strip().splitlines()
    return lines[-1] if lines else ""


def ensure_server() -> str:
    """Start the cluster if needed; the URL of its main database."""
    return run_script("start")


def database_name(prefix: str = "mfbot_test") -> str:
    """A database name unique to this process and call."""
    return f"{prefix}_{os.getpid()}_{uuid.uuid4().hex[:8]}"


def create_database(name: str) -> str:
    """A new empty database ``name`` owned by the bot role; its SQLAlchemy URL."""
    ensure_server()
    return run_script("createdb", name)


def drop_database(name: str) -> None:
    run_script("dropdb", name)


def postgres_url(scope: str = "session") -> Callable[..., Iterator[str]]:
    """A fixture yielding the URL of a fresh PostgreSQL database, dropped afterwards.

    It fails the test (never skips it) when PostgreSQL cannot be started: CI installs it.
    Use as ``pg_url = postgres_url()`` at module level, then ask for ``pg_url``.
    """

    @pytest.fixture(scope=scope)
    def _postgres_url() -> Iterator[str]:
        name = database_name()
        try:
            url = create_database(name)
        except PostgresUnavailable as exc:
            pytest.fail(f"PostgreSQL is required for the postgres tests: {exc}", pytrace=False)
        yield url
        dispose_all()
        drop_database(name)

    return _postgres_url
