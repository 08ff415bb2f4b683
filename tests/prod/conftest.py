"""Fixtures for the production profile tests: the real scripts/run-prod.sh stack on free loopback ports."""

from __future__ import annotations

import os
import random
import socket
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

import pytest

from bot.settings import REPO_ROOT
from bot.store.db import dispose_all
from tests.postgres_support import PostgresUnavailable, create_database, database_name, drop_database

RUN_PROD = REPO_ROOT / "scripts" / "run-prod.sh"
START_TIMEOUT = 600
# Offsets from PROD_PORT_BASE that scripts/run-prod.sh uses with 2 replicas of each kind.
PORT_OFFSETS = (0, 1, 2, 11, 12, 21, 22, 31, 32, 40)


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


def port_free(port: int) -> bool:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port_base() -> int:
    """A base port whose whole block (nginx, replicas, redis) is free on the loopback interface."""
    rng = random.Random()
    for _ in range(200):
        base = rng.randrange(20000, 60000, 50)
        if all(port_free(base + offset) for offset in PORT_OFFSETS):
            return base
    raise RuntimeError("no free port block for the production profile")


def prod_env(prod_dir: Path, base: int, **extra: str) -> dict[str, str]:
    """The environment run-prod.sh gets: a private directory and ports, real-looking secrets."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k
        not in (
            "DATABASE_URL",
            "REDIS_HOST",
            "BOT_ENV",
            "PUBLIC_BASE_URL",
            "TRUSTED_PROXIES",
            "TLS_CERT_FILE",
            "TLS_KEY_FILE",
        )
    }
    env.update(
        PROD_DIR=str(prod_dir),
        PROD_ENV_FILE=str(prod_dir / "none.env"),
        PROD_PORT_BASE=str(base),
        SECRET_KEY="prod-test-secret-" + os.urandom(8).hex(),
        RASA_TOKEN="prod-test-token-" + os.urandom(8).hex(),
        ACTION_SERVER_TOKEN="prod-test-actions-" + os.urandom(8).hex(),
    )
    env.update(extra)
    return env


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
