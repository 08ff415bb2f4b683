"""`python -m bot actions`: the action server on loopback, guarded by ACTION_SERVER_TOKEN."""

from __future__ import annotations

import argparse
import logging

from bot.settings import get_settings


def _actions(args: argparse.Namespace) -> int:
    from bot.actions.server import serve

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    settings = get_settings()
    settings.check_secrets()
    serve(host=args.host, port=args.port, token=settings.action_server_token)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    actions = subparsers.add_parser("actions", help="run the action server (needs ACTION_SERVER_TOKEN)")
    actions.add_argument("--host", default="127.0.0.1")
    actions.add_argument("--port", type=int, default=5055)
    actions.set_defaults(func=_actions)
