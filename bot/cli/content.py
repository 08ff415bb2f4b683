"""`python -m bot content check`: validate the activity wording (keys, GSM-7, SMS length, reading grade) after an edit."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bot.content import gsm7, reading_grade
from bot.content.loader import CONTENT_DIR, ContentError, outgoing_texts, parse_content
from bot.content.model import Content


def _check(args: argparse.Namespace) -> int:
    paths = [Path(p) for p in args.files] or sorted(CONTENT_DIR.glob("*.yml"))
    failed = False
    for path in paths:
        try:
            content = parse_content(path.read_bytes(), source=str(path))
        except (ContentError, OSError) as exc:
            print(f"FAIL {exc}", file=sys.stderr)
            failed = True
            continue
        texts = outgoing_texts(content)
        two = [where for where, text in texts if gsm7.segments(text) == 2]
        ucs2 = [(where, text) for where, text in texts if not gsm7.is_gsm7(text)]
        encodings = "all GSM-7" if not ucs2 else f"{len(texts) - len(ucs2)} GSM-7, {len(ucs2)} UCS-2"
        print(
            f"OK   {path}: {len(content.steps)} steps, {len(texts)} texts, {encodings}; {len(two)} take two SMS segments"
        )
        for where, text in ucs2:
            odd = "".join(sorted({ch for ch in text if not gsm7.is_gsm7(ch)}))
            print(f"     UCS-2 ({odd}): {where}, {gsm7.segments(text)} segment(s)")
        if args.verbose:
            for where in two:
                print(f"     two segments: {where}")
        failed = _report_grade(content) or failed
    return 1 if failed else 0


def _report_grade(content: Content) -> bool:
    """Prints how hard the wording reads; True when English prose is above the grade target (French: reported only)."""
    if content.language != "en":
        rows = reading_grade.hardest_by_ease(content)
        easy = reading_grade.EASY
        below = sum(1 for row in rows if row.grade < easy)
        print(
            f"     reading ease (Flesch, Kandel-Moles constants): lowest {rows[0].grade:.0f}, {below} of {len(rows)}"
            f" prose texts below {easy:.0f} (about grade 6; reported only)"
        )
        return False
    graded = reading_grade.graded(content)
    hard = [row for row in graded if row.grade > reading_grade.MAX_GRADE]
    print(
        f"     reading grade (Flesch-Kincaid): hardest {graded[0].grade:.1f}, {len(hard)} of {len(graded)} prose texts"
        f" above {reading_grade.MAX_GRADE:.0f} (target: none)"
    )
    for row in hard:
        print(f"FAIL grade {row.grade:.1f} above {reading_grade.MAX_GRADE:.0f}: {row.where}", file=sys.stderr)
    return bool(hard)


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    content = subparsers.add_parser("content", help="activity wording")
    sub = content.add_subparsers(dest="content_command", required=True)
    check = sub.add_parser("check", help="validate content files (default: all of bot/content/data)")
    check.add_argument("files", nargs="*")
    check.add_argument("-v", "--verbose", action="store_true")
    check.set_defaults(func=_check)
