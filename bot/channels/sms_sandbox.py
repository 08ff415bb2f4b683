"""A private SMS bot for trying and measuring the channel: action server + Rasa wired to a local fake Twilio API."""
from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.channels.sms_fake_twilio import FakeTwilio
from bot.channels.sms_signing import WebhookReply, inbound_params, new_sid, send_signed
from bot.settings import REPO_ROOT
from bot.store import migrate

MODEL = REPO_ROOT / "models" / "mfbot.tar.gz"
PROGRAMME_NUMBER = "+19025550100"
STARTUP_TIMEOUT = 240
CREDENTIALS = "rest:\nbot.channels.twilio_sms.TwilioSmsInput:\n"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Phone:
    """One participant's phone: texts are signed and posted like Twilio's; replies are read from the fake API."""

    number: str
    webhook_url: str
    auth_token: str
    account_sid: str
    fake: FakeTwilio
    programme_number: str = PROGRAMME_NUMBER
    signed_url: Optional[str] = None  # the public URL Twilio signs, when it differs from webhook_url
    last_reply: Optional[WebhookReply] = None

    def text(self, body: str, message_sid: Optional[str] = None) -> list[str]:
        """Send one SMS and return the bodies the bot sent back to this number because of it."""
        before = len(self.fake.sent_to(self.number))
        params = inbound_params(account_sid=self.account_sid, from_number=self.number, to_number=self.programme_number,
                                body=body, message_sid=message_sid)
        self.last_reply = send_signed(url=self.webhook_url, auth_token=self.auth_token, params=params, signed_url=self.signed_url)
        if self.last_reply.status != 200:
            raise RuntimeError(f"the SMS webhook answered {self.last_reply.status}: {self.last_reply.body[:200]}")
        return [m.body for m in self.fake.sent_to(self.number)[before:]]


@dataclass
class Sandbox:
    """A running action server and Rasa server whose SMS channel talks to ``fake``."""

    workdir: Path
    database_url: str
    fake: FakeTwilio
    auth_token: str
    account_sid: str
    rasa_port: int = field(default_factory=free_port)
    action_port: int = field(default_factory=free_port)
    procs: list[subprocess.Popen] = field(default_factory=list)
    temporary: bool = False  # the workdir (logs, generated config) was made for this sandbox and goes with it

    @property
    def webhook_url(self) -> str:
        return f"http://127.0.0.1:{self.rasa_port}/webhooks/twilio_sms/webhook"

    def phone(self, number: Optional[str] = None) -> Phone:
        number = number or "+1902555" + f"{secrets.randbelow(10000):04d}"
        return Phone(number, self.webhook_url, self.auth_token, self.account_sid, self.fake)

    def env(self) -> dict[str, str]:
        return {**os.environ, "DATABASE_URL": self.database_url, "TWILIO_ACCOUNT_SID": self.account_sid,
                "TWILIO_AUTH_TOKEN": self.auth_token, "TWILIO_FROM_NUMBER": PROGRAMME_NUMBER, "TWILIO_PUBLIC_URL": "",
                "TWILIO_API_BASE": self.fake.base_url, "SQLALCHEMY_SILENCE_UBER_WARNING": "1", "TF_CPP_MIN_LOG_LEVEL": "3",
                "PYTHONUNBUFFERED": "1"}

    def start(self) -> None:
        rasa = str(Path(sys.executable).parent / "rasa")
        (self.workdir / "credentials.yml").write_text(CREDENTIALS)
        (self.workdir / "endpoints.yml").write_text(f'action_endpoint:\n  url: "http://127.0.0.1:{self.action_port}/webhook"\n')
        self._spawn("actions", [rasa, "run", "actions", "--actions", "bot.actions", "--port", str(self.action_port)],
                    f"http://127.0.0.1:{self.action_port}/health")
        self._spawn("rasa", [rasa, "run", "--model", str(MODEL), "--port", str(self.rasa_port), "--interface", "127.0.0.1",
                             "--credentials", str(self.workdir / "credentials.yml"), "--endpoints", str(self.workdir / "endpoints.yml")],
                    f"http://127.0.0.1:{self.rasa_port}/webhooks/twilio_sms/")

    def _spawn(self, name: str, args: list[str], health_url: str) -> None:
        log = (self.workdir / f"{name}.log").open("ab")
        proc = subprocess.Popen(args, cwd=REPO_ROOT, env=self.env(), stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs.append(proc)
        deadline = time.monotonic() + STARTUP_TIMEOUT
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"{name} stopped at startup; see {self.workdir / (name + '.log')}")
            try:
                with urllib.request.urlopen(health_url, timeout=2) as answer:
                    if answer.status == 200:
                        return
            except OSError:
                time.sleep(0.3)
        raise TimeoutError(f"{name} did not start in {STARTUP_TIMEOUT}s; see {self.workdir / (name + '.log')}")

    def stop(self, keep_logs: bool = False) -> None:
        for proc in reversed(self.procs):
            if proc.poll() is None:
                os.killpg(proc.pid, signal.SIGTERM)
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(proc.pid, signal.SIGKILL)
                    proc.wait(timeout=10)
        self.procs.clear()
        self.fake.stop()
        if self.temporary and not keep_logs:
            shutil.rmtree(self.workdir, ignore_errors=True)


def start_sandbox(database_url: str, workdir: Optional[Path] = None) -> Sandbox:
    """Migrate ``database_url``, start a fake Twilio API, then the action server and Rasa (about half a minute)."""
    if not MODEL.exists():
        raise RuntimeError(f"{MODEL} is missing: run `make train` first")
    migrate.upgrade(database_url)
    account_sid, auth_token = new_sid("AC"), secrets.token_hex(16)
    fake = FakeTwilio(account_sid, auth_token).start()
    sandbox = Sandbox(Path(workdir or tempfile.mkdtemp(prefix="mf-sms-")), database_url, fake, auth_token, account_sid,
                      temporary=workdir is None)
    try:
        sandbox.start()
    except BaseException:
        sandbox.stop(keep_logs=True)  # the error names the log to read
        raise
    return sandbox
