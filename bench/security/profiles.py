"""Start the two real profiles privately (own directory, database and free loopback ports) with the SMS channel on a
fake Twilio: the embedded one with scripts/run.sh (what `make run` runs), the production one with scripts/run-prod.sh."""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Optional

from bench.prod_profile import free_port_base, prod_env
from bench.security.target import SupervisedOps, Target
from bot.channels.sms.signing import new_sid
from bot.devtools.devstack import REPO, free_port
from bot.devtools.fake_twilio import FakeTwilio
from bot.store import migrate

BANNER = "The Magnetic Factors bot is running."
PROGRAMME_NUMBER = "+19025550100"
START_TIMEOUT = 420


@dataclass
class Running:
    """A started profile: how to attack it and how to stop it."""

    target: Target
    stop: Callable[[], None]
    process: Optional[subprocess.Popen] = None  # scripts/run.sh itself (embedded)
    env: Optional[dict[str, str]] = None


def start_embedded(workdir: Path, fake: FakeTwilio, token: str, sid: str) -> Running:
    """scripts/run.sh on free ports, its database migrated first (as `make run` does), until it prints its banner."""
    workdir.mkdir(parents=True, exist_ok=True)
    db_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
    migrate.upgrade(db_url)
    ports = {"RASA_PORT": free_port(), "ACTION_PORT": free_port(), "WEB_PORT": free_port()}
    env = {
        **os.environ,
        **{k: str(v) for k, v in ports.items()},
        "RUN_DIR": str(workdir),
        "WEB_HOST": "127.0.0.1",
        "DATABASE_URL": db_url,
        "SECRET_KEY": "security-check-" + secrets.token_hex(8),
        **fake.channel_env(PROGRAMME_NUMBER),
    }
    env.pop("TRUSTED_PROXIES", None)
    out = (workdir / "run.out").open("wb")
    process = subprocess.Popen(
        ["bash", str(REPO / "scripts" / "run.sh")],
        cwd=REPO,
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
        start_new_session=True,
        # As in a terminal, Ctrl-C reaches the script even when this process was started in the background (where a
        # shell ignores SIGINT, and a signal ignored on entry cannot be trapped by scripts/run.sh).
        preexec_fn=_default_sigint,
    )
    deadline = time.monotonic() + START_TIMEOUT
    while BANNER not in (workdir / "run.out").read_text(errors="replace"):
        if process.poll() is not None or time.monotonic() > deadline:
            stop_embedded(process)
            raise RuntimeError(
                f"scripts/run.sh did not start:\n{(workdir / 'run.out').read_text(errors='replace')[-3000:]}"
            )
        time.sleep(0.5)
    rasa, actions, web = (f"http://127.0.0.1:{ports[k]}" for k in ("RASA_PORT", "ACTION_PORT", "WEB_PORT"))
    ops = SupervisedOps(
        workdir / "supervisord.conf", {"actions": f"{actions}/health", "rasa": f"{rasa}/", "web": f"{web}/healthz"}
    )
    target = Target(
        profile="embedded",
        public_url=web,
        rasa_urls=[rasa],
        action_urls=[actions],
        webchat_url=rasa,
        sms_url=f"{rasa}/webhooks/twilio_sms/webhook",
        db_url=db_url,
        twilio=fake,
        twilio_token=token,
        twilio_sid=sid,
        twilio_number=PROGRAMME_NUMBER,
        ops=ops,
        rest=True,
    )
    return Running(target=target, stop=lambda: stop_embedded(process), process=process, env=env)


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_embedded(process: subprocess.Popen, timeout: float = 60) -> int:
    """Ctrl-C, as a person at the terminal would (SIGINT to its process group); the script's exit code."""
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGINT)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=30)
    return process.returncode


def start_production(prod_dir: Path, database_url: str, fake: FakeTwilio, token: str, sid: str) -> Running:
    """scripts/run-prod.sh start on a private directory, database and port block (never `make run-prod`'s)."""
    base = free_port_base()
    env = prod_env(prod_dir, base, DATABASE_URL=database_url, **fake.channel_env(PROGRAMME_NUMBER))

    def script(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run(
            ["bash", str(REPO / "scripts" / "run-prod.sh"), *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=False,
        )

    started = script("start")
    if started.returncode != 0:
        script("stop")
        raise RuntimeError(f"run-prod.sh start exited {started.returncode}:\n{started.stderr[-3000:]}")
    url = f"http://127.0.0.1:{base}"
    rasa = [f"http://127.0.0.1:{base + 10 + i}" for i in (1, 2)]
    actions = [f"http://127.0.0.1:{base + 20 + i}" for i in (1, 2)]
    health = {f"actions-{i}": f"{actions[i - 1]}/health" for i in (1, 2)}
    health |= {f"rasa-{i}": f"{rasa[i - 1]}/status?token={env['RASA_TOKEN']}" for i in (1, 2)}
    health |= {f"web-{i}": f"http://127.0.0.1:{base + 30 + i}/healthz" for i in (1, 2)} | {"nginx": f"{url}/healthz"}
    ops = SupervisedOps(prod_dir / "run" / "supervisord.conf", health)
    target = Target(
        profile="production",
        public_url=url,
        rasa_urls=rasa,
        action_urls=actions,
        webchat_url=f"http://127.0.0.1:{base + 2}",
        sms_url=f"{url}/webhooks/twilio_sms/webhook",
        db_url=database_url,
        twilio=fake,
        twilio_token=token,
        twilio_sid=sid,
        twilio_number=PROGRAMME_NUMBER,
        ops=ops,
        rest=False,
    )
    return Running(target=target, stop=lambda: script("stop"), env=env)


def fake_twilio() -> tuple[FakeTwilio, str, str]:
    """A started fake Twilio API with a fresh account and auth token."""
    sid, token = new_sid("AC"), secrets.token_hex(16)
    return FakeTwilio(sid, token).start(), token, sid
