"""A local fake of the Telegram Bot API on loopback: records calls, can refuse with 403 or 429, serves getUpdates."""

from __future__ import annotations

import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Optional
from urllib.parse import parse_qsl, urlsplit

BOT_USER = {"id": 700000001, "is_bot": True, "first_name": "Magnetic Factors", "username": "mf_test_bot"}
BLOCKED_DESCRIPTION = "Forbidden: bot was blocked by the user"


@dataclass
class ApiCall:
    """One request to the fake: method, decoded parameters, and the HTTP status it was answered with."""

    method: str
    params: dict[str, Any]
    status: int
    at: float = field(default_factory=time.monotonic)


@dataclass
class Failure:
    """Answer the next ``times`` calls of ``method`` (for ``chat_id`` if given) with an error."""

    method: str
    status: int
    description: str
    times: int
    chat_id: Optional[str] = None
    retry_after: Optional[int] = None
    after: int = 0  # let this many matching calls through first


def _decode(raw: str) -> Any:
    """Form values PTB sends: objects are JSON strings, plain strings are not JSON."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


class FakeBotApi:
    """Serves /bot<token>/<method> like api.telegram.org; start() binds a free loopback port."""

    def __init__(self, token: str) -> None:
        self.token = token
        self.calls: list[ApiCall] = []
        self.failures: list[Failure] = []
        self.updates: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] = {}
        self._message_ids = 0
        self._lock = threading.Condition()
        self._server: Optional[ThreadingHTTPServer] = None

    # ---- control from tests --------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        """The value for TELEGRAM_API_BASE (PTB appends the token)."""
        assert self._server is not None, "start() the fake first"
        return f"http://127.0.0.1:{self._server.server_address[1]}/bot"

    def fail(
        self,
        method: str,
        *,
        status: int,
        description: str,
        times: int = 1,
        chat_id: Optional[str] = None,
        retry_after: Optional[int] = None,
        after: int = 0,
    ) -> None:
        with self._lock:
            self.failures.append(Failure(method, status, description, times, chat_id, retry_after, after))

    def block(self, chat_id: str, times: int = 1000) -> None:
        """Answer sendMessage to this chat as Telegram does once the user blocked the bot."""
        self.fail("sendMessage", status=403, description=BLOCKED_DESCRIPTION, times=times, chat_id=chat_id)

    def rate_limit(self, retry_after: int, *, times: int = 1, chat_id: Optional[str] = None, after: int = 0) -> None:
        self.fail(
            "sendMessage",
            status=429,
            description=f"Too Many Requests: retry after {retry_after}",
            times=times,
            chat_id=chat_id,
            retry_after=retry_after,
            after=after,
        )

    def queue_update(self, update: dict[str, Any]) -> None:
        with self._lock:
            self.updates.append(update)
            self._lock.notify_all()

    def calls_to(self, method: str, chat_id: Optional[str] = None) -> list[ApiCall]:
        with self._lock:
            return [
                c
                for c in self.calls
                if c.method == method and (chat_id is None or str(c.params.get("chat_id")) == chat_id)
            ]

    def delivered(self, chat_id: str) -> list[dict[str, Any]]:
        """Parameters of the sendMessage calls to a chat that succeeded, in order."""
        return [c.params for c in self.calls_to("sendMessage", chat_id) if c.status == 200]

    def texts(self, chat_id: str) -> list[str]:
        return [p["text"] for p in self.delivered(chat_id)]

    def clear_failures(self) -> None:
        with self._lock:
            self.failures.clear()

    # ---- serving -------------------------------------------------------------------------------
    def start(self) -> FakeBotApi:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:  # noqa: N802 - http.server's naming
                fake._handle(self)

            do_GET = do_POST  # noqa: N815

            def log_message(self, *_args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        threading.Thread(target=self._server.serve_forever, name="fake-bot-api", daemon=True).start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def _handle(self, handler: BaseHTTPRequestHandler) -> None:
        parts = urlsplit(handler.path)
        segments = parts.path.strip("/").split("/")
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length).decode("utf-8") if length else ""
        if handler.headers.get("Content-Type", "").startswith("application/json"):
            params = json.loads(raw or "{}")
        else:
            params = {key: _decode(value) for key, value in parse_qsl(raw or parts.query, keep_blank_values=True)}
        if len(segments) != 2 or segments[0] != f"bot{self.token}":
            self._reply(
                handler,
                401 if len(segments) == 2 else 404,
                {"ok": False, "error_code": 401, "description": "Unauthorized"},
            )
            return
        method = segments[1]
        status, body = self._answer(method, params)
        self._reply(handler, status, body)

    def _answer(self, method: str, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        with self._lock:
            failure = self._take_failure(method, params)
            if failure is not None:
                body: dict[str, Any] = {"ok": False, "error_code": failure.status, "description": failure.description}
                if failure.retry_after is not None:
                    body["parameters"] = {"retry_after": failure.retry_after}
                self.calls.append(ApiCall(method, params, failure.status))
                return failure.status, body
            if method == "getUpdates":
                return self._get_updates(params)
            result = self._result(method, params)
            if result is None:
                self.calls.append(ApiCall(method, params, 404))
                return 404, {"ok": False, "error_code": 404, "description": "Not Found"}
            self.calls.append(ApiCall(method, params, 200))
            return 200, {"ok": True, "result": result}

    def _take_failure(self, method: str, params: dict[str, Any]) -> Optional[Failure]:
        for failure in self.failures:
            if (
                failure.method == method
                and failure.times > 0
                and (failure.chat_id is None or str(params.get("chat_id")) == failure.chat_id)
            ):
                if failure.after > 0:
                    failure.after -= 1
                    continue
                failure.times -= 1
                if failure.times == 0:
                    self.failures.remove(failure)
                return failure
        return None

    def _result(self, method: str, params: dict[str, Any]) -> Any:
        handlers: dict[str, Callable[[dict[str, Any]], Any]] = {
            "getMe": lambda _p: BOT_USER,
            "sendMessage": self._send_message,
            "setWebhook": self._set_webhook,
            "deleteWebhook": self._delete_webhook,
            "getWebhookInfo": lambda _p: {
                "url": self.webhook.get("url", ""),
                "has_custom_certificate": False,
                "pending_update_count": len(self.updates),
            },
        }
        handler = handlers.get(method)
        return handler(params) if handler else None

    def _send_message(self, params: dict[str, Any]) -> dict[str, Any]:
        self._message_ids += 1
        chat_id = int(params["chat_id"]) if str(params["chat_id"]).lstrip("-").isdigit() else params["chat_id"]
        return {
            "message_id": self._message_ids,
            "date": int(time.time()),
            "chat": {"id": chat_id, "type": "private"},
            "from": BOT_USER,
            "text": params.get("text", ""),
        }

    def _set_webhook(self, params: dict[str, Any]) -> bool:
        self.webhook = dict(params)
        return True

    def _delete_webhook(self, _params: dict[str, Any]) -> bool:
        self.webhook = {}
        return True

    def _get_updates(self, params: dict[str, Any]) -> tuple[int, dict[str, Any]]:
        """Long poll (lock held): drop updates below offset, wait up to timeout (capped at 2 s) for new ones."""
        offset = int(params.get("offset") or 0)
        self.updates = [u for u in self.updates if u["update_id"] >= offset]
        if not self.updates:
            self._lock.wait(timeout=min(float(params.get("timeout") or 0), 2.0))
            self.updates = [u for u in self.updates if u["update_id"] >= offset]
        self.calls.append(ApiCall("getUpdates", params, 200))
        return 200, {"ok": True, "result": list(self.updates)}

    @staticmethod
    def _reply(handler: BaseHTTPRequestHandler, status: int, body: dict[str, Any]) -> None:
        data = json.dumps(body).encode("utf-8")
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
