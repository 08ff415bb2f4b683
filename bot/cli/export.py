"""`python -m bot export --format json|csv [--output PATH]`: the research export, to stdout or a private file."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, Callable, TextIO

from bot.store.db import session_scope
from bot.store.export import export_records, write_csv, write_json

WRITERS: dict[str, Callable[[list[dict[str, Any]], TextIO], None]] = {"json": write_json, "csv": write_csv}
PRIVATE_FILE_MODE = 0o600  # the export holds participants' own words


def _open_private(path: str) -> TextIO:
    """Open ``path`` for writing, readable by its owner only, UTF-8 with no newline translation."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, PRIVATE_FILE_MODE)
    os.fchmod(fd, PRIVATE_FILE_MODE)
    return os.fdopen(fd, "w", encoding="utf-8", newline="")


def _stdout() -> TextIO:
    """Standard output as UTF-8 with no newline translation, whatever the locale."""
    reconfigure = getattr(sys.stdout, "reconfigure", None)
    if reconfigure is not None:
        sys.stdout.flush()
        reconfigure(encoding="utf-8", newline="")
    return sys.stdout


def _export(args: argparse.Namespace) -> int:
    with session_scope() as session:
        records = export_records(session=session)
    write = WRITERS[args.format]
    if args.output:
        with _open_private(args.output) as fp:
            write(records, fp)
        print(f"Exported {len(records)} activity runs as {args.format} to {args.output}.", file=sys.stderr)
    else:
        out = _stdout()
        write(records, out)
        out.flush()
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("export", help="export every run, answer and summary for the research team")
    parser.add_argument("--format", choices=sorted(WRITERS), default="json", help="json (default) or csv")
    parser.add_argument("--output", metavar="PATH", help="file to write (default: standard output)")
    parser.set_defaults(func=_export)
