"""Staff pages at scale: seed 100 then 10,000 handoffs at one site, start the real web app, time its pages.

As a site's Case Manager signed in through the real sign-in form, the benchmark asks for the queue's first page, a
search by a summary's short reference, a filtered page (a status, a date range, a sort, page 2) and handoff pages;
as the site's manager, the reports page for its default period (this month) and for the year of seeded handoffs.
Each is asked ``--requests`` times after a warm-up, one at a time, and p50 and p95 are printed side by side per size.
Every answer is checked (200, the search lists exactly the one handoff, the report has its figures). SQLite always;
``--postgres`` adds a private PostgreSQL database (scripts/postgres.sh; the server is left as it was found).

    .venv/bin/python bench/staff_pages.py [--sizes 100,10000] [--requests 60] [--postgres] [--keep DIR]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Optional

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from sqlalchemy import select, text

from bench.staff_seed import practitioners_by_role, seed_handoffs
from bench.stats import percentile
from bot.devtools.devstack import REPO, Stack
from bot.staff.passwords import hash_password
from bot.store import migrate, repository
from bot.store import staff_repository as staff_repo
from bot.store.db import dispose_all, session_scope
from bot.store.models import CASE_MANAGER, EES, SITE_MANAGER, Handoff

TARGET_MS = 300.0
PASSWORD = "bench staff password 0123"
CM_EMAIL = "cm@halifax.bench"
SM_EMAIL = "sm@halifax.bench"  # the reports page is a site manager's
PG_DATABASE = "mf_bench_staff"
END = datetime(2026, 12, 1, 12)
KINDS = (
    "queue, first page",
    "queue, search by reference",
    "queue, filtered page 2",
    "handoff page",
    "reports, this month (default)",
    "reports, one year",
)
REPORT_DAYS = 365  # the one-year report: the whole seeded year, up to END
WARM_UP = 5


@dataclass
class Result:
    """Milliseconds per request kind, for one database and size."""

    database: str
    size: int
    visible: int
    timings: dict[str, list[float]] = field(default_factory=dict)


def seed(url: str, size: int) -> tuple[list[int], list[str]]:
    """A migrated database with ``size`` handoffs at Halifax (and a few at Truro); the CM's handoffs and references."""
    migrate.upgrade(url)
    with session_scope(url) as session:
        halifax = repository.get_or_create_site(session=session, code="halifax", name="Halifax Works")
        truro = repository.get_or_create_site(session=session, code="truro", name="Truro Works")
        staff = []
        accounts = ((CM_EMAIL, CASE_MANAGER), ("ees@halifax.bench", EES), (SM_EMAIL, SITE_MANAGER))
        for email, role in accounts:
            staff.append(
                staff_repo.create_practitioner(
                    session=session,
                    email=email,
                    display_name=email.split("@")[0],
                    role=role,
                    password_hash=hash_password(PASSWORD),
                    site=halifax,
                )
            )
        by_role = practitioners_by_role((p.id, p.role) for p in staff)
        seeded = seed_handoffs(session, site=halifax, count=size, practitioner_ids=by_role, end=END)
        seed_handoffs(session, site=truro, count=50, practitioner_ids={}, end=END, seed=11)
        rows = session.execute(select(Handoff.id, Handoff.audience).where(Handoff.site_id == halifax.id))
        audiences = {handoff_id: audience for handoff_id, audience in rows}
    if url.startswith("postgresql"):  # statistics, as autovacuum keeps them on a live database (planner's choice)
        with session_scope(url) as session:
            session.execute(text("ANALYZE"))
    mine = [(h, p) for h, p in zip(seeded.handoff_ids, seeded.public_ids, strict=True) if audiences[h] == CASE_MANAGER]
    dispose_all()
    return [h for h, _ in mine], [p for _, p in mine]


def sign_in(base: str, email: str = CM_EMAIL) -> httpx.Client:
    client = httpx.Client(base_url=base, follow_redirects=False, timeout=30)
    form = client.get("/staff/login")
    match = re.search(r'name="csrf_token" value="([^"]+)"', form.text)
    if match is None:
        raise RuntimeError("no sign-in form")
    done = client.post(
        "/staff/login", data={"csrf_token": match.group(1), "email": email, "password": PASSWORD, "next": "/staff/"}
    )
    if done.status_code != 303:
        raise RuntimeError(f"sign-in answered {done.status_code}")
    return client


def time_kind(
    client: httpx.Client, paths: Callable[[int], str], count: int, check: Callable[[str], bool]
) -> list[float]:
    """Milliseconds of ``count`` requests (after a warm-up), each answer checked."""
    timings = []
    for n in range(-WARM_UP, count):
        path = paths(n)
        started = time.perf_counter()
        response = client.get(path)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 200 or not check(response.text):
            raise RuntimeError(f"{path} answered {response.status_code} or not as expected")
        if n >= 0:
            timings.append(elapsed)
    return timings


def always(path: str) -> Callable[[int], str]:
    """The same path for every request."""
    return lambda n: path


def rows_of(html: str) -> list[str]:
    return re.findall(r'data-handoff="(\d+)"', html)


def measure(database: str, url: str, size: int, requests: int, workdir: Path) -> Result:
    ids, references = seed(url, size)
    credentials = workdir / "credentials.yml"
    credentials.write_text("rest:\n")
    env = {
        **os.environ,
        "DATABASE_URL": url,
        "SECRET_KEY": "bench-secret-key-0123456789",
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "PYTHONUNBUFFERED": "1",
        "SMTP_HOST": "",
    }
    web = Stack(workdir=workdir, db_url=url, env=env, credentials=credentials)
    try:
        web.start_web()
        client = sign_in(web.web_url)
        result = Result(database=database, size=size, visible=len(ids))
        pick = len(ids)
        start, end = (END - timedelta(days=180)).date().isoformat(), END.date().isoformat()
        result.timings[KINDS[0]] = time_kind(client, lambda n: "/staff/", requests, lambda t: len(rows_of(t)) == 25)
        result.timings[KINDS[1]] = time_kind(
            client,
            lambda n: f"/staff/?q={references[(n * 37) % pick][:8]}",
            requests,
            lambda t: len(rows_of(t)) == 1,
        )
        result.timings[KINDS[2]] = time_kind(
            client,
            lambda n: f"/staff/?status=in_review&from={start}&to={end}&sort=oldest&page=2",
            requests,
            lambda t: len(rows_of(t)) > 0,
        )
        result.timings[KINDS[3]] = time_kind(
            client,
            lambda n: f"/staff/handoffs/{ids[(n * 53) % pick]}",
            requests,
            lambda t: "Magnetic Factors Summary #" in t,
        )
        manager = sign_in(web.web_url, SM_EMAIL)
        year = f"from={(END - timedelta(days=REPORT_DAYS)).date().isoformat()}&to={end}"
        for kind, path in ((KINDS[4], "/staff/reports"), (KINDS[5], f"/staff/reports?{year}")):
            result.timings[kind] = time_kind(manager, always(path), requests, lambda t: 'id="report-figures"' in t)
        manager.close()
        client.close()
        return result
    finally:
        web.stop_all()


def postgres(command: str, *args: str) -> str:
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "postgres.sh"), command, *args],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 and command not in ("status", "dropdb"):
        raise RuntimeError(f"postgres.sh {command} failed: {done.stderr.strip()[-500:]}")
    return done.stdout.strip() if done.returncode == 0 else ""


def print_table(results: list[Result], sizes: list[int]) -> None:
    databases = list(dict.fromkeys(r.database for r in results))
    for database in databases:
        mine = {r.size: r for r in results if r.database == database}
        count = len(next(iter(mine.values())).timings[KINDS[0]])
        print(
            f"\nStaff pages, {database}, one site's Case Manager (reports: its site manager), "
            f"p50 / p95 of {count} requests each (ms):\n"
        )
        heads = [f"{size:,} handoffs ({mine[size].visible:,} theirs)" for size in sizes if size in mine]
        print("| request | " + " | ".join(heads) + f" | target p95 <= {TARGET_MS:.0f} ms |")
        print("|---|" + "---|" * len(heads) + "---|")
        for kind in KINDS:
            cells, worst = [], 0.0
            for size in sizes:
                if size in mine:
                    values = mine[size].timings[kind]
                    p50, p95 = percentile(values, 50) or 0.0, percentile(values, 95) or 0.0
                    worst = max(worst, p95)
                    cells.append(f"{p50:.1f} / {p95:.1f}")
            print(f"| {kind} | " + " | ".join(cells) + f" | {'met' if worst <= TARGET_MS else 'NOT met'} |")


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100,10000", help="handoffs at the site, comma-separated")
    parser.add_argument("--requests", type=int, default=60, help="timed requests per kind (>= 50 for a fair p95)")
    parser.add_argument("--postgres", action="store_true", help="also on a private PostgreSQL database")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (web app logs)")
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",")]
    root = args.keep or Path(tempfile.mkdtemp(prefix="mf-bench-staff-"))
    results: list[Result] = []
    try:
        for size in sizes:
            workdir = root / f"sqlite-{size}"
            workdir.mkdir(parents=True, exist_ok=True)
            print(f"bench-staff: SQLite, {size:,} handoffs ...", file=sys.stderr, flush=True)
            results.append(measure("SQLite", f"sqlite:///{workdir / 'bot.sqlite3'}", size, args.requests, workdir))
        if args.postgres:
            was_running = _running()
            postgres("start")
            try:
                for size in sizes:
                    workdir = root / f"postgres-{size}"
                    workdir.mkdir(parents=True, exist_ok=True)
                    url = postgres("createdb", PG_DATABASE)  # recreated empty for each size
                    print(f"bench-staff: PostgreSQL, {size:,} handoffs ...", file=sys.stderr, flush=True)
                    results.append(measure("PostgreSQL", url, size, args.requests, workdir))
                    dispose_all()
            finally:
                postgres("dropdb", PG_DATABASE)
                if not was_running:
                    postgres("stop")
    finally:
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
    print_table(results, sizes)
    return 0 if all((percentile(v, 95) or 0.0) <= TARGET_MS for r in results for v in r.timings.values()) else 1


def _running() -> bool:
    return (
        subprocess.run(
            ["bash", str(REPO / "scripts" / "postgres.sh"), "status"], capture_output=True, timeout=60, check=False
        ).returncode
        == 0
    )


if __name__ == "__main__":
    sys.exit(main())
