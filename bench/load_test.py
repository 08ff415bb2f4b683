"""Load test: N simulated participants at once through complete activities over the web chat (the web app's
/chat/api/message, as the page sends them), optional replica kills mid-run, then a database check that every answer is
stored exactly once, in order, for the right participant.

Usage (against a running production profile, loopback only):
  .venv/bin/python bench/load_test.py --url http://127.0.0.1:8080 --participants 200 --kill rasa-1@0.3 --kill actions-1@0.5
DATABASE_URL (or --database-url) names the database to check; PROD_DIR/PROD_PORT_BASE reach scripts/run-prod.sh for kills.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Optional
from urllib.parse import urlsplit

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.load_check import check_database
from bench.participant import ROLES, Plan, PromptBook, Request, Result, make_plan, run_participant
from bench.stats import percentile
from bot.content import load_content

REPO = Path(__file__).resolve().parents[1]
WEBHOOK = "/chat/api/message"  # the public web chat proxy: Rasa's REST channel is off in production
SENDER_PREFIX = "10ad"  # web chat sender ids are 32 hex digits: this marks the load test's


@dataclass(frozen=True)
class Fault:
    """Kill process ``name`` (a run-prod.sh name such as rasa-1) once ``at`` of the expected messages were answered."""

    name: str
    at: float

    @classmethod
    def parse(cls, text: str) -> Fault:
        name, _, at = text.partition("@")
        return cls(name=name, at=float(at or 0.3))


@dataclass
class LoadReport:
    """Everything a load run measured and checked."""

    results: list[Result]
    elapsed: float
    faults: list[tuple[str, float]] = field(default_factory=list)  # (name, seconds after start)
    restarts: list[tuple[str, float, int]] = field(default_factory=list)  # (what, seconds after start, exit code)
    db_problems: list[str] = field(default_factory=list)
    started: float = 0.0

    @property
    def requests(self) -> list[Request]:
        return [r for res in self.results for r in res.requests]

    @property
    def finished(self) -> int:
        return sum(1 for r in self.results if r.finished)

    @property
    def errors(self) -> Counter:
        return Counter(r.error for r in self.requests if r.error is not None)

    @property
    def errors_before_faults(self) -> int:
        first = min((t for _, t in self.faults), default=None)
        return sum(
            1
            for r in self.requests
            if r.error is not None and (first is None or r.started + r.latency - self.started < first)
        )

    def ok(self) -> bool:
        """Every participant finished, the database matches, and no error happened that no fault explains."""
        return self.finished == len(self.results) and not self.db_problems and self.errors_before_faults == 0

    def summary(self) -> dict:
        latencies = [r.latency for r in self.requests if r.error is None]
        return {
            "participants": len(self.results),
            "finished": self.finished,
            "messages": len(self.requests),
            "answered": len(latencies),
            "errors": dict(self.errors),
            "errors_before_first_fault": self.errors_before_faults,
            "resyncs": sum(r.resyncs for r in self.results),
            "replies_over_30s": sum(1 for r in self.requests if r.latency > 30),
            "elapsed_s": round(self.elapsed, 1),
            "messages_per_s": round(len(latencies) / self.elapsed, 1) if self.elapsed else 0.0,
            "latency_ms": {f"p{p}": round((percentile(latencies, p) or 0) * 1000) for p in (50, 95, 99)},
            "faults": [{"kill": n, "at_s": round(t, 1)} for n, t in self.faults],
            "restarts": [{"what": n, "at_s": round(t, 1), "exit": c} for n, t, c in self.restarts],
            "db_problems": len(self.db_problems),
            "ok": self.ok(),
        }


def make_plans(count: int, seed: int, tag: Optional[str] = None) -> list[Plan]:
    """``count`` participants, roles alternating, with web chat sender ids (32 hex digits) unique to this run."""
    content = load_content()
    rng = random.Random(seed)
    tag = tag or uuid.uuid4().hex[:8]
    return [make_plan(content, f"{SENDER_PREFIX}{tag}{i:020x}", ROLES[i % 2], rng) for i in range(count)]


def run_prod_script(*args: str, env: Optional[dict[str, str]] = None, timeout: float = 600) -> int:
    """Run scripts/run-prod.sh (kill NAME, start) with this process's environment; its exit code."""
    proc = subprocess.run(
        ["bash", str(REPO / "scripts" / "run-prod.sh"), *args],
        env=env or os.environ.copy(),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=timeout,
        check=False,
    )
    if proc.returncode != 0:
        print(
            f"load_test: run-prod.sh {' '.join(args)} exited {proc.returncode}: {proc.stderr.strip()[-500:]}",
            file=sys.stderr,
        )
    return proc.returncode


async def run_load(
    base_url: str,
    plans: list[Plan],
    *,
    time_limit: float,
    faults: tuple[Fault, ...] = (),
    kill: Optional[Callable[[str], Awaitable[int]]] = None,
    restart: Optional[Callable[[], Awaitable[int]]] = None,
    restart_after: Optional[float] = None,
    ramp: float = 5.0,
    timeout: float = 100.0,
) -> LoadReport:
    """Run every plan concurrently (starts spread over ``ramp`` s); inject the faults; never past ``time_limit``."""
    host = urlsplit(base_url).hostname or ""
    if not (host == "localhost" or host.startswith("127.") or host == "::1"):
        raise ValueError("the load test only targets loopback addresses")
    book = PromptBook(load_content())
    started = time.monotonic()
    deadline = started + time_limit
    report = LoadReport(results=[], elapsed=0.0, started=started)
    expected = sum(len(p.order) + 1 for p in plans)
    answered = 0
    pending = sorted(faults, key=lambda f: f.at)
    tasks: list[asyncio.Task] = []

    def on_request(request: Request) -> None:
        nonlocal answered
        if request.error is None:
            answered += 1
        while pending and answered >= pending[0].at * expected:
            fault = pending.pop(0)
            tasks.append(asyncio.create_task(inject(fault)))

    async def inject(fault: Fault) -> None:
        report.faults.append((fault.name, time.monotonic() - started))
        if kill is not None:
            await kill(fault.name)
        if restart is not None and restart_after is not None:
            await asyncio.sleep(restart_after)
            code = await restart()
            report.restarts.append((f"after {fault.name}", time.monotonic() - started, code))

    limits = httpx.Limits(max_connections=len(plans) + 10, max_keepalive_connections=len(plans) + 10)
    async with httpx.AsyncClient(base_url=base_url, limits=limits) as client:

        async def one(index: int, plan: Plan) -> Result:
            await asyncio.sleep(ramp * index / max(1, len(plans)))
            return await run_participant(
                client, WEBHOOK, plan, book, deadline=deadline, timeout=timeout, on_request=on_request
            )

        report.results = list(await asyncio.gather(*(one(i, p) for i, p in enumerate(plans))))
    report.elapsed = time.monotonic() - started
    for task in tasks:
        await task
    return report


def print_report(report: LoadReport, out=sys.stdout) -> None:
    s = report.summary()
    print(
        f"Load test: {s['finished']}/{s['participants']} participants finished in {s['elapsed_s']} s; "
        f"{s['answered']} replies ({s['messages_per_s']}/s), latency p50/p95/p99 "
        f"{s['latency_ms']['p50']}/{s['latency_ms']['p95']}/{s['latency_ms']['p99']} ms",
        file=out,
    )
    print(f"  faults injected: {s['faults'] or 'none'}; restarts: {s['restarts'] or 'none'}", file=out)
    print(
        f"  failed requests: {s['errors'] or 'none'} ({s['errors_before_first_fault']} before the first fault); "
        f"re-asked questions: {s['resyncs']}; replies slower than 30 s: {s['replies_over_30s']}",
        file=out,
    )
    unfinished = [r for r in report.results if not r.finished]
    for r in unfinished[:10]:
        last = ", ".join(
            f"+{q.started - report.started:.1f}s {q.latency:.1f}s {q.error or 'ok'}" for q in r.requests[-4:]
        )
        print(f"  unfinished: {r.plan.sender} after {len(r.requests)} messages ({r.failure}); last: {last}", file=out)
    print(
        f"  database check: {'every answer stored exactly once, in order' if not report.db_problems else str(len(report.db_problems)) + ' problems'}",
        file=out,
    )
    for problem in report.db_problems[:20]:
        print(f"    {problem}", file=out)
    print(f"  RESULT: {'PASS' if report.ok() else 'FAIL'}", file=out)


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--url",
        default=f"http://127.0.0.1:{os.environ.get('PROD_PORT_BASE', '8080')}",
        help="nginx (or a web app) base URL",
    )
    parser.add_argument("--participants", type=int, default=200)
    parser.add_argument("--time-limit", type=float, default=900.0, help="seconds; the run stops by itself")
    parser.add_argument("--kill", action="append", default=[], metavar="NAME@FRACTION", help="e.g. rasa-1@0.3")
    parser.add_argument(
        "--restart-after", type=float, default=None, help="seconds after each kill to run `run-prod.sh start`"
    )
    parser.add_argument("--ramp", type=float, default=10.0, help="seconds over which participants start")
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", ""))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the summary as JSON here")
    args = parser.parse_args(argv)
    if not 1 <= args.participants <= 1000:
        parser.error("--participants must be 1..1000")
    if not args.database_url:
        parser.error("--database-url or DATABASE_URL is required for the database check")
    return args


async def _kill(name: str) -> int:
    return await asyncio.to_thread(run_prod_script, "kill", name)


async def _restart() -> int:
    return await asyncio.to_thread(run_prod_script, "start")


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    plans = make_plans(args.participants, args.seed)
    faults = tuple(Fault.parse(k) for k in args.kill)
    report = asyncio.run(
        run_load(
            args.url,
            plans,
            time_limit=args.time_limit,
            faults=faults,
            kill=_kill,
            restart=_restart if args.restart_after is not None else None,
            restart_after=args.restart_after,
            ramp=args.ramp,
        )
    )
    report.db_problems = check_database(args.database_url, plans)
    print_report(report)
    if args.json:
        args.json.write_text(json.dumps(report.summary(), indent=2))
    return 0 if report.ok() else 1


if __name__ == "__main__":
    sys.exit(main())
