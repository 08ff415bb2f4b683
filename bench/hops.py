"""Where the time of one reply goes, hop by hop, for our bot and a stock `rasa init` bot, one conversation at a time.

Starts both bots as the benchmark does (bench/servers.py: ours through bot.devtools.devstack) with timing hooks loaded
(bench/hop_timing), runs whole conversations (one at a time, or --concurrency at once), and prints for each hop the
time spent in a typical reply (the middle 20% by latency) and in the slowest 10% of replies, with the CPU time per
reply of each process; for ours, also by message number. Each timed call carries its conversation's sender id, so
replies running at the same time are told apart.
Usage: .venv/bin/python bench/hops.py [--conversations 8] [--concurrency 1] [--stock-dir DIR] [--keep]
"""

from __future__ import annotations

import argparse
import asyncio
import bisect
import collections
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Optional

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.benchmark import STOCK_CONVERSATION, WEBHOOK
from bench.participant import ROLES, PromptBook, Request, make_plan, run_participant, send
from bench.servers import Bot, init_stock, start_ours, start_stock
from bench.stats import percentile, process_tree, tree_cpu_seconds
from bot.content import load_content

HOOKS = Path(__file__).resolve().parent / "hop_timing"
# (label, how it is computed from the timed functions of one reply); "rest" is what no named hop accounts for.
RASA_HOPS = [
    ("Rasa: HTTP in and out, REST channel", "client - Agent.handle_message"),
    ("Rasa: tracker from the tracker store", "MessageProcessor.fetch_tracker_and_update_session"),
    ("Rasa: NLU", "MessageProcessor.parse_message"),
    ("Rasa: policy predictions", "MessageProcessor._predict_next_with_tracker"),
    ("Rasa: action call, HTTP + JSON both ways", "RemoteAction.run - ActionExecutor.run"),
    ("actions: rasa-sdk (tracker in, events out)", "ActionExecutor.run - ValidateActivityForm.run"),
    ("actions: thread hop (asyncio.to_thread)", "ValidateActivityForm.run - turn.handle_turn"),
    ("actions: engine (interpretation + SQL)", "ActivityFlow.handle"),
    ("actions:   of which interpretation", "flow.interpret"),
    ("actions: SQLite commit", "Session.commit"),
    ("actions: rest of the turn", "turn.handle_turn - ActivityFlow.handle - Session.commit"),
    ("Rasa: tracker saved", "MessageProcessor.save_tracker"),
    (
        "Rasa: rest (lock, rules, events)",
        "Agent.handle_message - MessageProcessor.fetch_tracker_and_update_session"
        " - MessageProcessor.parse_message - MessageProcessor._predict_next_with_tracker - RemoteAction.run"
        " - MessageProcessor.save_tracker",
    ),
]


Timing = tuple[str, float, float, Optional[str]]  # name, start (monotonic s), ms, sender id


def load_timings(directory: Path) -> dict[Optional[str], list[Timing]]:
    """The timed calls, by sender id, each list in start order."""
    by_sender: dict[Optional[str], list[Timing]] = collections.defaultdict(list)
    for path in directory.glob("t-*.jsonl"):
        for line in path.read_text().splitlines():
            if line.strip():
                row = json.loads(line)
                by_sender[row[3] if len(row) > 3 else None].append(tuple(row))
    for rows in by_sender.values():
        rows.sort(key=lambda r: r[1])
    return by_sender


def per_reply(replies: list[tuple[str, Request]], timings: dict[Optional[str], list[Timing]]) -> list[dict[str, float]]:
    """For each (sender, reply), the summed ms of each timed call of that sender inside the reply (and 'client')."""
    out = []
    starts = {sender: [t[1] for t in rows] for sender, rows in timings.items()}
    for sender, request in replies:
        end = request.started + request.latency
        sums: dict[str, float] = collections.defaultdict(float)
        sums["client"] = request.latency * 1000
        rows, row_starts = timings.get(sender, []), starts.get(sender, [])
        for name, start, ms, _ in rows[
            bisect.bisect_left(row_starts, request.started) : bisect.bisect_right(row_starts, end)
        ]:
            if start + ms / 1000 <= end + 0.001:
                sums[name] += ms
        out.append(sums)
    return out


def hop_value(sums: dict[str, float], formula: str) -> Optional[float]:
    names = [n.strip() for n in formula.split(" - ")]
    if names[0] not in sums:
        return None
    return sums[names[0]] - sum(sums.get(n, 0.0) for n in names[1:])


Reply = tuple[int, str, Request]  # message number in its conversation (from 0), sender id, the request


async def converse(bot: Bot, count: int, book: PromptBook, rng: random.Random, concurrency: int = 1) -> list[Reply]:
    """``count`` whole conversations, ``concurrency`` at a time; every reply."""
    done: list[Reply] = []
    left = iter(range(count))
    limits = httpx.Limits(max_connections=concurrency + 5, max_keepalive_connections=concurrency + 5)
    async with httpx.AsyncClient(base_url=bot.url, limits=limits) as client:

        async def worker() -> None:
            for _ in left:
                if bot.name == "stock":
                    sender = f"stock-{uuid.uuid4().hex[:10]}"
                    for i, text in enumerate(STOCK_CONVERSATION):
                        _, request = await send(client, WEBHOOK, sender, text, timeout=60)
                        done.append((i, sender, request))
                else:
                    plan = make_plan(book.content, f"hops-{uuid.uuid4().hex[:10]}", rng.choice(ROLES), rng)
                    index = iter(range(1000))
                    await run_participant(
                        client,
                        WEBHOOK,
                        plan,
                        book,
                        deadline=time.monotonic() + 600,
                        timeout=60,
                        on_request=lambda r, i=index, s=plan.sender: done.append((next(i), s, r)),
                    )

        await asyncio.gather(*(worker() for _ in range(concurrency)))
    return done


def report(name: str, bot: Bot, replies: list[Reply], timings, cpu: dict[str, float], out=sys.stdout) -> dict:
    good = [(i, sender, r) for i, sender, r in replies if r.error is None]
    requests = [r for _, _, r in good]
    sums = per_reply([(sender, r) for _, sender, r in good], timings)
    latencies = [s["client"] for s in sums]
    p40, p60, p90 = (percentile(latencies, q) for q in (40, 60, 90))
    typical = [s for s in sums if p40 <= s["client"] <= p60]
    slow = [s for s in sums if s["client"] >= p90]
    print(
        f"\n{name}: {len(requests)} replies, p50 {percentile(latencies, 50):.1f} ms, p95 {percentile(latencies, 95):.1f} ms"
        f" ({sum(1 for _, _, r in replies if r.error)} failed)",
        file=out,
    )
    print(f"  {'hop':48s} {'typical':>8s} {'slowest 10%':>12s}   (ms per reply, means)", file=out)
    figures = {}
    for label, formula in [("reply latency (client)", "client")] + RASA_HOPS:
        values = [hop_value(s, formula) for s in typical], [hop_value(s, formula) for s in slow]
        if all(v is None for v in values[0] + values[1]):
            continue
        mid, tail = (statistics.mean([v or 0.0 for v in vs]) if vs else 0.0 for vs in values)
        figures[label] = {"typical": mid, "slowest_10pct": tail}
        print(f"  {label:48s} {mid:8.1f} {tail:12.1f}", file=out)
    for process, seconds in cpu.items():
        print(f"  CPU ms per reply, {process:30s} {seconds * 1000 / max(1, len(replies)):8.1f}", file=out)
    if bot.name == "ours":
        columns = [
            ("latency", "client"),
            ("tracker", RASA_HOPS[1][1]),
            ("NLU", RASA_HOPS[2][1]),
            ("policy", RASA_HOPS[3][1]),
            ("action HTTP", RASA_HOPS[4][1]),
            ("engine", RASA_HOPS[7][1]),
            ("commit", RASA_HOPS[9][1]),
        ]
        by_index: dict[int, list[dict[str, float]]] = collections.defaultdict(list)
        for (i, _, _), s in zip(good, sums, strict=True):
            by_index[i].append(s)
        print("  by message number (medians, ms): " + "  ".join(f"{c:>7s}" for c, _ in columns), file=out)
        for i, group in sorted(by_index.items()):
            cells = [statistics.median([hop_value(s, f) or 0.0 for s in group]) for _, f in columns]
            print(f"  {i + 1:>32d}  " + "  ".join(f"{c:7.1f}" for c in cells), file=out)
    return {
        "p50_ms": percentile(latencies, 50),
        "p95_ms": percentile(latencies, 95),
        "hops": figures,
        "cpu_ms_per_reply": {p: s * 1000 / max(1, len(replies)) for p, s in cpu.items()},
    }


def process_names(bot: Bot) -> dict[str, list[int]]:
    stack = getattr(bot.processes, "stack", None)
    if stack is not None:
        return {name: [proc.pid] for name, proc in stack.procs.items()}
    return {name: [proc.pid] for name, proc in bot.processes.procs.items()}


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--conversations", type=int, default=8, help="measured conversations of ours (stock: 5x as many)"
    )
    parser.add_argument(
        "--concurrency", type=int, default=1, help="conversations at once (stock's are 4 messages long)"
    )
    parser.add_argument("--stock-dir", type=Path, help="reuse this `rasa init` project instead of creating one")
    parser.add_argument("--bots", default="stock,ours", help="which bots to measure, comma-separated")
    parser.add_argument("--no-hooks", action="store_true", help="no timing hooks: latency and CPU only")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs, timings)")
    args = parser.parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="mf-hops-"))
    timing_dirs = {name: workdir / f"timings-{name}" for name in ("stock", "ours")}
    bots: dict[str, Bot] = {}
    results = {}
    saved_env = dict(os.environ)
    try:
        names = [n for n in ("stock", "ours") if n in args.bots.split(",")]
        if "stock" not in names:
            project = model = None
        elif args.stock_dir:
            project = args.stock_dir
            model = sorted((project / "models").glob("*.tar.gz"))[-1]
        else:
            print("Creating and training the stock bot (rasa init --no-prompt) ...", flush=True)
            _, project, model = init_stock(workdir)
        for name in names:
            timing_dirs[name].mkdir()
            if not args.no_hooks:
                os.environ["PYTHONPATH"] = os.pathsep.join(
                    p for p in (str(HOOKS), saved_env.get("PYTHONPATH", "")) if p
                )
                os.environ["HOP_TIMING_DIR"] = str(timing_dirs[name])
            print(f"Starting {name} ...", flush=True)
            bots[name] = start_stock(workdir, project, model) if name == "stock" else start_ours(workdir)
            os.environ.clear()
            os.environ.update(saved_env)
        book = PromptBook(load_content())
        rng = random.Random(7)
        for name, bot in bots.items():
            asyncio.run(converse(bot, 2, book, rng))  # unmeasured: first-call costs
            for path in timing_dirs[name].glob("t-*.jsonl"):
                path.write_text("")
            processes = process_names(bot)
            before = {p: tree_cpu_seconds(pids) for p, pids in processes.items()}
            print(f"Measuring {name}: {args.concurrency} conversation(s) at a time ...", flush=True)
            count = args.conversations * (
                5 if name == "stock" else 1
            )  # about as many replies: stock's conversation is 4 messages
            replies = asyncio.run(converse(bot, count, book, rng, args.concurrency))
            cpu = {p: tree_cpu_seconds(pids) - before[p] for p, pids in processes.items() if process_tree(pids)}
            results[name] = report(name, bot, replies, load_timings(timing_dirs[name]), cpu)
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
        for bot in bots.values():
            bot.processes.stop_all()
        if args.keep:
            print(f"Work directory kept: {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    if args.json:
        args.json.write_text(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
