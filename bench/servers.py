"""Start the two bots the benchmark compares on free loopback ports: ours (embedded stack) and a stock `rasa init` bot."""

from __future__ import annotations

import os
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from bot.devtools.devstack import free_port, stop_process_group, wait_http

REPO = Path(__file__).resolve().parents[1]
VENV_BIN = REPO / ".venv" / "bin"
STARTUP_TIMEOUT = 300


def base_env(**extra: str) -> dict[str, str]:
    return {
        **os.environ,
        "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
        "TF_CPP_MIN_LOG_LEVEL": "3",
        "PYTHONUNBUFFERED": "1",
        "RASA_TELEMETRY_ENABLED": "false",
        "SANIC_HOST": "127.0.0.1",
        **extra,
    }


@dataclass
class Processes:
    """Named child processes, each in its own session so a stop reaches its children too."""

    workdir: Path
    procs: dict[str, subprocess.Popen] = field(default_factory=dict)

    def spawn(self, name: str, args: list[str], *, env: dict[str, str], cwd: Path = REPO) -> subprocess.Popen:
        log = (self.workdir / f"{name}.log").open("ab")
        proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        self.procs[name] = proc
        return proc

    def log(self, name: str) -> Path:
        return self.workdir / f"{name}.log"

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs.values() if p.poll() is None]

    def stop_all(self) -> None:
        for name in list(self.procs):
            stop_process_group(self.procs.pop(name))


def timed(args: list[str], *, cwd: Path, env: dict[str, str], log: Path, timeout: float = 1800) -> float:
    """Run a command to completion; its wall-clock seconds (raises with the log tail on failure)."""
    started = time.monotonic()
    with log.open("ab") as handle:
        proc = subprocess.run(
            args, cwd=cwd, env=env, stdout=handle, stderr=subprocess.STDOUT, timeout=timeout, check=False
        )
    elapsed = time.monotonic() - started
    if proc.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])} exited {proc.returncode}:\n{log.read_text(errors='replace')[-3000:]}")
    return elapsed


def train_ours(workdir: Path) -> tuple[float, Path]:
    """`rasa train --force` of our bot from scratch into ``workdir``; (seconds, model path)."""
    out = workdir / "ours-models"
    seconds = timed(
        [
            str(VENV_BIN / "rasa"),
            "train",
            "--config",
            "config.yml",
            "--domain",
            "domain.yml",
            "--data",
            "bot/data",
            "--out",
            str(out),
            "--fixed-model-name",
            "mfbot",
            "--force",
            "--quiet",
        ],
        cwd=REPO,
        env=base_env(),
        log=workdir / "train-ours.log",
    )
    return seconds, out / "mfbot.tar.gz"


def init_stock(workdir: Path) -> tuple[float, Path, Path]:
    """`rasa init --no-prompt` (scaffold + train from scratch); (seconds, project dir, model path)."""
    project = workdir / "stock"
    project.mkdir()
    seconds = timed(
        [str(VENV_BIN / "rasa"), "init", "--no-prompt", "--init-dir", str(project)],
        cwd=workdir,
        env=base_env(),
        log=workdir / "train-stock.log",
    )
    models = sorted((project / "models").glob("*.tar.gz"))
    if not models:
        raise RuntimeError("rasa init trained no model")
    return seconds, project, models[-1]


@dataclass
class Bot:
    """A running bot the benchmark talks to, and the processes whose memory counts."""

    name: str
    url: str
    processes: Processes | DevstackProcesses
    database_url: Optional[str] = None


def start_stock(workdir: Path, project: Path, model: Path) -> Bot:
    """The stock bot as `rasa run` serves it: its own credentials, in-memory tracker, no action server."""
    processes = Processes(workdir)
    port = free_port()
    proc = processes.spawn(
        "stock-rasa",
        [
            str(VENV_BIN / "rasa"),
            "run",
            "--model",
            str(model),
            "--port",
            str(port),
            "--interface",
            "127.0.0.1",
            "--credentials",
            "credentials.yml",
        ],
        env=base_env(),
        cwd=project,
    )
    wait_http(f"http://127.0.0.1:{port}/", timeout=STARTUP_TIMEOUT, proc=proc, log=processes.log("stock-rasa"))
    return Bot("stock", f"http://127.0.0.1:{port}", processes)


class DevstackProcesses:
    """The processes of a bot.devtools.devstack stack, seen the way the benchmark needs them (pids, stop)."""

    def __init__(self, stack) -> None:
        self.stack = stack

    def pids(self) -> list[int]:
        return [p.pid for p in self.stack.procs.values() if p.poll() is None]

    def stop_all(self) -> None:
        self.stack.stop_all()


def start_ours(workdir: Path) -> Bot:
    """Our embedded stack as `make run` starts it (bot.devtools.devstack: action server, Rasa, web app), on a fresh SQLite file."""
    from bot.devtools.devstack import start_stack
    from bot.store import migrate

    database_url = f"sqlite:///{workdir / 'bot.sqlite3'}"
    migrate.upgrade(database_url)
    stack = start_stack(
        workdir / "ours",
        database_url,
        web=True,
        extra_env={"RASA_TELEMETRY_ENABLED": "false", "SANIC_HOST": "127.0.0.1"},
    )
    return Bot("ours", stack.rasa_url, DevstackProcesses(stack), database_url=database_url)
