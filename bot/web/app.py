"""Starlette application that serves the web chat page and the staff web app."""
from __future__ import annotations

from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route

from bot.staff.routes import routes as staff_routes
from bot.web.chat_routes import routes as chat_routes


async def healthz(_request) -> PlainTextResponse:
    return PlainTextResponse("ok")


def create_app() -> Starlette:
    """Build the app: health check, web chat, staff pages."""
    return Starlette(routes=[Route("/healthz", healthz), *chat_routes, *staff_routes])
