"""Command-line interface: each module in COMMAND_MODULES adds its own sub-commands."""

from __future__ import annotations

import argparse
import importlib
from typing import Optional, Sequence

# Each module defines `register(subparsers)`; the sub-parser it adds sets `func=callable(args) -> int`.
COMMAND_MODULES = (
    "bot.cli.db",
    "bot.cli.export",
    "bot.cli.chat",
    "bot.cli.content",
    "bot.cli.web",
    "bot.cli.telegram",
    "bot.cli.sms",
    "bot.cli.staff",
    "bot.cli.actions",
    "bot.cli.worker",
    "bot.cli.retention",
    "bot.cli.demo",
)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m bot", description="Magnetic Factors bot tools.")
    subparsers = parser.add_subparsers(dest="command", required=True)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Optional[Sequence[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    return int(args.func(args) or 0)
