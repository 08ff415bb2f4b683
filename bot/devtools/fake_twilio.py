"""A loopback stand-in for Twilio's Messages REST API: checks calls as Twilio does and keeps every message sent."""

from __future__ import annotations

import base64
import json
import re
import threading
from dataclasses import dataclass
from email.utils import formatdate
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Optional
from urllib.parse import parse_qs

from bot.channels.sms.signing import new_sid
from bot.content import gsm7

_MESSAGES_PATH = re.compile(r"^/2010-04-01/Accounts/(?P<account>AC[0-9a-fA-F]{32})/Messages\.json$")


@dataclass(frozen=True)
class SentMessage:
    """One message the bot asked Twilio to send."""

    sid: str
    to: str
    from_: str
    body: str
    segments: int


@dataclass(frozen=True)
class Attempt:
    """One request to the API, accepted or not (status and Twilio error code)."""

    path: str
    to: str
    status: int
    code: Optional[int]


class FakeTwilio:
    """Serves POST /2010-04-01/Accounts/{AccountSid}/Messages.json on 127.0.0.1 like api.twilio.com.

    Checks Basic auth, the account in the path, To/From/Body and the 1,600-character limit, and answers 21610 for
    numbers in ``unsubscribed`` (as Twilio does for a phone that texted STOP to the carrier).
    """

    def __init__(self, account_sid: str, auth_token: str, host: str = "127.0.0.1", port: int = 0):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.unsubscribed: set[str] = set()
        self._sent: list[SentMessage] = []
        self._attempts: list[Attempt] = []
        self._lock = threading.Lock()
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: Optional[threading.Thread] = None

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host.decode() if isinstance(host, bytes) else host}:{port}"

    def channel_env(self, from_number: str) -> dict[str, str]:
        """The settings that point the real SMS channel (and the worker) at this fake, sending from ``from_number``."""
        return {
            "TWILIO_ACCOUNT_SID": self.account_sid,
            "TWILIO_AUTH_TOKEN": self.auth_token,
            "TWILIO_FROM_NUMBER": from_number,
            "TWILIO_API_BASE": self.base_url,
            "TWILIO_PUBLIC_URL": "",
        }

    def start(self) -> FakeTwilio:
        self._thread = threading.Thread(target=self._server.serve_forever, name="fake-twilio", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def sent(self) -> list[SentMessage]:
        with self._lock:
            return list(self._sent)

    @property
    def attempts(self) -> list[Attempt]:
        with self._lock:
            return list(self._attempts)

    def sent_to(self, number: str) -> list[SentMessage]:
        return [m for m in self.sent if m.to == number]

    # ---- the API --------------------------------------------------------------------------------
    def create_message(self, path: str, authorization: str, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        """Twilio's answer (status, JSON) to one messages.create call."""
        to = (form.get("To") or [""])[0]
        status, payload = self._check(path, authorization, form)
        if status == 201:
            message = SentMessage(new_sid("SM"), to, form["From"][0], form["Body"][0], gsm7.segments(form["Body"][0]))
            payload = _resource(self.account_sid, message)
            with self._lock:
                self._sent.append(message)
        with self._lock:
            self._attempts.append(Attempt(path, to, status, payload.get("code") if status >= 400 else None))
        return status, payload

    def _check(self, path: str, authorization: str, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        expected = "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        if authorization != expected:
            return _error(401, 20003, "Authenticate")
        match = _MESSAGES_PATH.match(path)
        if match is None or match.group("account") != self.account_sid:
            return _error(404, 20404, "The requested resource was not found")
        to, from_, body = ((form.get(k) or [""])[0] for k in ("To", "From", "Body"))
        if not to:
            return _error(400, 21604, "A 'To' phone number is required.")
        if not from_:
            return _error(400, 21603, "A 'From' phone number is required.")
        if not body:
            return _error(400, 21602, "Message body is required.")
        if len(body) > gsm7.MAX_BODY:
            return _error(400, 21617, "The concatenated message body exceeds the 1600 character limit.")
        if to in self.unsubscribed:
            return _error(400, 21610, "Attempt to send to unsubscribed recipient")
        return 201, {}


def _error(status: int, code: int, message: str) -> tuple[int, dict[str, Any]]:
    return status, {
        "code": code,
        "message": message,
        "more_info": f"https://www.twilio.com/docs/errors/{code}",
        "status": status,
    }


def _resource(account_sid: str, message: SentMessage) -> dict[str, Any]:
    now = formatdate(usegmt=True)
    uri = f"/2010-04-01/Accounts/{account_sid}/Messages/{message.sid}.json"
    return {
        "account_sid": account_sid,
        "api_version": "2010-04-01",
        "body": message.body,
        "date_created": now,
        "date_sent": None,
        "date_updated": now,
        "direction": "outbound-api",
        "error_code": None,
        "error_message": None,
        "from": message.from_,
        "messaging_service_sid": None,
        "num_media": "0",
        "num_segments": str(message.segments),
        "price": None,
        "price_unit": "USD",
        "sid": message.sid,
        "status": "queued",
        "to": message.to,
        "uri": uri,
        "subresource_uris": {"media": uri.replace(".json", "/Media.json")},
    }


def _handler_for(fake: FakeTwilio) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            length = int(self.headers.get("Content-Length") or 0)
            form = parse_qs(self.rfile.read(length).decode("utf-8"), keep_blank_values=True)
            status, payload = fake.create_message(self.path, self.headers.get("Authorization", ""), form)
            self._reply(status, payload)

        def do_GET(self) -> None:  # noqa: N802
            self._reply(*_error(404, 20404, "The requested resource was not found"))

        def _reply(self, status: int, payload: dict[str, Any]) -> None:
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            return  # message bodies are participants' conversations: keep them out of logs

    return Handler
