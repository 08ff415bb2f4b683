"""`python -m bot worker`: the outbox worker (handoff emails), until SIGTERM or Ctrl-C."""

from __future__ import annotations

import argparse
import logging
import signal
import threading
from types import FrameType
from typing import Optional

from bot.settings import get_settings


def _worker(args: argparse.Namespace) -> int:
    from bot.worker.runner import Worker

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    get_settings().check_secrets()
    worker = Worker()
    if args.once:
        done = worker.run_once()
        print(f"sent {done.sent}, retried {done.retried}, failed {done.failed}, cancelled {done.cancelled}")
        twilio = done.provider
        print(
            f"Twilio copies: deleted {twilio.deleted}, waiting {twilio.waiting}, failed {twilio.failed}; "
            f"deletions failing: {twilio.failing} (their SIDs are in the worker log)"
        )
        return 0
    stop = threading.Event()

    def request_stop(_signum: int, _frame: Optional[FrameType]) -> None:
        stop.set()  # the message being sent is finished and recorded first

    signal.signal(signal.SIGTERM, request_stop)
    signal.signal(signal.SIGINT, request_stop)
    logging.getLogger(__name__).info("outbox worker %s started", worker.holder)
    worker.run_forever(stop, poll_seconds=args.poll)
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    worker = subparsers.add_parser("worker", help="deliver the outbox (handoff emails) until stopped")
    worker.add_argument("--once", action="store_true", help="one pass over what is due, then exit")
    worker.add_argument("--poll", type=float, default=2.0, help="seconds between passes when idle (default 2)")
    worker.set_defaults(func=_worker)
