"""Where a private copy of the production profile runs: a free block of loopback ports and run-prod.sh's environment."""

from __future__ import annotations

import os
import random
import socket
import subprocess
from pathlib import Path

# Offsets from PROD_PORT_BASE that scripts/run-prod.sh uses with 2 replicas of each kind.
PORT_OFFSETS = (0, 1, 2, 11, 12, 21, 22, 31, 32, 40)
# What the calling shell may have set for another stack; run-prod.sh must not inherit it.
INHERITED_NOT = (
    "DATABASE_URL",
    "REDIS_HOST",
    "BOT_ENV",
    "PUBLIC_BASE_URL",
    "TRUSTED_PROXIES",
    "TLS_CERT_FILE",
    "TLS_KEY_FILE",
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
    """The environment run-prod.sh gets: a private directory and ports, fresh real-looking secrets, then ``extra``."""
    env = {k: v for k, v in os.environ.items() if k not in INHERITED_NOT}
    env.update(
        PROD_DIR=str(prod_dir),
        PROD_ENV_FILE=str(prod_dir / "none.env"),
        PROD_PORT_BASE=str(base),
        SECRET_KEY="prod-secret-" + os.urandom(12).hex(),
        RASA_TOKEN="prod-token-" + os.urandom(12).hex(),
        ACTION_SERVER_TOKEN="prod-actions-" + os.urandom(12).hex(),
    )
    env.update(extra)
    return env


def self_signed_certificate(directory: Path) -> tuple[Path, Path]:
    """A one-day self-signed certificate for ``bot.test`` made by openssl in ``directory``: (cert.pem, key.pem)."""
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=bot.test"]
        + ["-keyout", str(key), "-out", str(cert)],
        check=True,
        capture_output=True,
    )
    return cert, key
