"""A loopback stand-in for Twilio's Messages REST API: checks calls as Twilio does, keeps a message log to fetch and
delete from, and can be told to fail deletions."""

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
_MESSAGE_PATH = re.compile(
    r"^/2010-04-01/Accounts/(?P<account>AC[0-9a-fA-F]{32})/Messages/(?P<sid>[SM]M[0-9a-fA-F]{32})\.json$"
)


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


@dataclass(frozen=True)
class Lookup:
    """One fetch (GET) or delete (DELETE) of a message in the log, and Twilio's answer's status."""

    method: str
    sid: str
    status: int


class FakeTwilio:
    """Serves POST /2010-04-01/Accounts/{AccountSid}/Messages.json on 127.0.0.1 like api.twilio.com.

    Checks Basic auth, the account in the path, To/From/Body and the 1,600-character limit, and answers 21610 for
    numbers in ``unsubscribed`` (as Twilio does for a phone that texted STOP to the carrier).

    Every message sent, and every one ``receive`` is told of (the phone posting it to the bot), stays in the message
    log until deleted: GET /2010-04-01/Accounts/{AccountSid}/Messages/{Sid}.json answers its JSON, DELETE answers 204,
    an unknown SID 404 (20404). Sent messages stay "queued" and received ones are "received" until ``set_status``;
    ``fail_deletes(n)`` makes the next n deletions answer 500 (20500).
    """

    def __init__(self, account_sid: str, auth_token: str, host: str = "127.0.0.1", port: int = 0):
        self.account_sid = account_sid
        self.auth_token = auth_token
        self.unsubscribed: set[str] = set()
        self._sent: list[SentMessage] = []
        self._attempts: list[Attempt] = []
        self._log: dict[str, dict[str, Any]] = {}  # Twilio's message log: sid -> the message's JSON
        self._lookups: list[Lookup] = []
        self._failing_deletes = 0
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

    # ---- the message log ------------------------------------------------------------------------
    def receive(self, *, sid: str, from_: str, to: str, body: str) -> None:
        """An incoming message Twilio is posting to the bot's webhook: in the log, status "received"."""
        message = SentMessage(sid, to, from_, body, gsm7.segments(body))
        with self._lock:
            self._log[sid] = {**_resource(self.account_sid, message), "direction": "inbound", "status": "received"}

    def in_log(self, sid: str) -> bool:
        """Whether Twilio still keeps this message (it was not deleted)."""
        with self._lock:
            return sid in self._log

    def status_of(self, sid: str) -> Optional[str]:
        with self._lock:
            message = self._log.get(sid)
            return None if message is None else str(message["status"])

    def set_status(self, sid: str, status: str) -> None:
        """Move a message on, as the carrier's receipts do ("sent", "delivered", "undelivered" ...)."""
        with self._lock:
            self._log[sid]["status"] = status

    def fail_deletes(self, count: int) -> None:
        """The next ``count`` deletions answer 500 (Twilio's 20500 internal error) and delete nothing."""
        with self._lock:
            self._failing_deletes = count

    @property
    def lookups(self) -> list[Lookup]:
        with self._lock:
            return list(self._lookups)

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
                self._log[message.sid] = dict(payload)
        with self._lock:
            self._attempts.append(Attempt(path, to, status, payload.get("code") if status >= 400 else None))
        return status, payload

    def message_call(self, method: str, path: str, authorization: str) -> tuple[int, Optional[dict[str, Any]]]:
        """Twilio's answer to fetching (GET) or deleting (DELETE) one message; a 204 has no body."""
        match = _MESSAGE_PATH.match(path)
        if authorization != self._authorization:
            answer: tuple[int, Optional[dict[str, Any]]] = _error(401, 20003, "Authenticate")
        elif match is None or match.group("account") != self.account_sid:
            answer = _error(404, 20404, f"The requested resource {path} was not found")
        else:
            with self._lock:
                message = self._log.get(match.group("sid"))
                if message is None:
                    answer = _error(404, 20404, f"The requested resource {path} was not found")
                elif method == "GET":
                    answer = 200, dict(message)
                elif self._failing_deletes > 0:
                    self._failing_deletes -= 1
                    answer = _error(500, 20500, "An internal server error has occurred")
                else:
                    del self._log[match.group("sid")]
                    answer = 204, None
        with self._lock:
            self._lookups.append(Lookup(method, match.group("sid") if match else path, answer[0]))
        return answer

    @property
    def _authorization(self) -> str:
        return "Basic " + base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()

    def _check(self, path: str, authorization: str, form: dict[str, list[str]]) -> tuple[int, dict[str, Any]]:
        if authorization != self._authorization:
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
            self._reply(*fake.message_call("GET", self.path, self.headers.get("Authorization", "")))

        def do_DELETE(self) -> None:  # noqa: N802
            self._reply(*fake.message_call("DELETE", self.path, self.headers.get("Authorization", "")))

        def _reply(self, status: int, payload: Optional[dict[str, Any]]) -> None:
            self.send_response(status)
            if payload is None:  # 204 No Content
                self.end_headers()
                return
            data = json.dumps(payload).encode()
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *_args: object) -> None:
            return  # message bodies are participants' conversations: keep them out of logs

    return Handler
