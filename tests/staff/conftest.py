"""Fixtures for the staff tests: headless Chromium, a local SMTP server, and the real web app process."""

from __future__ import annotations

import os
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Iterator

import pytest
from aiosmtpd.controller import Controller

from tests.support.browser import browser_fixture
from tests.support.stack import Stack, free_port
from tests.support.waiting import wait_until

SECRET_KEY = "test-secret-key-0123456789"

browser = browser_fixture()  # one headless Chromium for this package's page tests


@dataclass
class Mailbox:
    """Messages received by the local SMTP server."""

    messages: list[tuple[list[str], EmailMessage]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's handler name
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 OK"

    def wait_for(self, count: int, timeout: float = 20) -> list[tuple[list[str], EmailMessage]]:
        """At least ``count`` messages, waiting up to ``timeout`` seconds (fails the test otherwise)."""
        if wait_until(lambda: self.received() >= count, timeout=timeout):
            with self.lock:
                return list(self.messages)
        raise AssertionError(f"expected {count} emails, got {self.received()}")

    def received(self) -> int:
        with self.lock:
            return len(self.messages)


@dataclass
class SmtpServer:
    host: str
    port: int
    mailbox: Mailbox


@pytest.fixture(scope="module")
def smtp_server() -> Iterator[SmtpServer]:
    """A real SMTP server (aiosmtpd) on a free loopback port, keeping what it receives."""
    mailbox = Mailbox()
    port = free_port()
    controller = Controller(mailbox, hostname="127.0.0.1", port=port)
    controller.start()
    yield SmtpServer(host="127.0.0.1", port=port, mailbox=mailbox)
    controller.stop()


def web_env(db_url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": db_url,
        "SECRET_KEY": SECRET_KEY,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONUNBUFFERED": "1",
        "SMTP_HOST": "",
        **extra,
    }


def start_web_only(workdir: Path, db_url: str, **extra_env: str) -> Stack:
    """Only the web app (`python -m bot web`), as the stack harness starts it, on a free port."""
    credentials = workdir / "credentials.yml"
    credentials.write_text("rest:\n")
    web = Stack(workdir=workdir, db_url=db_url, env=web_env(db_url, **extra_env), credentials=credentials)
    try:
        web.start_web()
    except BaseException:
        web.stop_all()
        raise
    return web
