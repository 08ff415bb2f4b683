"""The production profile end to end: nginx routing (only the public surface), loopback-only listeners, supervision,
shared database, and a reduced load test through the public web chat that kills a Rasa replica and an action server
mid-run without losing or duplicating a single answer."""

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
from bench.load_test import SENDER_PREFIX, Fault, make_plans, run_load
from bot.store.models import Base
from tests.prod.conftest import ProdProfile
from tests.support.waiting import wait_until

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
    ports = [
        prod_profile.base_port,
        prod_profile.base_port + 1,
        prod_profile.base_port + 2,
        prod_profile.base_port + 40,
    ]
    ports += [prod_profile.port(kind, i) for kind in ("rasa", "actions", "web") for i in (1, 2)]
    for port in ports:
        assert listening_addresses(port) == {"0100007F"}, f"port {port} must listen on 127.0.0.1 only"


def test_nginx_serves_exactly_the_public_surface(prod_profile: ProdProfile) -> None:
    token = prod_profile.env["RASA_TOKEN"]
    sender = uuid.uuid4().hex
    with httpx.Client(base_url=prod_profile.url, timeout=60) as client:
        assert client.get("/healthz").text == "ok"
        reply = client.post("/chat/api/message", json={"sender": sender, "message": "hi"})
        assert reply.status_code == 200 and reply.json(), (
            "the web chat answers through the web app and nginx's internal server"
        )
        for channel in ("twilio_sms", "telegram"):  # off without settings: answered by Rasa, not by the web app
            assert client.post(f"/webhooks/{channel}/webhook", data={}).status_code in (403, 503)
        # Rasa's REST and web chat channels and its HTTP API are not public, with or without the token.
        assert client.post("/webhooks/rest/webhook", json={"sender": sender, "message": "hi"}).status_code == 404
        assert client.post("/webhooks/webchat/webhook", json={"sender": sender, "message": "hi"}).status_code == 404
        assert client.get("/conversations/nobody/tracker", params={"token": token}).status_code == 404
        assert client.get("/status", params={"token": token}).status_code == 404
    with httpx.Client(timeout=30) as client:
        internal = client.post(
            f"{prod_profile.rasa_internal_url}/webhooks/webchat/webhook", json={"sender": sender, "message": "repeat"}
        )
        assert internal.status_code == 200 and internal.json()
        assert (
            client.post(
                f"{prod_profile.rasa_internal_url}/webhooks/rest/webhook", json={"sender": sender, "message": "hi"}
            ).status_code
            == 404
        )
        tracker = client.get(
            f"http://127.0.0.1:{prod_profile.port('rasa', 1)}/conversations/nobody/tracker", params={"token": token}
        )
        assert tracker.status_code == 200 and tracker.json()["sender_id"] == "nobody", (
            "the API stays on for operators, on loopback"
        )
    access = (prod_profile.prod_dir / "log" / "nginx-access.log").read_text()
    web_ports = f"({prod_profile.port('web', 1)}|{prod_profile.port('web', 2)})"
    rasa_ports = f"({prod_profile.port('rasa', 1)}|{prod_profile.port('rasa', 2)})"
    assert re.search(r"GET /healthz 200 \S+ 127\.0\.0\.1:" + web_ports + " ", access)
    assert re.search(r"POST /chat/api/message 200 \S+ 127\.0\.0\.1:" + web_ports + " ", access)
    for path in ("/webhooks/webchat/webhook", "/webhooks/twilio_sms/webhook", "/webhooks/telegram/webhook"):
        assert re.search(f"POST {path} " + r"\d+ \S+ 127\.0\.0\.1:" + rasa_ports + " ", access), path
    assert "?token" not in access, "query strings (tokens) must not reach the access log"


def pids(profile: ProdProfile) -> dict[str, str]:
    """Process name -> pid of every running process, from `run-prod.sh status`."""
    found = {}
    for line in profile.script("status").stdout.splitlines():
        match = re.match(r"(\S+) running \(pid (\d+)\)", line)
        if match:
            found[match.group(1)] = match.group(2)
    return found


def wait_until_all_running(profile: ProdProfile, timeout: float = 180) -> dict[str, str]:
    if wait_until(lambda: profile.script("status").returncode == 0, timeout=timeout, interval=2):
        return pids(profile)
    raise AssertionError("not every process came back: " + profile.script("status").stdout)


def test_status_lists_every_process_running(prod_profile: ProdProfile) -> None:
    status = prod_profile.script("status")
    assert status.returncode == 0, status.stdout
    names = [line.split()[0] for line in status.stdout.splitlines()]
    assert names == [
        "redis",
        "actions-1",
        "actions-2",
        "rasa-1",
        "rasa-2",
        "web-1",
        "web-2",
        "worker-1",
        "worker-2",
        "nginx",
    ]


def test_load_with_a_rasa_and_an_action_server_killed(prod_profile: ProdProfile) -> None:
    plans = make_plans(PARTICIPANTS, seed=3)
    before = pids(prod_profile)

    async def kill(name: str) -> int:
        return (await asyncio.to_thread(prod_profile.script, "kill", name)).returncode

    report = asyncio.run(run_load(prod_profile.url, plans, time_limit=300, faults=KILLS, kill=kill, ramp=3))
    report.db_problems = check_database(prod_profile.database_url, plans)

    assert [name for name, _ in report.faults] == ["rasa-1", "actions-1"]
    after = wait_until_all_running(prod_profile)  # supervisord restarted both
    assert after["rasa-1"] != before["rasa-1"] and after["actions-1"] != before["actions-1"]
    assert after["rasa-2"] == before["rasa-2"] and after["web-1"] == before["web-1"]
    assert report.finished == PARTICIPANTS, [(r.plan.sender, r.failure) for r in report.results if not r.finished]
    assert report.db_problems == []
    assert report.errors_before_faults == 0, report.summary()

    # Rasa kept its trackers in the shared database, next to our tables, and took its conversation locks in Redis.
    engine = create_engine(prod_profile.database_url, future=True)
    try:
        with engine.connect() as conn:
            senders = conn.execute(
                text(f"SELECT count(DISTINCT sender_id) FROM events WHERE sender_id LIKE '{SENDER_PREFIX}%'")
            ).scalar_one()
            tables = set(inspect(conn).get_table_names())
    finally:
        engine.dispose()
    assert senders == PARTICIPANTS
    assert tables == set(Base.metadata.tables) | {"events", "alembic_version"}
    lock_store = redis.Redis(
        host="127.0.0.1",
        port=prod_profile.base_port + 40,
        password=(prod_profile.prod_dir / "redis.password").read_text().strip(),
    )
    assert lock_store.info("commandstats")["cmdstat_set"]["calls"] >= len(report.requests), "every message takes a lock"
    with pytest.raises(redis.AuthenticationError):
        redis.Redis(host="127.0.0.1", port=prod_profile.base_port + 40).ping()

    # Participants' words reach the database, never a log (Rasa's REST channel error events are silenced).
    reflections = {text for plan in plans for step, text in plan.answers.items() if step.endswith("_reflection")}
    for log in (prod_profile.prod_dir / "log").glob("*.log"):
        content = log.read_text(errors="replace")
        assert not [r for r in reflections if r in content], f"{log.name} contains participants' words"


def test_supervisor_restarts_a_killed_replica_and_start_changes_nothing(prod_profile: ProdProfile) -> None:
    before = wait_until_all_running(prod_profile)
    killed = prod_profile.script("kill", "rasa-1")
    assert killed.returncode == 0 and "supervisord restarts it" in killed.stderr
    after = wait_until_all_running(prod_profile)
    assert after["rasa-1"] != before["rasa-1"]
    started = prod_profile.script("start")
    assert started.returncode == 0, started.stderr[-2000:]
    assert pids(prod_profile) == after, "start with everything running restarts nothing"
    with httpx.Client(timeout=60) as client:
        reply = client.post(
            f"http://127.0.0.1:{prod_profile.port('rasa', 1)}/webhooks/webchat/webhook",
            json={"sender": uuid.uuid4().hex, "message": "hi"},
        )
    assert reply.status_code == 200 and reply.json(), "the restarted Rasa replica answers through the action servers"


def test_our_tables_and_rasa_events_do_not_clash() -> None:
    from rasa.core.tracker_store import SQLTrackerStore

    assert set(Base.metadata.tables).isdisjoint(SQLTrackerStore.Base.metadata.tables)
    assert set(SQLTrackerStore.Base.metadata.tables) == {"events"}
