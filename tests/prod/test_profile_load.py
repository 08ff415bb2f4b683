"""The production profile end to end: nginx routing, loopback-only listeners, shared database, and a reduced load test
that kills a Rasa replica and an action server mid-run without losing or duplicating a single answer."""
from __future__ import annotations

import asyncio
import re
import uuid
from pathlib import Path

import httpx
import pytest
import redis
from sqlalchemy import create_engine, inspect, text

from bench.load_check import check_database
from bench.load_test import Fault, make_plans, run_load
from bot.store.models import Base
from tests.prod.conftest import ProdProfile

pytestmark = [pytest.mark.postgres, pytest.mark.e2e, pytest.mark.slow]

PARTICIPANTS = 12
KILLS = (Fault("rasa-1", 0.3), Fault("actions-1", 0.5))


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (from /proc/net/tcp and tcp6)."""
    found = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port_hex, 16) == port:
                found.add(address)
    return found


def test_every_listener_is_on_loopback(prod_profile: ProdProfile) -> None:
    ports = [prod_profile.base_port, prod_profile.base_port + 1, prod_profile.base_port + 40]
    ports += [prod_profile.port(kind, i) for kind in ("rasa", "actions", "web") for i in (1, 2)]
    for port in ports:
        assert listening_addresses(port) == {"0100007F"}, f"port {port} must listen on 127.0.0.1 only"


def test_nginx_routes_webhooks_to_rasa_and_the_rest_to_the_web_app(prod_profile: ProdProfile) -> None:
    token = prod_profile.env["RASA_TOKEN"]
    with httpx.Client(base_url=prod_profile.url, timeout=30) as client:
        assert client.get("/healthz").text == "ok"
        assert client.get("/webhooks/rest/").json() == {"status": "ok"}
        assert client.get("/conversations/nobody/tracker").status_code == 401
        tracker = client.get("/conversations/nobody/tracker", params={"token": token})
        assert tracker.status_code == 200 and tracker.json()["sender_id"] == "nobody"
        webchat = client.post("/webhooks/webchat/webhook", json={"sender": uuid.uuid4().hex, "message": "hi"})
        assert webchat.status_code == 200 and webchat.json(), "the web chat's Rasa channel answers through nginx"
        for channel in ("twilio_sms", "telegram"):  # off without settings: answered by Rasa, not by the web app
            assert client.post(f"/webhooks/{channel}/webhook", data={}).status_code in (403, 404, 503)
    access = (prod_profile.prod_dir / "log" / "nginx-access.log").read_text()
    web_ports = f"({prod_profile.port('web', 1)}|{prod_profile.port('web', 2)})"
    rasa_ports = f"({prod_profile.port('rasa', 1)}|{prod_profile.port('rasa', 2)})"
    assert re.search(r"GET /healthz 200 \S+ 127\.0\.0\.1:" + web_ports + " ", access)
    for path in ("/webhooks/webchat/webhook", "/webhooks/twilio_sms/webhook", "/webhooks/telegram/webhook"):
        assert re.search(f"POST {path} " + r"\d+ \S+ 127\.0\.0\.1:" + rasa_ports + " ", access), path
    assert "?token" not in access, "query strings (tokens) must not reach the access log"


def test_status_lists_every_process_running(prod_profile: ProdProfile) -> None:
    status = prod_profile.script("status")
    assert status.returncode == 0, status.stdout
    names = [line.split()[0] for line in status.stdout.splitlines()]
    assert names == ["redis", "actions-1", "actions-2", "rasa-1", "rasa-2", "web-1", "web-2", "nginx"]


def test_load_with_a_rasa_and_an_action_server_killed(prod_profile: ProdProfile) -> None:
    plans = make_plans(PARTICIPANTS, seed=3)

    async def kill(name: str) -> int:
        return (await asyncio.to_thread(prod_profile.script, "kill", name)).returncode

    report = asyncio.run(run_load(prod_profile.url, plans, time_limit=300, faults=KILLS, kill=kill, ramp=3))
    report.db_problems = check_database(prod_profile.database_url, plans)

    assert [name for name, _ in report.faults] == ["rasa-1", "actions-1"]
    status = prod_profile.script("status").stdout
    assert "rasa-1 down" in status and "actions-1 down" in status, status
    assert report.finished == PARTICIPANTS, [(r.plan.sender, r.failure) for r in report.results if not r.finished]
    assert report.db_problems == []
    assert report.errors_before_faults == 0, report.summary()

    # Rasa kept its trackers in the shared database, next to our tables, and took its conversation locks in Redis.
    engine = create_engine(prod_profile.database_url, future=True)
    try:
        with engine.connect() as conn:
            senders = conn.execute(text("SELECT count(DISTINCT sender_id) FROM events WHERE sender_id LIKE 'load-%'")).scalar_one()
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert senders == PARTICIPANTS
    assert tables == set(Base.metadata.tables) | {"events", "alembic_version"}
    lock_store = redis.Redis(host="127.0.0.1", port=prod_profile.base_port + 40, password=(prod_profile.prod_dir / "redis.password").read_text().strip())
    assert lock_store.info("commandstats")["cmdstat_set"]["calls"] >= len(report.requests), "every message takes a lock"
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=prod_profile.base_port + 40).ping()

    # Participants' words reach the database, never a log (Rasa's REST channel error events are silenced).
    reflections = {text for plan in plans for step, text in plan.answers.items() if step.endswith("_reflection")}
    for log in (prod_profile.prod_dir / "log").glob("*.log"):
        content = log.read_text(errors="replace")
        assert not [r for r in reflections if r in content], f"{log.name} contains participants' words"


def test_start_brings_back_the_killed_replicas(prod_profile: ProdProfile) -> None:
    for name in ("rasa-1", "actions-1"):
        if f"{name} down" not in prod_profile.script("status").stdout:
            prod_profile.script("kill", name)
    started = prod_profile.script("start")
    assert started.returncode == 0, started.stderr[-2000:]
    assert prod_profile.script("status").returncode == 0
    with httpx.Client(timeout=60) as client:
        reply = client.post(f"http://127.0.0.1:{prod_profile.port('rasa', 1)}/webhooks/rest/webhook",
                            json={"sender": "after-restart", "message": "hi"})
    assert reply.status_code == 200 and reply.json(), "the restarted Rasa replica answers through the action servers"


def test_our_tables_and_rasa_events_do_not_clash() -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    assert set(Base.metadata.tables).isdisjoint(SQLTrackerStore.Base.metadata.tables)
    assert set(SQLTrackerStore.Base.metadata.tables) == {"events"}
