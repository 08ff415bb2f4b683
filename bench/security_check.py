"""`make security-check`: every attack of issue 15 against the embedded profile (scripts/run.sh, what `make run` starts)
and a private production profile (scripts/run-prod.sh), then one table: attack, tried, refused.

Usage: .venv/bin/python bench/security_check.py [--profile embedded|production|both] [--verbose] [--keep DIR]
Everything runs on loopback, in its own directory, database and ports; nothing touches var/ or `make run-prod`'s data.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

if __package__ in (None, ""):
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, text

from bench.prod_profile import self_signed_certificate
from bench.security import attacks
from bench.security.profiles import Running, fake_twilio, start_embedded, start_production
from bench.security.target import Target, Try
from bot.devtools.devstack import REPO
from bot.staff.ratelimit import MAX_FAILURES_PER_ADDRESS
from bot.store.attempts import FREE_FAILURES

DATABASE = "mfbot_security_check"


@dataclass
class Row:
    """One attack on one profile."""

    profile: str
    number: str
    title: str
    tries: list[Try]
    error: Optional[str] = None

    @property
    def refused(self) -> int:
        return sum(t.refused for t in self.tries) if self.error is None else 0


def sqlite_lock(target: Target) -> Callable[[], None]:
    import sqlite3

    connection = sqlite3.connect(target.db_url.split("///", 1)[1], timeout=5, isolation_level=None)
    connection.execute("BEGIN EXCLUSIVE")
    return lambda: (connection.execute("ROLLBACK"), connection.close())


def postgres_lock(target: Target) -> Callable[[], None]:
    engine = create_engine(target.db_url, future=True)
    connection = engine.connect()
    transaction = connection.begin()
    connection.execute(text("LOCK TABLE inbound_claims IN ACCESS EXCLUSIVE MODE"))

    def release() -> None:
        transaction.rollback()
        connection.close()
        engine.dispose()

    return release


def export_csv(target: Target) -> str:
    done = subprocess.run(
        [str(REPO / ".venv" / "bin" / "python"), "-m", "bot", "export", "--format", "csv"],
        cwd=REPO,
        capture_output=True,
        env={**os.environ, "DATABASE_URL": target.db_url},
        timeout=120,
        check=True,
    )
    return done.stdout.decode("utf-8")


def hsts_with_tls(workdir: Path) -> list[Try]:
    """Render the production nginx configuration with a self-signed certificate: nginx -t passes and HSTS is sent."""
    cert, key = self_signed_certificate(workdir)
    env = {
        **os.environ,
        "PROD_DIR": str(workdir / "tls"),
        "PROD_ENV_FILE": str(workdir / "none.env"),
        "PROD_PORT_BASE": "31200",
        "TLS_CERT_FILE": str(cert),
        "TLS_KEY_FILE": str(key),
    }
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "run-prod.sh"), "check-config"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    conf = (workdir / "tls" / "nginx" / "nginx.conf").read_text() if done.returncode == 0 else ""
    return [
        Try("nginx -t with TLS", 0, done.returncode),
        Try(
            "HSTS header in the TLS server",
            True,
            'add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;' in conf,
        ),
    ]


def attack_list(target: Target, workdir: Path) -> list[tuple[str, str, Callable[[], list[Try]]]]:
    lock = sqlite_lock if target.profile == "embedded" else postgres_lock
    plan = [
        ("1", "act as an SMS participant over REST (input_channel)", lambda: attacks.forged_channel(target)),
        ("2", "call the action server without / with a wrong token", lambda: attacks.action_server(target)),
        ("3", "1 MB and 10 MB bodies; a web chat 'hi' meanwhile", lambda: attacks.huge_bodies(target)),
        ("4", "kill the action server, Rasa, the web app", lambda: attacks.process_kills(target)),
        ("5", "crash mid-turn, then Twilio retries the MessageSid", lambda: attacks.crash_mid_turn(target)),
        ("6", "SMS while the database is locked", lambda: attacks.locked_database(target, lambda: lock(target))),
        ("7", "guess resume codes, rotating sender ids", lambda: attacks.resume_guessing(target, FREE_FAILURES)),
        (
            "8",
            "formulas into the research CSV export",
            lambda: attacks.csv_formulas(target, lambda: export_csv(target)),
        ),
        ("9", "malformed bodies; action server down", lambda: attacks.bad_bodies(target)),
        (
            "10",
            "Host header, X-Forwarded-For, headers, sender ids",
            lambda: attacks.web_surface(target, MAX_FAILURES_PER_ADDRESS),
        ),
    ]
    if target.profile == "production":
        plan.append(("10", "HSTS in the nginx template with TLS", lambda: hsts_with_tls(workdir)))
    return plan


def run_attacks(running: Running, workdir: Path, log: Callable[[str], None]) -> list[Row]:
    rows = []
    for number, title, attack in attack_list(running.target, workdir):
        started = time.monotonic()
        try:
            row = Row(running.target.profile, number, title, attack())
        except Exception as exc:  # noqa: BLE001 - an attack that breaks the harness is reported, never counted as refused
            row = Row(running.target.profile, number, title, [], error=f"{type(exc).__name__}: {str(exc)[:200]}")
        log(f"  {row.profile} #{number}: {row.refused}/{len(row.tries)} refused ({time.monotonic() - started:.0f} s)")
        rows.append(row)
    return rows


def print_table(rows: list[Row], verbose: bool, out=sys.stdout) -> None:
    print("\n| profile | # | attack | tried | refused |", file=out)
    print("| --- | ---: | --- | ---: | ---: |", file=out)
    for row in rows:
        tried = len(row.tries) if row.error is None else "error"
        print(f"| {row.profile} | {row.number} | {row.title} | {tried} | {row.refused} |", file=out)
    total, refused = sum(len(r.tries) for r in rows), sum(r.refused for r in rows)
    print(f"\nTotal: {refused} of {total} tries refused or recovered as expected.", file=out)
    for row in rows:
        if row.error:
            print(f"  {row.profile} #{row.number} did not run: {row.error}", file=out)
        for t in row.tries:
            if verbose or not t.refused:
                print(
                    f"  {'ok  ' if t.refused else 'FAIL'} {row.profile} #{row.number} {t.what}: expected {t.expected!r}, got {t.got!r}",
                    file=out,
                )


def postgres_running() -> bool:
    """Whether the private PostgreSQL cluster (scripts/postgres.sh) is already up."""
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "postgres.sh"), "status"], capture_output=True, timeout=60, check=False
    )
    return done.returncode == 0


def postgres_database() -> str:
    subprocess.run(
        ["bash", str(REPO / "scripts" / "postgres.sh"), "start"], check=True, capture_output=True, timeout=300
    )
    done = subprocess.run(
        ["bash", str(REPO / "scripts" / "postgres.sh"), "createdb", DATABASE],
        check=True,
        capture_output=True,
        text=True,
        timeout=120,
    )
    return done.stdout.strip()


def main(argv: Optional[list[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--profile", choices=("embedded", "production", "both"), default="both")
    parser.add_argument("--verbose", action="store_true", help="list every try, not only the failed ones")
    parser.add_argument("--keep", type=Path, help="work in this directory and keep it (logs)")
    args = parser.parse_args(argv)
    workdir = args.keep or Path(tempfile.mkdtemp(prefix="mf-security-"))
    workdir.mkdir(parents=True, exist_ok=True)

    def log(line: str) -> None:
        print(line, file=sys.stderr, flush=True)

    fake, token, sid = fake_twilio()
    rows: list[Row] = []
    try:
        if args.profile in ("embedded", "both"):
            log("security-check: starting the embedded profile (scripts/run.sh) ...")
            running = start_embedded(workdir / "embedded", fake, token, sid)
            try:
                rows += run_attacks(running, workdir, log)
            finally:
                running.stop()
        if args.profile in ("production", "both"):
            log("security-check: starting a private production profile (scripts/run-prod.sh) ...")
            pg_was_running = postgres_running()
            database_url = postgres_database()
            running = start_production(workdir / "production", database_url, fake, token, sid)
            try:
                rows += run_attacks(running, workdir, log)
            finally:
                running.stop()
                subprocess.run(
                    ["bash", str(REPO / "scripts" / "postgres.sh"), "dropdb", DATABASE],
                    capture_output=True,
                    timeout=120,
                    check=False,
                )
                if not pg_was_running:  # leave the machine as it was: no server left running
                    subprocess.run(
                        ["bash", str(REPO / "scripts" / "postgres.sh"), "stop"],
                        capture_output=True,
                        timeout=120,
                        check=False,
                    )
    finally:
        fake.stop()
    print_table(rows, args.verbose)
    if not args.keep:
        log(f"security-check: logs were in {workdir} (removed; --keep DIR keeps them)")
        subprocess.run(["rm", "-rf", str(workdir)], check=False)
    return 0 if rows and all(r.error is None and r.refused == len(r.tries) for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
