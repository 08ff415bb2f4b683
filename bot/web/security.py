"""The web app's outer layer: client addresses only from trusted proxies, same-site redirects, security headers on every response."""

from __future__ import annotations

from typing import Optional
from urllib.parse import urlsplit, urlunsplit

from starlette.types import ASGIApp, Message, Receive, Scope, Send
from uvicorn.middleware.proxy_headers import ProxyHeadersMiddleware

# Defaults for responses that set none of their own (static files, 404/405/500, redirects); pages set stricter ones.
DEFAULT_HEADERS = {
    "content-security-policy": "default-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "no-referrer",
}
HSTS = ("strict-transport-security", "max-age=31536000; includeSubDomains")


def trusted_proxies(value: str) -> list[str]:
    """The TRUSTED_PROXIES setting as a list of addresses or networks (empty: X-Forwarded-For is never read)."""
    return [item.strip() for item in value.split(",") if item.strip()]


def same_site_location(location: str, public_base_url: str) -> str:
    """A redirect target that cannot leave the site: absolute URLs on another origin become the path alone."""
    parts = urlsplit(location)
    if not parts.scheme and not parts.netloc:
        return location
    public = urlsplit(public_base_url)
    if (parts.scheme, parts.netloc) == (public.scheme, public.netloc):
        return location
    # Starlette builds absolute redirects (/staff -> /staff/) from the request's Host header: keep the path only.
    path = (
        parts.path if parts.path.startswith("/") and not parts.path.startswith("//") else "/" + parts.path.lstrip("/")
    )
    return urlunsplit(("", "", path, parts.query, parts.fragment))


class SecureResponses:
    """ASGI middleware: every response gets the default security headers it lacks and only same-site redirects."""

    def __init__(self, app: ASGIApp, *, public_base_url: str) -> None:
        self.app = app
        self.public_base_url = public_base_url
        self.https = public_base_url.startswith("https://")

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message = {**message, "headers": self._headers(message.get("headers", []))}
            await send(message)

        await self.app(scope, receive, send_secured)

    def _headers(self, raw: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        headers: list[tuple[bytes, bytes]] = []
        present: set[str] = set()
        for name, value in raw:
            key = name.decode("latin-1").lower()
            present.add(key)
            if key == "location":
                value = same_site_location(value.decode("latin-1"), self.public_base_url).encode("latin-1")
            headers.append((name, value))
        defaults = dict(DEFAULT_HEADERS)
        if self.https:
            defaults[HSTS[0]] = HSTS[1]
        headers += [(k.encode(), v.encode()) for k, v in defaults.items() if k not in present]
        return headers


def secure_app(app: ASGIApp, *, public_base_url: str, trusted: Optional[list[str]] = None) -> ASGIApp:
    """Wrap the app: outermost the headers and redirects (so even a 500 page gets them), then the proxy check."""
    inner: ASGIApp = ProxyHeadersMiddleware(app, trusted_hosts=trusted) if trusted else app  # type: ignore[arg-type,assignment]  # uvicorn types ASGI apps more narrowly than Starlette
    return SecureResponses(inner, public_base_url=public_base_url)
