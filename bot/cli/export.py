"""`python -m bot export --format json|csv [--output PATH]`: the research export (runs with research consent only)."""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any, TextIO

from bot.store.db import session_scope
from bot.store.export import export_records, left_out, write_csv, write_json

FORMATS = ("csv", "json")
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


def left_out_line(counts: dict[str, Any]) -> str:
    """What the export left out, and why, in one line."""
    reasons = counts.get("reason", {})
    why = ", ".join(
        f"{reasons[k]} {k.replace('_', ' ')}" for k in ("declined", "withdrawn", "not_asked") if k in reasons
    )
    return f"Left out {counts.get('runs', 0)} runs without research consent" + (f" ({why})." if why else ".")


def _export(args: argparse.Namespace) -> int:
    with session_scope() as session:
        records = export_records(session=session)
        counts = left_out(session=session)

    def write(rows: list[dict[str, Any]], fp: TextIO) -> None:
        if args.format == "json":
            write_json(rows, fp, left_out=counts)
        else:
            write_csv(rows, fp)

    print(left_out_line(counts), file=sys.stderr)
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
    parser = subparsers.add_parser(
        "export", help="export the runs, answers and summaries of participants who agreed to research use"
    )
    parser.add_argument("--format", choices=FORMATS, default="json", help="json (default) or csv")
    parser.add_argument("--output", metavar="PATH", help="file to write (default: standard output)")
    parser.set_defaults(func=_export)
