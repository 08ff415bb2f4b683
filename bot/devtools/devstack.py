"""Start the real action server, Rasa server and web app on free loopback ports: for tests, simulators and benchmarks."""

from __future__ import annotations

import json
import os
import secrets
import signal
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, cast

REPO = Path(__file__).resolve().parents[2]
VENV_BIN = REPO / ".venv" / "bin"
MODEL = REPO / "models" / "mfbot.tar.gz"
STARTUP_TIMEOUT = 180
# Sanic (Rasa's and the action server's web server) reads SANIC_* settings from the environment: requests over
# this size are refused with 413 before anything reads them (the largest real message is 10,000 characters).
REQUEST_MAX_BYTES = 256 * 1024


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return cast(int, s.getsockname()[1])


def wait_http(
    url: str,
    timeout: float = STARTUP_TIMEOUT,
    proc: Optional[subprocess.Popen[bytes]] = None,
    log: Optional[Path] = None,
) -> None:
    """Wait until ``url`` answers 200, failing early (with the log tail) if the process died."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc is not None and proc.poll() is not None:
            tail = log.read_text()[-3000:] if log and log.exists() else ""
            raise RuntimeError(f"process for {url} exited with {proc.returncode}:\n{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.3)
    raise TimeoutError(f"{url} did not come up in {timeout}s")


def stop_process_group(proc: subprocess.Popen[bytes]) -> None:
    """Stop a process started in its own session, and its children: SIGTERM, then SIGKILL after 20 s."""
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@dataclass
class Stack:
    """A running Rasa server + action server (+ web app) sharing one database."""

    workdir: Path
    db_url: str
    env: dict[str, str]
    credentials: Path
    sql_tracker: bool = (
        False  # Rasa's trackers in a SQLite file (as production keeps them in PostgreSQL) instead of memory
    )
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    web_port: int = field(default_factory=free_port)
    procs: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)

    @property
    def tracker_db(self) -> Path:
        return self.workdir / "tracker.sqlite3"

    @property
    def rasa_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}"

    @property
    def action_url(self) -> str:
        return f"http://127.0.0.1:{self.action_port}"

    @property
    def web_url(self) -> str:
        return f"http://127.0.0.1:{self.web_port}"

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        log = self.workdir / f"{name}.log"
        handle = log.open("ab")
        proc = subprocess.Popen(
            args, cwd=REPO, env=self.env, stdout=handle, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.procs[name] = proc
        return proc

    def start_actions(self) -> None:
        proc = self._spawn(
            "actions",
            [str(VENV_BIN / "python"), "-m", "bot", "actions", "--host", "127.0.0.1", "--port", str(self.action_port)],
        )
        wait_http(f"{self.action_url}/health", proc=proc, log=self.workdir / "actions.log")

    def start_rasa(self) -> None:
        self.env.setdefault("ACTION_SERVER_TOKEN", secrets.token_hex(16))  # Rasa refuses to start with it unset
        endpoints = self.workdir / "endpoints.yml"
        tracker_store = (
            f"tracker_store:\n  type: SQL\n  dialect: sqlite\n  db: {self.tracker_db}\n" if self.sql_tracker else ""
        )
        endpoints.write_text(
            # Unquoted: Rasa expands ${...} only in plain YAML scalars, a quoted header would go out literally (401).
            f'action_endpoint:\n  url: "{self.action_url}/webhook"\n  headers:\n    Authorization: Bearer ${{ACTION_SERVER_TOKEN}}\n'
            + tracker_store
        )
        proc = self._spawn(
            "rasa",
            [
                str(VENV_BIN / "python"),
                "-m",
                "bot.rasa_server",
                "run",
                "--model",
                str(MODEL),
                "--enable-api",
                "--port",
                str(self.rasa_port),
                "--interface",
                "127.0.0.1",
                "--credentials",
                str(self.credentials),
                "--endpoints",
                str(endpoints),
                "--logging-config-file",
                str(REPO / "logging.yml"),
            ],
        )
        wait_http(f"{self.rasa_url}/status", proc=proc, log=self.workdir / "rasa.log")

    def start_worker(self) -> None:
        """The outbox worker (handoff emails), polling often so tests need not wait; ready once it logs its start."""
        log = self.workdir / "worker.log"
        proc = self._spawn("worker", [str(VENV_BIN / "python"), "-m", "bot", "worker", "--poll", "0.2"])
        deadline = time.monotonic() + 60
        while "outbox worker" not in (log.read_text(errors="replace") if log.exists() else ""):
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the worker did not start:\n{self.log_text('worker')[-2000:]}")
            time.sleep(0.05)

    def start_web(self) -> None:
        proc = self._spawn(
            "web", [str(VENV_BIN / "python"), "-m", "bot", "web", "--host", "127.0.0.1", "--port", str(self.web_port)]
        )
        wait_http(f"{self.web_url}/healthz", proc=proc, log=self.workdir / "web.log")

    def stop(self, name: str) -> None:
        """Stop one process (SIGTERM, then SIGKILL) as a crash or redeploy would."""
        proc = self.procs.pop(name, None)
        if proc is not None:
            stop_process_group(proc)

    def stop_all(self) -> None:
        for name in list(self.procs):
            self.stop(name)

    def log_text(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def send(self, sender: str, text: str, timeout: float = 60) -> list[dict[str, Any]]:
        """Post one message to the REST webhook and return the bot's replies."""
        body = json.dumps({"sender": sender, "message": text}).encode()
        request = urllib.request.Request(
            f"{self.rasa_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return cast(list[dict[str, Any]], json.loads(response.read().decode()))


def start_stack(
    workdir: Path,
    db_url: str,
    *,
    extra_env: Optional[dict[str, str]] = None,
    credentials: Optional[str] = None,
    web: bool = False,
    sql_tracker: bool = False,
    worker: Optional[bool] = None,
) -> Stack:
    """Start action server, then Rasa (and the web app if asked) against ``db_url``; the caller stops it.

    The outbox worker starts too when ``worker`` is true, or (by default) when SMTP_HOST is set: handoff emails are
    all it delivers so far.
    """
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    workdir.mkdir(parents=True, exist_ok=True)
    creds = workdir / "credentials.yml"
    creds.write_text(credentials if credentials is not None else (REPO / "credentials.yml").read_text())
    env = {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": "test-secret-key-0123456789",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONUNBUFFERED": "1",
        "ACTION_SERVER_TOKEN": secrets.token_hex(16),
        "SANIC_REQUEST_MAX_SIZE": str(REQUEST_MAX_BYTES),
        **(extra_env or {}),
    }
    stack = Stack(workdir=workdir, db_url=db_url, env=env, credentials=creds, sql_tracker=sql_tracker)
    stack.env["RASA_URL"] = stack.rasa_url
    if sql_tracker:
        stack.env["TRACKER_DATABASE_URL"] = f"sqlite:///{stack.tracker_db}"
    else:
        stack.env.pop("TRACKER_DATABASE_URL", None)
    try:
        stack.start_actions()
        stack.start_rasa()
        if web:
            stack.start_web()
        if worker or (worker is None and stack.env.get("SMTP_HOST")):
            stack.start_worker()
    except BaseException:
        stack.stop_all()
        raise
    return stack
