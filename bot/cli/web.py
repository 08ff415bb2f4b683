"""`python -m bot web`: serve the web chat page and the staff pages (port 8000 by default)."""

from __future__ import annotations

import argparse

from bot.settings import get_settings


def _web(args: argparse.Namespace) -> int:
    import uvicorn

    settings = get_settings()
    settings.check_secrets()
    # ws="none": no websockets are served, and Rasa pins a websockets release too old for uvicorn's auto-detection.
    # proxy_headers=False: uvicorn would trust X-Forwarded-For from 127.0.0.1 (any local client); the app itself reads
    # it only from TRUSTED_PROXIES (bot/web/security.py).
    uvicorn.run(
        "bot.web.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        proxy_headers=False,
        ws="none",
    )
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    web = subparsers.add_parser("web", help="serve the web chat page and the staff pages")
    web.add_argument("--host", default="127.0.0.1")
    web.add_argument("--port", type=int, default=get_settings().web_port)
    web.set_defaults(func=_web)
