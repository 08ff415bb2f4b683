"""How long a complete activity takes a newcomer on a phone, per role and language, against the 12-minute target.

The real bot answers (Rasa and action servers over the REST channel, as web chat uses them); the person's time is
modelled from what the bot actually sent and what the person typed, at published rates: silent reading of non-fiction
about 240 words a minute for adults (Brysbaert 2019; 200 used), typing on a phone 36 words a minute on average
(Palin et al. 2019), plus time to think before each typed answer and to tap a button. A slow reader and typist
(150 and 20 words a minute, twice the thinking) is printed beside it. The bot's own reply time is measured. This is an
estimate from the real transcript, not a timed user study: the pilot's first sessions should time real people.
"""

from __future__ import annotations

import re
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench.sms_segments import ROLES, ROLES_FR, activity
from bot.devtools.devstack import start_stack
from bot.store import migrate
from bot.store.db import dispose_all

TARGET_MINUTES = 12.0
WORD = re.compile(r"\w+", re.UNICODE)


@dataclass(frozen=True)
class Pace:
    """How fast one kind of person reads, types, thinks before a typed answer and taps a button."""

    name: str
    reading_wpm: float
    typing_wpm: float
    think_seconds: float
    tap_seconds: float


TYPICAL = Pace("typical", reading_wpm=200, typing_wpm=36, think_seconds=10, tap_seconds=2)
SLOW = Pace("slow", reading_wpm=150, typing_wpm=20, think_seconds=20, tap_seconds=3)


@dataclass
class Run:
    """One complete activity: what was read and typed, and how long the bot took."""

    role: str
    language: str
    questions: int = 0
    words_read: int = 0
    taps: int = 0
    typed: int = 0
    words_typed: int = 0
    bot_seconds: float = 0.0

    def reading(self, pace: Pace) -> float:
        return self.words_read / pace.reading_wpm * 60

    def replying(self, pace: Pace) -> float:
        return self.taps * pace.tap_seconds + self.typed * pace.think_seconds + self.words_typed / pace.typing_wpm * 60

    def minutes(self, pace: Pace) -> float:
        return (self.reading(pace) + self.replying(pace) + self.bot_seconds) / 60


def _words(text: str) -> int:
    return len(WORD.findall(text))


def _is_tap(reply: str, buttons: list[dict[str, Any]]) -> bool:
    """A reply a web chat user gives with a button: a button's title or payload, or the numbers of several."""
    said = reply.strip().lower()
    titles = {str(b.get("title", "")).strip().lower() for b in buttons} | {
        str(b.get("payload", "")).strip().lower() for b in buttons
    }
    return said in titles or bool(buttons and re.fullmatch(r"[\d ,]+", said))


def measure(stack: Any, sender: str, role: str, language: str, label: str) -> Run:
    run = Run(role, language)
    buttons: list[dict[str, Any]] = []
    for reply in activity(label, language, role.replace(" ", "_")):
        if buttons and _is_tap(reply, buttons):
            run.taps += 1
        else:
            run.typed += 1
            run.words_typed += _words(reply)
        started = time.perf_counter()
        messages = stack.send(sender, reply)
        if any("went wrong" in (m.get("text") or "") for m in messages):
            raise RuntimeError(f"the bot failed a turn:\n{stack.log_text('actions')[-2000:]}")
        run.bot_seconds += time.perf_counter() - started
        buttons = [b for m in messages for b in (m.get("buttons") or [])]
        for message in messages:
            text = message.get("text") or ""
            run.words_read += _words(text) + sum(_words(str(b.get("title", ""))) for b in message.get("buttons") or [])
            run.questions += text.rstrip().endswith("?")
    return run


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mf-activity-time-") as tmp:
        print("Starting the Rasa and action servers (REST channel, embedded SQLite) ...", flush=True)
        database_url = f"sqlite:///{Path(tmp) / 'bot.sqlite3'}"
        migrate.upgrade(database_url)
        dispose_all()
        stack = start_stack(Path(tmp), database_url)
        try:
            runs = [
                measure(stack, f"time-{language}-{n}", role, language, label)
                for language, roles in (("en", ROLES), ("fr", ROLES_FR))
                for n, (role, label) in enumerate(roles.items())
            ]
        finally:
            stack.stop_all()
    print(f"\nTime for one complete activity on a phone (target: under {TARGET_MINUTES:.0f} minutes at a typical pace)")
    for pace in (TYPICAL, SLOW):
        print(
            f"  {pace.name + ':':<9} reading {pace.reading_wpm:.0f} words/min, typing {pace.typing_wpm:.0f} words/min,"
            f" {pace.think_seconds:.0f} s to think before each typed answer, {pace.tap_seconds:.0f} s per tap"
        )
    print(
        f"\n{'role':<12} {'lang':<4} {'asked':>5} {'words read':>10} {'taps':>4} {'typed':>5} {'words typed':>11}"
        f" {'bot':>6} {'reading':>8} {'replying':>8} {'typical':>8} {'slow':>7}  result"
    )
    failed = False
    for run in runs:
        ok = run.minutes(TYPICAL) < TARGET_MINUTES
        failed |= not ok
        print(
            f"{run.role:<12} {run.language:<4} {run.questions:>5} {run.words_read:>10} {run.taps:>4} {run.typed:>5}"
            f" {run.words_typed:>11} {run.bot_seconds:>4.1f} s {run.reading(TYPICAL) / 60:>6.1f} m"
            f" {run.replying(TYPICAL) / 60:>6.1f} m {run.minutes(TYPICAL):>6.1f} m {run.minutes(SLOW):>5.1f} m"
            f"  {'OK' if ok else 'OVER TARGET'}"
        )
    print("\nasked: bot messages ending in a question mark; words read: every bot message and button, the summary too;")
    print(
        "reading and replying at the typical pace; the run: sms_segments' persona replies (tweet-length reflections),"
    )
    print("share, contact, research. A slow reader and typist takes the 'slow' minutes: the pauses and resume codes")
    print("let them split it.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
