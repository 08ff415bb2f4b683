"""A private SMS bot for trying and measuring the channel: action server + Rasa wired to a local fake Twilio API."""

from __future__ import annotations

import secrets
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Optional

from bot.channels.sms.signing import WebhookReply, inbound_params, new_sid, send_signed
from bot.devtools.devstack import MODEL, Stack, start_stack
from bot.devtools.fake_twilio import FakeTwilio
from bot.store import migrate

PROGRAMME_NUMBER = "+19025550100"
CREDENTIALS = "bot.channels.rest_local.LocalRestInput:\nbot.channels.sms.channel.TwilioSmsInput:\n"


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
        params = inbound_params(
            account_sid=self.account_sid,
            from_number=self.number,
            to_number=self.programme_number,
            body=body,
            message_sid=message_sid,
        )
        # Twilio keeps what it receives in its message log too, as "received".
        self.fake.receive(sid=params["MessageSid"], from_=self.number, to=self.programme_number, body=body)
        self.last_reply = send_signed(
            url=self.webhook_url, auth_token=self.auth_token, params=params, signed_url=self.signed_url
        )
        if self.last_reply.status != 200:
            raise RuntimeError(f"the SMS webhook answered {self.last_reply.status}: {self.last_reply.body[:200]}")
        return [m.body for m in self.fake.sent_to(self.number)[before:]]


@dataclass
class Sandbox:
    """A running action server and Rasa server (bot.devtools.devstack) whose SMS channel talks to ``fake``."""

    stack: Stack
    fake: FakeTwilio
    auth_token: str
    account_sid: str
    temporary: bool = False  # the workdir (logs, generated config) was made for this sandbox and goes with it

    @property
    def workdir(self) -> Path:
        return self.stack.workdir

    @property
    def webhook_url(self) -> str:
        return f"{self.stack.rasa_url}/webhooks/twilio_sms/webhook"

    def phone(self, number: Optional[str] = None) -> Phone:
        number = number or "+1902555" + f"{secrets.randbelow(10000):04d}"
        return Phone(number, self.webhook_url, self.auth_token, self.account_sid, self.fake)

    def stop(self, keep_logs: bool = False) -> None:
        self.stack.stop_all()
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
    temporary = workdir is None
    workdir = Path(workdir or tempfile.mkdtemp(prefix="mf-sms-"))
    twilio_env = {
        "TWILIO_ACCOUNT_SID": account_sid,
        "TWILIO_AUTH_TOKEN": auth_token,
        "TWILIO_FROM_NUMBER": PROGRAMME_NUMBER,
        "TWILIO_PUBLIC_URL": "",
        "TWILIO_API_BASE": fake.base_url,
    }
    try:
        stack = start_stack(workdir, database_url, extra_env=twilio_env, credentials=CREDENTIALS)
    except BaseException:
        fake.stop()  # the error names the log to read, which is kept
        raise
    return Sandbox(stack, fake, auth_token, account_sid, temporary=temporary)
