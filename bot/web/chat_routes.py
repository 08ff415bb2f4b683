"""Web chat page routes: the page at /, its static files, and a same-origin proxy to Rasa's webchat channel."""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import weakref
from pathlib import Path
from typing import Any, MutableMapping, Optional, Union

import httpx
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.templating import Jinja2Templates
from starlette.types import Receive, Scope, Send

from bot.activity.resume_codes import find_code
from bot.chat_request import LANGUAGE_PATTERN, MAX_MESSAGE_CHARS, Refusal, read_chat_request
from bot.interpretation.text import MAX_ANSWER_CHARS
from bot.settings import get_settings
from bot.store.attempts import address_key
from bot.web import resume_codes

logger = logging.getLogger(__name__)

WEB_DIR = Path(__file__).resolve().parent
STATIC_DIR = WEB_DIR / "static"
templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))

MAX_BODY_BYTES = 64 * 1024  # 10,000 characters of 4-byte emoji, JSON-escaped, still fit
RASA_TIMEOUT = httpx.Timeout(60.0, connect=5.0)
WEBHOOK_PATH = "/webhooks/webchat/webhook"
# The page's own words (labels, buttons, hints, errors) in every language it speaks, the first being the default; the
# page is rendered in one and chat.js switches between them (the participant's language comes with each bot reply).
PAGE_STRINGS: dict[str, dict[str, str]] = json.loads((STATIC_DIR / "chat" / "strings.json").read_text(encoding="utf-8"))
DEFAULT_LANGUAGE = next(iter(PAGE_STRINGS))

SECURITY_HEADERS = {
    "Content-Security-Policy": "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "X-Frame-Options": "DENY",
}
NO_STORE = {"Cache-Control": "no-store"}


def asset_version(*names: str) -> str:
    """A short hash of the page's assets, so a new release is never served from a stale browser cache."""
    digest = hashlib.sha256()
    for name in names:
        path = STATIC_DIR / "chat" / name
        digest.update(path.read_bytes() if path.exists() else b"")
    return digest.hexdigest()[:12]


ASSET_VERSION = asset_version("chat.js", "chat.css")


def api_error(status: int, code: str, headers: Optional[dict[str, str]] = None) -> JSONResponse:
    """A JSON error with a stable code the page turns into a friendly sentence."""
    return JSONResponse(
        {"error": code}, status_code=status, headers={**SECURITY_HEADERS, **NO_STORE, **(headers or {})}
    )


def validate(body: Any) -> Union[dict[str, str], JSONResponse]:
    """The {sender, message} to forward, or the error to answer with (rules: bot/chat_request.py)."""
    read = read_chat_request(body)
    if isinstance(read, Refusal):
        return api_error(read.status, read.code)
    payload = {"sender": read.sender, "message": read.message}
    return {**payload, "site": read.site} if read.site else payload


def page_language(request: Request) -> tuple[str, bool]:
    """The language to show the page in and whether the link asked for it: ?lang=fr, else the browser's highest choice it speaks."""
    asked = request.query_params.get("lang", "").strip().lower()
    if asked in PAGE_STRINGS:
        return asked, True
    ranked = []
    for position, part in enumerate(request.headers.get("accept-language", "").split(",")[:20]):
        tag, _, params = part.strip().partition(";")
        weight = 1.0
        if params.strip().startswith("q="):
            try:
                weight = float(params.strip()[2:])
            except ValueError:
                weight = 0.0
        code = tag.strip().split("-")[0].lower()
        if weight > 0 and code:
            ranked.append((-weight, position, code))
    for _, _, code in sorted(ranked):
        if code in PAGE_STRINGS:
            return code, False
    return DEFAULT_LANGUAGE, False


def with_language(messages: list[Any], language: Optional[str]) -> list[Any]:
    """Each bot message marked with the language it is written in (from Rasa's Content-Language header), when known."""
    if not language or not LANGUAGE_PATTERN.fullmatch(language):
        return messages
    return [{**m, "lang": language} if isinstance(m, dict) else m for m in messages]


class ChatProxy:
    """Forwards one chat message to Rasa and returns its replies; the HTTP transport is injectable for tests."""

    def __init__(self, rasa_url: Optional[str] = None, transport: Optional[httpx.AsyncBaseTransport] = None):
        self._rasa_url = rasa_url
        self.transport = transport
        # One pooled client per event loop (the web app has one; a test client may start several), not one per message.
        self._clients: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, httpx.AsyncClient] = (
            weakref.WeakKeyDictionary()
        )

    def client(self) -> httpx.AsyncClient:
        """This event loop's client to Rasa, kept open (keep-alive) for the next message."""
        loop = asyncio.get_running_loop()
        client = self._clients.get(loop)
        if client is None or client.is_closed:
            client = self._clients[loop] = httpx.AsyncClient(transport=self.transport, timeout=RASA_TIMEOUT)
        return client

    async def aclose(self) -> None:
        """Close this event loop's client (the web app's shutdown)."""
        client = self._clients.pop(asyncio.get_running_loop(), None)
        if client is not None:
            await client.aclose()

    @property
    def rasa_url(self) -> str:
        return (self._rasa_url or get_settings().rasa_url).rstrip("/")

    async def handle(self, request: Request) -> Response:
        if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
            return api_error(415, "json_only")  # also forces a CORS preflight, which other sites never pass
        declared = request.headers.get("content-length")
        if declared is not None and declared.isdigit() and int(declared) > MAX_BODY_BYTES:
            return api_error(413, "too_long")
        raw = await self._read_capped(request)
        if raw is None:
            return api_error(413, "too_long")
        try:
            body = json.loads(raw)
        except ValueError:
            return api_error(400, "bad_json")
        payload = validate(body)
        if isinstance(payload, Response):
            return payload
        if find_code(payload["message"]) is None:
            return await self._forward(payload)
        # A resume code: limited per client address (the engine limits each identity), whatever the sender id says.
        key = address_key(request.client.host if request.client else "unknown")
        wait = await run_in_threadpool(resume_codes.wait_before_trying, key)
        if wait > 0:
            logger.info("webchat proxy: resume code refused, address limited for %s s", wait)
            return api_error(429, "too_many_codes", headers={"Retry-After": str(wait)})
        reply = await self._forward(payload)
        await run_in_threadpool(resume_codes.record, key, reply)
        return reply

    @staticmethod
    async def _read_capped(request: Request) -> Optional[bytes]:
        chunks, size = [], 0
        async for chunk in request.stream():
            size += len(chunk)
            if size > MAX_BODY_BYTES:
                return None
            chunks.append(chunk)
        return b"".join(chunks)

    async def _forward(self, payload: dict[str, str]) -> Response:
        try:
            reply = await self.client().post(f"{self.rasa_url}{WEBHOOK_PATH}", json=payload)
        except httpx.HTTPError as exc:
            logger.error("webchat proxy: Rasa unreachable (%s)", type(exc).__name__)
            return api_error(502, "unavailable")
        if reply.status_code in (400, 413):
            return api_error(reply.status_code, "bad_request" if reply.status_code == 400 else "too_long")
        if reply.status_code != 200:
            logger.error("webchat proxy: Rasa answered %s", reply.status_code)
            return api_error(502, "unavailable")
        try:
            messages = reply.json()
        except ValueError:
            messages = None
        if not isinstance(messages, list):
            logger.error("webchat proxy: Rasa answered something other than a list")
            return api_error(502, "unavailable")
        if not messages:
            # The bot answers every message; no reply means an action failed, so the page offers to send it again.
            logger.error("webchat proxy: Rasa answered with no message")
            return api_error(502, "unavailable")
        language = reply.headers.get("content-language", "").strip().lower()
        if not LANGUAGE_PATTERN.fullmatch(language):
            language = ""
        headers = {**SECURITY_HEADERS, **NO_STORE, **({"Content-Language": language} if language else {})}
        return JSONResponse(with_language(messages, language), headers=headers)


class SecureStaticFiles(StaticFiles):
    """Static files with the page's security headers and revalidation on every load."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"cache-control"]
                headers += [(k.lower().encode(), v.encode()) for k, v in SECURITY_HEADERS.items()]
                headers.append((b"cache-control", b"no-cache"))
                message = {**message, "headers": headers}
            await send(message)

        await super().__call__(scope, receive, send_with_headers)


async def chat_page(request: Request) -> Response:
    """The chat page itself (all behaviour is in /static/chat/chat.js), in the language the link or browser asks for."""
    return render_chat(request)


def render_chat(request: Request, site_code: str = "") -> Response:
    """The chat page; with ``site_code`` (a /s/<code> link to a real site) each message names that site."""
    language, asked = page_language(request)
    context = {
        "site_code": site_code,
        "asset_version": ASSET_VERSION,
        "max_chars": MAX_MESSAGE_CHARS,
        "answer_chars": MAX_ANSWER_CHARS,
        "lang": language,
        "lang_asked": asked,
        "t": PAGE_STRINGS[language],
        "switch": PAGE_STRINGS[PAGE_STRINGS[language]["switch_to"]],
        "strings": PAGE_STRINGS,
    }
    headers = {**SECURITY_HEADERS, **NO_STORE, "Content-Language": language, "Vary": "Accept-Language"}
    return templates.TemplateResponse(request, "chat.html", context, headers=headers)


proxy = ChatProxy()

routes: list[BaseRoute] = [
    Route("/", chat_page, methods=["GET"], name="chat_page"),
    Route("/chat/api/message", proxy.handle, methods=["POST"], name="chat_message"),
    Mount("/static", app=SecureStaticFiles(directory=str(STATIC_DIR), check_dir=False), name="static"),
]
