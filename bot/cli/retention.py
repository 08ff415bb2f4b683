"""`python -m bot retention [--dry-run] [--now ISO]`: erase what the retention policy says is due, or show it."""

from __future__ import annotations

import argparse
import sys
from datetime import datetime, timezone

from sqlalchemy import inspect

from bot.settings import get_settings
from bot.staff.tracker import tracker_database_url
from bot.store import retention
from bot.store.db import session_scope
from bot.store.models import Participant, utcnow

TRACKER_ROW = "events (Rasa tracker)"


def _moment(value: str) -> datetime:
    """An ISO 8601 time as the naive UTC the store keeps (a time without zone is taken as UTC)."""
    try:
        moment = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {value!r}") from exc
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def table_lines(tally: retention.Tally, heading: str) -> list[str]:
    """One line per table: the rows that would go (dry run) or went."""
    rows = [(table, str(count)) for table, count in tally.rows.items()]
    events = "not configured" if tally.tracker_events is None else str(tally.tracker_events)
    rows += [
        (TRACKER_ROW, events),
        ("tracker conversations (sender ids)", str(tally.sender_ids)),
        ("audit_events (past the audit period)", str(tally.audit_events)),
    ]
    width = max(len(name) for name, _ in rows)
    numbers = max(len(heading), *(len(count) for _, count in rows))
    lines = [f"{'table':<{width}}  {heading:>{numbers}}"]
    lines += [f"{name:<{width}}  {count:>{numbers}}" for name, count in rows]
    return lines


def _policy_line(policy: retention.RetentionPolicy, now: datetime) -> str:
    cutoffs = policy.cutoffs(now)
    return (
        f"Policy at {now.isoformat(timespec='seconds')}Z: unfinished runs idle since before "
        f"{cutoffs.unfinished.date()} ({policy.unfinished_months} months), completed runs last followed up before "
        f"{cutoffs.completed.date()} ({policy.completed_months} months), audit rows before {cutoffs.audit.date()} "
        f"({policy.audit_months} months)."
    )


def _migrated() -> bool:
    with session_scope() as session:
        return bool(inspect(session.get_bind()).has_table(Participant.__tablename__))


def _retention(args: argparse.Namespace) -> int:
    if not _migrated():
        print("The database has no tables yet: run `python -m bot db upgrade` first.", file=sys.stderr)
        return 1
    now = args.now or utcnow()
    policy = retention.RetentionPolicy.from_settings(get_settings())
    tracker_url = tracker_database_url()
    print(_policy_line(policy, now))
    if args.dry_run:
        with session_scope() as session:
            tally = retention.plan(session=session, now=now, policy=policy, tracker_url=tracker_url)
            session.rollback()
        print(f"Dry run: {len(tally.participant_ids)} participants would be erased; nothing was changed.")
        print("\n".join(table_lines(tally, "would go")))
        return 0
    with retention.purge_lock() as held:
        if not held:
            print("Another process is purging now; nothing was done.")
            return 0
        tally = retention.purge(policy=policy, now=now, tracker_url=tracker_url)
    print(f"Erased {len(tally.participant_ids)} participants; one audit entry written ({tally.audit_text()}).")
    print("\n".join(table_lines(tally, "went")))
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    parser = subparsers.add_parser("retention", help="erase participants past the retention period (or --dry-run)")
    parser.add_argument("--dry-run", action="store_true", help="print what would be erased; change nothing")
    parser.add_argument(
        "--now", type=_moment, metavar="ISO", help="pretend it is this time, e.g. 2027-01-31T08:00:00Z (default: now)"
    )
    parser.set_defaults(func=_retention)
