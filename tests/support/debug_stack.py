"""The real stack with every process logging at DEBUG into files, and a loopback SMTP server: for log-privacy tests."""

from __future__ import annotations

import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any, Iterator, Optional
from unittest import mock

from aiosmtpd.controller import Controller

from bot.devtools import devstack
from tests.support.stack import Stack, free_port
from tests.support.waiting import wait_until

RUNNER = "tests.support.debug_logging"
RASA_OWN_LOG = "rasa-own.log"  # Rasa's --log-file, besides its stdout and stderr in rasa.log
DEBUG_ENV = {
    "LOG_LEVEL": "DEBUG",  # Rasa's level when --debug is not given (and what it sets itself with --debug)
    "LOG_LEVEL_LIBRARIES": "DEBUG",  # Rasa's level for the libraries it configures (asyncio, tensorflow, ...)
    "SANIC_DEBUG": "false",  # Sanic's debug mode changes behaviour (auto-reload), not only logging
}


@dataclass
class DebugStack(Stack):
    """A Stack whose Rasa runs with --debug and --log-file, and whose own processes log from DEBUG up."""

    def _spawn(self, name: str, args: list[str]) -> subprocess.Popen[bytes]:
        python, flag, module, *rest = args
        assert flag == "-m", args
        if module == "bot.rasa_server":
            return super()._spawn(name, [*args, "--debug", "--log-file", str(self.workdir / RASA_OWN_LOG)])
        return super()._spawn(name, [python, "-m", RUNNER, module, *rest])


def start_debug_stack(workdir: Path, db_url: str, **options: Any) -> Stack:
    """start_stack(...) (same options and environment), with every process logging at DEBUG into ``workdir``."""
    options["extra_env"] = {**DEBUG_ENV, **options.get("extra_env", {})}
    # start_stack builds its Stack by name; a DebugStack in its place changes only how each process is started.
    with mock.patch.object(devstack, "Stack", DebugStack):
        return devstack.start_stack(workdir, db_url, **options)


def log_files(workdir: Path) -> dict[str, str]:
    """Every log file under ``workdir`` (each process's stdout and stderr, and the files they wrote), by name."""
    return {
        str(path.relative_to(workdir)): path.read_text(encoding="utf-8", errors="replace")
        for path in sorted(workdir.rglob("*"))
        if path.is_file() and (path.suffix == ".log" or ".log." in path.name)
    }


@dataclass
class Mailbox:
    """What the loopback SMTP server received."""

    messages: list[EmailMessage] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802 - aiosmtpd's name
        with self.lock:
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 60) -> list[EmailMessage]:
        """At least ``count`` messages, waiting up to ``timeout`` seconds (fails the test otherwise)."""
        if not wait_until(lambda: len(self.snapshot()) >= count, timeout=timeout):
            raise AssertionError(f"expected {count} emails, got {len(self.snapshot())}")
        return self.snapshot()

    def snapshot(self) -> list[EmailMessage]:
        with self.lock:
            return list(self.messages)


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox

    def env(self) -> dict[str, str]:
        """The settings that send the worker's emails here."""
        return {"SMTP_HOST": self.host, "SMTP_PORT": str(self.port), "SMTP_FROM": "bot@halifax.example"}


def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port while the generator runs (use as a fixture body)."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield SmtpServer(host="127.0.0.1", port=port, mailbox=mailbox)
    finally:
        controller.stop()


def found_in(logs: dict[str, str], needles: list[str]) -> list[tuple[str, str, str]]:
    """(file, needle, the line) for every needle found in a log line, case-insensitively; empty means clean."""
    hits = []
    for name, text in logs.items():
        for line in text.splitlines():
            lowered = line.lower()
            hits += [(name, needle, line[:300]) for needle in needles if needle.lower() in lowered]
    return hits


def first_line(logs: dict[str, str], name: str, marker: str) -> Optional[str]:
    """The first line of log ``name`` that contains ``marker`` (None if none does)."""
    return next((line for line in logs.get(name, "").splitlines() if marker in line), None)
