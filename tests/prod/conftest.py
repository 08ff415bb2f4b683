"""Fixtures for the production profile tests: the real scripts/run-prod.sh stack on free loopback ports."""

from __future__ import annotations

import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bench.prod_profile import free_port_base, prod_env
from bot.settings import REPO_ROOT
from bot.store.db import dispose_all
from tests.postgres_support import PostgresUnavailable, create_database, database_name, drop_database

RUN_PROD = REPO_ROOT / "scripts" / "run-prod.sh"
START_TIMEOUT = 600


@dataclass
class ProdProfile:
    """A running production profile and how to reach and control it."""

    base_port: int
    prod_dir: Path
    database_url: str
    env: dict[str, str]

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.base_port}"

    @property
    def rasa_internal_url(self) -> str:
        """nginx's loopback server in front of Rasa's web chat channel (what the web apps call)."""
        return f"http://127.0.0.1:{self.base_port + 2}"

    def port(self, kind: str, replica: int) -> int:
        return self.base_port + {"rasa": 10, "actions": 20, "web": 30}[kind] + replica

    def script(self, *args: str, timeout: float = START_TIMEOUT) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(RUN_PROD), *args], env=self.env, capture_output=True, text=True, timeout=timeout, check=False
        )


@pytest.fixture(scope="module")
def prod_profile(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ProdProfile]:
    """scripts/run-prod.sh start on a fresh PostgreSQL database; stopped (and the database dropped) afterwards."""
    name = database_name("mfbot_prod")
    try:
        database_url = create_database(name)
    except PostgresUnavailable as exc:
        pytest.fail(f"PostgreSQL is required for the production profile tests: {exc}", pytrace=False)
    prod_dir = tmp_path_factory.mktemp("prod")
    base = free_port_base()
    profile = ProdProfile(
        base_port=base,
        prod_dir=prod_dir,
        database_url=database_url,
        env=prod_env(prod_dir, base, DATABASE_URL=database_url),
    )
    try:
        started = profile.script("start")
        if started.returncode != 0:
            logs = "\n".join(
                f"--- {p.name}\n{p.read_text(errors='replace')[-1500:]}"
                for p in sorted((prod_dir / "log").glob("*.log"))
            )
            pytest.fail(
                f"run-prod.sh start exited {started.returncode}:\n{started.stderr[-3000:]}\n{logs}", pytrace=False
            )
        yield profile
    finally:
        profile.script("stop", timeout=120)
        dispose_all()
        drop_database(name)
