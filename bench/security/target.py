"""What an attack needs to know of a running profile: its addresses, its database, its fake Twilio, its processes."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Optional, Protocol

import httpx

from bot.channels.sms.signing import WebhookReply, inbound_params, new_sid, send_signed
from bot.devtools.devstack import REPO, Stack, wait_http
from bot.devtools.fake_twilio import FakeTwilio

LOOPBACK = "127.0.0.1"


@dataclass(frozen=True)
class Try:
    """One attempt of an attack: what was tried, the refusal expected, and what actually came back."""

    what: str
    expected: Any
    got: Any

    @property
    def refused(self) -> bool:
        return self.got == self.expected


class Ops(Protocol):
    """Process control of a profile (kills are SIGKILL, as a crash)."""

    def pids(self, kind: str) -> dict[str, int]: ...  # kind: rasa, actions, web
    def kill(self, name: str) -> None: ...
    def stop(self, name: str) -> None: ...
    def start(self, name: str) -> None: ...
    def wait_ready(self, timeout: float = 240) -> None: ...


@dataclass
class Target:
    """A running profile as an outsider (and the test harness) reaches it."""

    profile: str  # "embedded" or "production"
    public_url: str  # embedded: the web app; production: nginx
    rasa_urls: list[str]  # each Rasa server, on loopback
    action_urls: list[str]  # each action server, on loopback
    webchat_url: str  # where the web app reaches Rasa's web chat channel
    sms_url: str  # the Twilio webhook as Twilio reaches it
    db_url: str
    twilio: FakeTwilio
    twilio_token: str
    twilio_sid: str
    twilio_number: str
    ops: Ops
    rest: bool  # the REST channel is configured (embedded only)
    numbers: list[str] = field(default_factory=list)

    def new_number(self) -> str:
        number = "+1782" + f"{int.from_bytes(os.urandom(4), 'big') % 10_000_000:07d}"
        self.numbers.append(number)
        return number

    def sms(self, number: str, body: str, sid: Optional[str] = None, timeout: float = 60) -> WebhookReply:
        """Post one signed inbound SMS as Twilio would."""
        params = inbound_params(
            account_sid=self.twilio_sid,
            from_number=number,
            to_number=self.twilio_number,
            body=body,
            message_sid=sid or new_sid("SM"),
        )
        return send_signed(url=self.sms_url, auth_token=self.twilio_token, params=params, timeout=timeout)

    def texts_to(self, number: str) -> list[str]:
        return [m.body for m in self.twilio.sent_to(number)]


def listening_addresses(port: int) -> set[str]:
    """Local addresses with a TCP socket listening on ``port`` (/proc/net/tcp and tcp6), as dotted quads or hex."""
    found = set()
    for table in (Path("/proc/net/tcp"), Path("/proc/net/tcp6")):
        for line in table.read_text().splitlines()[1:]:
            fields = line.split()
            address, port_hex = fields[1].rsplit(":", 1)
            if fields[3] == "0A" and int(port_hex, 16) == port:
                found.add(socket.inet_ntoa(bytes.fromhex(address)[::-1]) if len(address) == 8 else address)
    return found


def port_of(url: str) -> int:
    return httpx.URL(url).port or 80


def post_declared(
    url: str, size: int, content_type: str = "application/json", timeout: float = 30
) -> tuple[int, float]:
    """POST a body of ``size`` bytes over a raw socket; the status line's code and the seconds until it came (0: none)."""
    parsed = httpx.URL(url)
    started = time.monotonic()
    with socket.create_connection((parsed.host, parsed.port or 80), timeout=timeout) as sock:
        head = (
            f"POST {parsed.raw_path.decode()} HTTP/1.1\r\nHost: {parsed.host}:{parsed.port}\r\nContent-Type: {content_type}\r\n"
            f"Content-Length: {size}\r\nConnection: close\r\n\r\n"
        )
        sock.sendall(head.encode())
        chunk, sent = b'{"sender": "me", "message": "' + b"x" * 65536, 0
        try:
            while sent < size:
                sock.sendall(chunk[: size - sent])
                sent += len(chunk)
        except OSError:
            pass  # the server refused and closed while the body was still going out
        data = b""
        try:
            while b"\r\n" not in data:
                more = sock.recv(4096)
                if not more:
                    break
                data += more
        except OSError:
            pass
    status = int(data.split(b" ", 2)[1]) if data.startswith(b"HTTP/") else 0
    return status, time.monotonic() - started


class DevStackOps:
    """A bot.devtools.devstack Stack: nothing supervises it, so wait_ready starts whatever was killed."""

    def __init__(self, stack: Stack) -> None:
        self.stack = stack

    def pids(self, kind: str) -> dict[str, int]:
        proc = self.stack.procs.get(kind)
        return {kind: proc.pid} if proc is not None and proc.poll() is None else {}

    def kill(self, name: str) -> None:
        proc = self.stack.procs.pop(name, None)
        if proc is not None:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=30)

    def stop(self, name: str) -> None:
        self.stack.stop(name)

    def start(self, name: str) -> None:
        {"actions": self.stack.start_actions, "rasa": self.stack.start_rasa, "web": self.stack.start_web}[name]()

    def wait_ready(self, timeout: float = 240) -> None:
        for name in ("actions", "rasa", "web"):
            if name not in self.stack.procs or self.stack.procs[name].poll() is not None:
                self.stack.procs.pop(name, None)
                self.start(name)


class SupervisedOps:
    """A profile run by supervisord (scripts/run.sh, scripts/run-prod.sh): kills are restarted by it."""

    def __init__(self, conf: Path, health: dict[str, str]) -> None:
        self.conf = conf
        self.health = health  # program name -> health URL

    def ctl(self, *args: str) -> str:
        done = subprocess.run(
            [str(REPO / ".venv" / "bin" / "supervisorctl"), "-c", str(self.conf), *args],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        return done.stdout

    def pids(self, kind: str) -> dict[str, int]:
        found = {}
        for line in self.ctl("status").splitlines():
            parts = line.split()
            if len(parts) >= 4 and parts[1] == "RUNNING" and parts[0].split("-")[0] == kind:
                found[parts[0]] = int(parts[3].rstrip(","))
        return found

    def kill(self, name: str) -> None:
        pid = int(self.ctl("pid", name).strip() or 0)
        if pid:
            os.killpg(pid, signal.SIGKILL)

    def stop(self, name: str) -> None:
        self.ctl("stop", name)

    def start(self, name: str) -> None:
        self.ctl("start", name)

    def wait_ready(self, timeout: float = 240) -> None:
        """Until every health check answers and supervisord counts every program as RUNNING (up for its startsecs)."""
        deadline = time.monotonic() + timeout
        for url in self.health.values():
            wait_http(url, timeout=max(1.0, deadline - time.monotonic()))
        while time.monotonic() < deadline:
            states = [line.split()[1] for line in self.ctl("status").splitlines() if len(line.split()) > 1]
            if states and all(state == "RUNNING" for state in states):
                return
            time.sleep(0.5)
        raise TimeoutError("supervisord did not report every program RUNNING")
