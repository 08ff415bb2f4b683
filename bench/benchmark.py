"""Side-by-side benchmark of our bot (embedded stack) against a stock `rasa init` bot, both trained and served here.

Measures reply latency p50/p95/p99, messages/s and CPU time per reply at 1, 20 and 50 concurrent conversations
(at 1 the bots take turns message by message; above, they alternate in --slices turns each), resident memory of each stack, training time from
scratch, and prints one table with targets; SMS segments and the production load test join the table when their
reports are given. CPU ms per reply (all the bot's processes) hardly moves with other load on the machine, latency does.
Targets (issue 10): at 20 conversations, messages/s >= 1.5x stock and p95 <= stock; at 1 conversation, p95 <= stock.
Usage: .venv/bin/python bench/benchmark.py [--levels 1,20,50] [--duration 20] [--slices 2] [--sms-report F] [--load-report F]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import json
import random
import re
import shutil
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Awaitable, Callable, Optional

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx

from bench.load_check import check_database
from bench.participant import ROLES, Plan, PromptBook, Request, make_plan, run_participant, send
from bench.servers import Bot, init_stock, start_ours, start_stock, train_ours
from bench.stats import percentile, tree_cpu_seconds, tree_rss
from bot.content import load_content

WEBHOOK = "/webhooks/rest/webhook"
STOCK_CONVERSATION = ("hello", "I am sad", "yes", "bye")  # moodbot: greet, cheer up + did that help, happy, goodbye
MEMORY_TARGET_MB = 1536
TRAINING_TARGET_S = 120
TARGET_LEVEL = 20
THROUGHPUT_TARGET = 1.5  # ours / stock messages/s at TARGET_LEVEL
LATENCY_LEVELS = (1, TARGET_LEVEL)  # p95 <= stock at these levels


@dataclass
class LevelResult:
    """One bot at one concurrency level."""

    bot: str
    level: int
    latencies: list[float] = field(default_factory=list)
    errors: int = 0
    window: float = 0.0
    peak_rss: int = 0
    cpu_seconds: float = 0.0
    finished_plans: list[Plan] = field(default_factory=list)

    @property
    def throughput(self) -> float:
        return len(self.latencies) / self.window if self.window else 0.0

    @property
    def cpu_ms_per_reply(self) -> Optional[float]:
        replies = len(self.latencies) + self.errors
        return self.cpu_seconds * 1000 / replies if replies else None

    def add(self, other: LevelResult) -> None:
        """Pool another slice of the same bot and level into this one."""
        self.latencies += other.latencies
        self.errors += other.errors
        self.window += other.window
        self.peak_rss = max(self.peak_rss, other.peak_rss)
        self.cpu_seconds += other.cpu_seconds

    def p(self, q: float) -> Optional[float]:
        value = percentile(self.latencies, q)
        return None if value is None else value * 1000


async def stock_worker(
    client: httpx.AsyncClient, record: Callable[[Request], None], stopping: Callable[[], bool]
) -> None:
    """One conversation after another with the stock bot; an empty reply counts as an error."""
    while not stopping():
        sender = f"stock-{uuid.uuid4().hex[:10]}"
        for text in STOCK_CONVERSATION:
            if stopping():
                return
            replies, request = await send(client, WEBHOOK, sender, text, timeout=60)
            if replies is not None and not replies:
                request.error = "empty reply"
            record(request)


def ours_worker_factory(rng: random.Random, book: PromptBook, finished: list[Plan]):
    """Complete activities one after another, each by a new participant; completed plans are kept for the DB check."""
    content = book.content

    async def worker(
        client: httpx.AsyncClient, record: Callable[[Request], None], stopping: Callable[[], bool]
    ) -> None:
        while not stopping():
            plan = make_plan(content, f"bench-{uuid.uuid4().hex[:10]}", rng.choice(ROLES), rng)
            result = await run_participant(
                client,
                WEBHOOK,
                plan,
                book,
                deadline=time.monotonic() + 600,
                timeout=60,
                on_request=record,
                stop=stopping,
            )
            if result.finished:
                finished.append(plan)

    return worker


class TakingTurns:
    """HTTP clients for several bots that let one request at a time go out between them (first come, first served).

    With one conversation per bot, each bot then answers while the other waits for its reply, so both meet the same
    background load on a shared machine, message by message. The wait for the turn is not part of a reply's latency.
    """

    def __init__(self) -> None:
        self.lock = asyncio.Lock()

    def client(self, inner: httpx.AsyncClient) -> TurnClient:
        return TurnClient(inner, self.lock)


class TurnClient:
    """An httpx client whose posts wait for their turn; ``waited`` is the last post's wait."""

    def __init__(self, inner: httpx.AsyncClient, lock: asyncio.Lock) -> None:
        self.inner, self.lock, self.waited = inner, lock, 0.0

    async def post(self, *args, **kwargs) -> httpx.Response:
        asked = time.monotonic()
        async with self.lock:
            self.waited = time.monotonic() - asked
            return await self.inner.post(*args, **kwargs)


async def measure(
    bot: Bot, level: int, worker: Callable[..., Awaitable[None]], *, warmup: float, duration: float
) -> LevelResult:
    """Run ``level`` workers; count replies completed inside the window [warmup, warmup + duration]."""
    return (await measure_together([(bot, worker)], level, warmup=warmup, duration=duration))[0]


async def measure_together(
    runs: list[tuple[Bot, Callable[..., Awaitable[None]]]],
    level: int,
    *,
    warmup: float,
    duration: float,
    take_turns: bool = False,
) -> list[LevelResult]:
    """``level`` workers for each bot at once (taking turns, if asked, between the bots); one result per bot."""
    start = time.monotonic()
    window_start, window_end = start + warmup, start + warmup + duration
    stop = False
    turns = TakingTurns() if take_turns else None

    async def run_one(bot: Bot, worker: Callable[..., Awaitable[None]]) -> LevelResult:
        result = LevelResult(bot=bot.name, level=level)
        limits = httpx.Limits(max_connections=level + 5, max_keepalive_connections=level + 5)
        async with httpx.AsyncClient(base_url=bot.url, limits=limits) as inner:
            client = turns.client(inner) if turns is not None else inner

            def record(request: Request) -> None:
                if isinstance(client, TurnClient):  # one worker per bot when taking turns: the wait of this request
                    request.started += client.waited
                    request.latency -= client.waited
                done = request.started + request.latency
                if window_start <= done <= window_end:
                    if request.error is None:
                        result.latencies.append(request.latency)
                    else:
                        result.errors += 1

            async def sample_memory() -> None:
                while not stop:
                    result.peak_rss = max(result.peak_rss, tree_rss(bot.processes.pids()))
                    await asyncio.sleep(0.5)

            sampler = asyncio.create_task(sample_memory())
            tasks = [asyncio.create_task(worker(client, record, lambda: stop)) for _ in range(level)]
            await asyncio.sleep(max(0.0, window_start - time.monotonic()))
            before = tree_cpu_seconds(bot.processes.pids())
            await asyncio.sleep(max(0.0, window_end - time.monotonic()))
            result.cpu_seconds = tree_cpu_seconds(bot.processes.pids()) - before
            await stopped.wait()
            _, still_running = await asyncio.wait(tasks, timeout=90)
            for task in still_running:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            await sampler
        result.window = duration
        if take_turns:  # messages/s of the bot's own time: its share of the window went to the other bot
            result.window = sum(result.latencies)
        return result

    stopped = asyncio.Event()
    running = [asyncio.create_task(run_one(bot, worker)) for bot, worker in runs]
    await asyncio.sleep(max(0.0, window_end - time.monotonic()))
    stop = True
    stopped.set()
    return list(await asyncio.gather(*running))


@dataclass
class Row:
    metric: str
    ours: Optional[float]
    stock: Optional[float]
    target: str = ""
    passed: Optional[bool] = None
    fmt: str = "{:.0f}"

    def cells(self) -> list[str]:
        def show(v: Optional[float]) -> str:
            return "-" if v is None else self.fmt.format(v)

        ratio = f"{self.ours / self.stock:.2f}" if self.ours is not None and self.stock else "-"
        result = "-" if self.passed is None else ("PASS" if self.passed else "FAIL")
        return [self.metric, show(self.ours), show(self.stock), ratio, self.target or "-", result]


def print_table(rows: list[Row], out=sys.stdout) -> None:
    header = ["Metric", "Ours", "Stock", "Ours/Stock", "Target", "Result"]
    cells = [header] + [r.cells() for r in rows]
    widths = [max(len(c[i]) for c in cells) for i in range(len(header))]
    for n, line in enumerate(cells):
        print(
            "  ".join(
                c.ljust(w) if i == 0 or i == 4 else c.rjust(w)
                for i, (c, w) in enumerate(zip(line, widths, strict=True))
            ),
            file=out,
        )
        if n == 0:
            print("  ".join("-" * w for w in widths), file=out)


def sms_rows(path: Optional[Path]) -> list[Row]:
    """Segments per complete activity and role, read from bench/sms_segments.py's printed table."""
    if path is None or not path.exists():
        return []
    rows = []
    for line in path.read_text().splitlines():
        match = re.match(
            r"^(work seeker|employer)\s+(\d+)\s+(\d+)\s+(\d+)\b.*?(OK|OVER TARGET|RECORDED.*)?$", line.strip()
        )
        if match:
            target = re.search(r"target: (\d+)", path.read_text())
            rows.append(
                Row(
                    f"SMS segments per activity, {match.group(1)}",
                    float(match.group(4)),
                    None,
                    f"<= {target.group(1)}" if target else "",
                    (match.group(5) == "OK") if match.group(5) else None,
                )
            )
    return rows


def load_rows(path: Optional[Path]) -> list[Row]:
    """The production-profile load test (participants finished, DB check) from its JSON summary."""
    if path is None or not path.exists():
        return []
    s = json.loads(path.read_text())
    kills = ", ".join(f["kill"] for f in s.get("faults", [])) or "no kills"
    return [
        Row(
            f"load test: finished of {s['participants']} ({kills})",
            float(s["finished"]),
            None,
            f"= {s['participants']}",
            s["finished"] == s["participants"],
        ),
        Row("load test: messages/s (prod profile)", float(s["messages_per_s"]), None, "", None, "{:.1f}"),
        Row("load test: latency p95 ms (prod profile)", float(s["latency_ms"]["p95"]), None, "", None),
        Row("load test: database problems", float(s["db_problems"]), None, "= 0", s["db_problems"] == 0 and s["ok"]),
    ]


def build_rows(
    levels: dict[tuple[str, int], LevelResult],
    memory: dict[str, int],
    training: dict[str, Optional[float]],
    db_problems: int,
    checked: int,
) -> list[Row]:
    rows: list[Row] = []
    for level in sorted({lvl for _, lvl in levels}):
        ours, stock = levels[("ours", level)], levels[("stock", level)]
        at_target = level == TARGET_LEVEL
        for q in (50, 95, 99):
            passed = None
            if level in LATENCY_LEVELS and q == 95 and ours.p(95) is not None and stock.p(95) is not None:
                passed = ours.p(95) <= stock.p(95)
            rows.append(
                Row(
                    f"latency p{q} ms, {level} conversations",
                    ours.p(q),
                    stock.p(q),
                    "<= stock" if passed is not None else "",
                    passed,
                )
            )
        passed = ours.throughput >= THROUGHPUT_TARGET * stock.throughput if at_target else None
        rows.append(
            Row(
                f"messages/s, {level} conversations",
                ours.throughput,
                stock.throughput,
                f">= {THROUGHPUT_TARGET:g}x stock" if at_target else "",
                passed,
                "{:.1f}",
            )
        )
        rows.append(
            Row(
                f"CPU ms per reply, {level} conversations",
                ours.cpu_ms_per_reply,
                stock.cpu_ms_per_reply,
                "",
                None,
                "{:.1f}",
            )
        )
    rows.append(
        Row(
            "failed replies, all levels",
            float(sum(r.errors for (b, _), r in levels.items() if b == "ours")),
            float(sum(r.errors for (b, _), r in levels.items() if b == "stock")),
            "= 0 (ours)",
            sum(r.errors for (b, _), r in levels.items() if b == "ours") == 0,
        )
    )
    rows.append(
        Row(f"answers checked in DB ({checked} activities)", float(db_problems), None, "0 problems", db_problems == 0)
    )
    mb = {k: v / 2**20 for k, v in memory.items()}
    rows.append(Row("resident memory MB, idle", mb.get("ours_idle"), mb.get("stock_idle"), "", None))
    rows.append(
        Row(
            "resident memory MB, peak under load",
            mb.get("ours_peak"),
            mb.get("stock_peak"),
            f"< {MEMORY_TARGET_MB}",
            mb["ours_peak"] < MEMORY_TARGET_MB if "ours_peak" in mb else None,
        )
    )
    rows.append(
        Row(
            "training from scratch, s",
            training.get("ours"),
            training.get("stock"),
            f"< {TRAINING_TARGET_S}",
            training["ours"] < TRAINING_TARGET_S if training.get("ours") is not None else None,
            "{:.1f}",
        )
    )
    return rows


async def run_levels(
    stock: Bot, ours: Bot, levels: list[int], *, warmup: float, duration: float, seed: int, slices: int = 1
) -> tuple[dict, list[Plan]]:
    """Each level: stock and ours in turn, ``slices`` times each (``duration`` split between them), figures pooled.

    At one conversation the two bots take turns message by message instead (TakingTurns), for the whole duration.
    Either way both bots meet the same background load on a shared machine.
    """
    gc.collect()
    gc.freeze()  # this process's own full collections would otherwise pause every conversation of either bot
    book = PromptBook(load_content())
    finished: list[Plan] = []
    ours_worker = ours_worker_factory(random.Random(seed), book, finished)
    results: dict[tuple[str, int], LevelResult] = {}

    def pool(result: LevelResult) -> None:
        if (result.bot, result.level) in results:
            results[(result.bot, result.level)].add(result)
        else:
            results[(result.bot, result.level)] = result

    for level in levels:
        if level == 1:
            print(f"  stock and ours, taking turns: 1 conversation each for {warmup + duration:.0f} s ...", flush=True)
            for result in await measure_together(
                [(stock, stock_worker), (ours, ours_worker)], 1, warmup=warmup, duration=duration, take_turns=True
            ):
                pool(result)
            continue
        part = duration / max(1, slices)
        for n in range(max(1, slices)):
            for bot, worker in ((stock, stock_worker), (ours, ours_worker)):
                turn = f" (turn {n + 1} of {slices})" if slices > 1 else ""
                print(f"  {bot.name}: {level} concurrent conversations for {warmup + part:.0f} s{turn} ...", flush=True)
                pool(await measure(bot, level, worker, warmup=warmup, duration=part))
    return results, finished


def parse_args(argv: Optional[list[str]]) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--levels", default="1,20,50", help="concurrent conversations, comma-separated")
    parser.add_argument("--duration", type=float, default=20.0, help="measured seconds per bot and level")
    parser.add_argument("--warmup", type=float, default=4.0, help="unmeasured seconds before each window")
    parser.add_argument(
        "--slices", type=int, default=2, help="turns each bot takes at levels above 1 (the duration is split)"
    )
    parser.add_argument(
        "--stock-dir", type=Path, help="reuse this `rasa init` project (its training is then not timed)"
    )
    parser.add_argument("--no-train", action="store_true", help="do not time a training of our bot")
    parser.add_argument("--sms-report", type=Path, help="output of bench/sms_segments.py to include")
    parser.add_argument("--load-report", type=Path, help="JSON summary of bench/load_test.py to include")
    parser.add_argument("--json", type=Path, help="write the figures as JSON here")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--keep", action="store_true", help="keep the work directory (logs)")
    return parser.parse_args(argv)


def main(argv: Optional[list[str]] = None) -> int:
    args = parse_args(argv)
    levels = [int(x) for x in args.levels.split(",") if x.strip()]
    workdir = Path(tempfile.mkdtemp(prefix="mf-bench-"))
    training: dict[str, Optional[float]] = {"ours": None, "stock": None}
    memory: dict[str, int] = {}
    stock = ours = None
    try:
        if not args.no_train:  # timed only: the bots served are models/mfbot.tar.gz (`make bench` trains it first)
            print("Training our bot from scratch (rasa train --force) ...", flush=True)
            training["ours"], _ = train_ours(workdir)
        if args.stock_dir:
            project = args.stock_dir
            stock_model = sorted((project / "models").glob("*.tar.gz"))[-1]
        else:
            print("Creating and training the stock bot (rasa init --no-prompt) ...", flush=True)
            training["stock"], project, stock_model = init_stock(workdir)
        print("Starting both bots ...", flush=True)
        stock = start_stock(workdir, project, stock_model)
        ours = start_ours(workdir)
        time.sleep(2)
        memory["stock_idle"], memory["ours_idle"] = tree_rss(stock.processes.pids()), tree_rss(ours.processes.pids())
        results, finished = asyncio.run(
            run_levels(
                stock, ours, levels, warmup=args.warmup, duration=args.duration, seed=args.seed, slices=args.slices
            )
        )
        memory["stock_peak"] = max(r.peak_rss for (b, _), r in results.items() if b == "stock")
        memory["ours_peak"] = max(r.peak_rss for (b, _), r in results.items() if b == "ours")
        # The benchmark talks to Rasa's REST channel (as stock is served); the load test uses the web chat.
        problems = check_database(ours.database_url, finished, channel="rest") if finished else ["no activity finished"]
    finally:
        for bot in (stock, ours):
            if bot is not None:
                bot.processes.stop_all()
        if not args.keep:
            shutil.rmtree(workdir, ignore_errors=True)
        else:
            print(f"Work directory kept: {workdir}")
    rows = build_rows(results, memory, training, len(problems), len(finished))
    rows += sms_rows(args.sms_report) + load_rows(args.load_report)
    print(
        f"\nOur bot vs stock `rasa init` (same Rasa, same machine, {args.duration:.0f} s per level, alternating"
        f"{f' in {args.slices} turns' if args.slices > 1 else ''}):\n"
    )
    print_table(rows)
    for problem in problems[:10]:
        print(f"  DB: {problem}")
    failed = [r.metric for r in rows if r.passed is False]
    print(f"\n{'All targets met.' if not failed else 'Targets missed: ' + '; '.join(failed)}")
    if args.json:
        args.json.write_text(
            json.dumps(
                {
                    "levels": {
                        f"{b}@{lvl}": {
                            "p50_ms": r.p(50),
                            "p95_ms": r.p(95),
                            "p99_ms": r.p(99),
                            "msgs_per_s": r.throughput,
                            "errors": r.errors,
                            "peak_rss_mb": r.peak_rss / 2**20,
                            "cpu_ms_per_reply": r.cpu_ms_per_reply,
                        }
                        for (b, lvl), r in results.items()
                    },
                    "memory_mb": {k: v / 2**20 for k, v in memory.items()},
                    "training_s": training,
                    "db_problems": problems[:50],
                },
                indent=2,
            )
        )
    return 0 if not failed else 1


if __name__ == "__main__":
    sys.exit(main())
