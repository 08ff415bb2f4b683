"""`python -m bot db upgrade|downgrade` and `python -m bot site add`: schema and delivery sites."""

from __future__ import annotations

import argparse

from bot.settings import get_settings
from bot.store import migrate
from bot.store.db import session_scope
from bot.store.repository import get_or_create_site


def _upgrade(args: argparse.Namespace) -> int:
    migrate.upgrade(revision=args.revision)
    settings = get_settings()
    with session_scope() as session:
        get_or_create_site(session=session, code=settings.default_site_code, name=settings.default_site_name)
    print(f"Database is at revision {args.revision}.")
    return 0


def _downgrade(args: argparse.Namespace) -> int:
    migrate.downgrade(revision=args.revision)
    print(f"Database is at revision {args.revision}.")
    return 0


def _site_add(args: argparse.Namespace) -> int:
    with session_scope() as session:
        site = get_or_create_site(session=session, code=args.code, name=args.name)
        print(f"Site {site.code}: {site.name} (id {site.id})")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = subparsers.add_parser("db", help="database schema")
    db_sub = db.add_subparsers(dest="db_command", required=True)
    up = db_sub.add_parser("upgrade", help="migrate to the newest schema and ensure the default site")
    up.add_argument("revision", nargs="?", default="head")
    up.set_defaults(func=_upgrade)
    down = db_sub.add_parser("downgrade", help="migrate down (default: drop everything)")
    down.add_argument("revision", nargs="?", default="base")
    down.set_defaults(func=_downgrade)

    site = subparsers.add_parser("site", help="delivery sites")
    site_sub = site.add_subparsers(dest="site_command", required=True)
    add = site_sub.add_parser("add", help="add a delivery site (no-op if the code exists)")
    add.add_argument("--code", required=True)
    add.add_argument("--name", required=True)
    add.set_defaults(func=_site_add)
