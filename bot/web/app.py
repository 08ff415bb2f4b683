"""Starlette application that serves the web chat page and the staff web app."""

from __future__ import annotations

from contextlib import asynccontextmanager
from typing import AsyncIterator

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from starlette.types import ASGIApp

from bot.settings import get_settings
from bot.staff.routes import routes as staff_routes
from bot.web.chat_routes import proxy as chat_proxy
from bot.web.chat_routes import routes as chat_routes
from bot.web.security import secure_app, trusted_proxies
from bot.web.site_links import routes as site_routes
from bot.web.summary_page import routes as summary_routes


@asynccontextmanager
async def lifespan(_app: Starlette) -> AsyncIterator[None]:
    """Close the chat proxy's pooled client to Rasa when the app stops."""
    yield
    await chat_proxy.aclose()


async def healthz(_request: Request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app() -> ASGIApp:
    """Build the app: health check, web chat, staff pages; wrapped in the security layer (bot.web.security)."""
    settings = get_settings()
    app = Starlette(
        routes=[Route("/healthz", healthz), *chat_routes, *site_routes, *summary_routes, *staff_routes],
        lifespan=lifespan,
    )
    return secure_app(app, public_base_url=settings.public_base_url, trusted=trusted_proxies(settings.trusted_proxies))
