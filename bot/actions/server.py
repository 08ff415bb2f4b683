"""The action server: rasa-sdk's app on loopback, answering only requests that carry the shared token."""

from __future__ import annotations

import hmac
import logging
from typing import Optional, cast

from rasa_sdk.endpoint import create_app
from sanic import Sanic, response
from sanic.request import Request
from sanic.response import HTTPResponse

logger = logging.getLogger(__name__)
OPEN_PATHS = {"/health"}
TOKEN_HEADER = "Authorization"


def token_ok(request: Request, token: str) -> bool:
    """True when the request carries ``Bearer <token>`` (compared in constant time)."""
    sent = request.headers.get(TOKEN_HEADER, "")
    return bool(token) and hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())


def create_action_app(token: str) -> Sanic:
    """rasa-sdk's Sanic app for bot.actions, refusing calls without the token and never echoing a request."""
    if not token:
        raise RuntimeError("ACTION_SERVER_TOKEN is not set: the action server refuses to run without one")
    Sanic.test_mode = True  # several apps may be built in one test process
    app = create_app("bot.actions", cors_origins=None)

    @app.middleware("request")
    async def require_token(request: Request) -> Optional[HTTPResponse]:
        if request.path in OPEN_PATHS or token_ok(request, token):
            return None
        return response.json({"error": "unauthorized"}, status=401)

    async def failed(request: Request, exception: Exception) -> HTTPResponse:
        # rasa-sdk's own handler echoes the request body (the participant's words) back and into the log.
        status = getattr(exception, "status_code", 500) or 500
        if status >= 500:
            logger.error("action request failed (%s)", type(exception).__name__)
        return response.json({"error": "failed" if status >= 500 else "bad_request"}, status=status)

    app.error_handler.add(Exception, failed)
    return cast(Sanic, app)


def serve(*, host: str, port: int, token: str) -> None:
    """Run the action server in this process (one worker)."""
    app = create_action_app(token)
    logger.info("action server listening on %s:%s", host, port)
    app.run(host=host, port=port, workers=1, access_log=False, motd=False)
