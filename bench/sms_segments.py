"""SMS segments a complete activity costs per role, against the 30-segment target (starts its own private bot)."""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from bot.channels.sms_compose import SEPARATOR
from bot.channels.sms_sandbox import start_sandbox
from bot.cli.sms import SEGMENT_TARGET
from bot.content import gsm7
from bot.store.channel_records import segments_used
from bot.store.db import dispose_all, session_scope

CHANNEL = "twilio_sms"
ROLES = {"work seeker": "Looking for work", "employer": "Hiring"}
# Realistic reflections (about a tweet each): they feed the condensed SMS summary, the longest reply.
REFLECTIONS = [
    "Fixing small engines and customer service. I also like training new people on the floor.",
    "About 30 hours a week. Enough challenge to learn, not so much that I burn out again.",
    "At least $20 an hour, a health plan for my kids and some paid sick days.",
    "Day shifts near the bus line, and I need to stop working nights because of childcare.",
    "Honesty, being treated fairly and a boss who keeps their word.",
    "A team that says hello, answers questions without judging and checks in the first weeks.",
]


def activity(role_label: str) -> list[str]:
    """Every text a participant sends to do the whole activity and share the summary."""
    texts = ["hi", "yes", role_label, "2"]
    for rating, reflection in zip(["1", "2", "3", "1", "2", "3"], REFLECTIONS, strict=True):
        texts += [rating, reflection]
    return texts + ["3 4", "4", "1", "1"]


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="mf-sms-bench-") as tmp:
        database_url = f"sqlite:///{Path(tmp) / 'bot.sqlite3'}"
        print("Starting a private bot with the SMS channel and a local fake Twilio API ...", flush=True)
        sandbox = start_sandbox(database_url, workdir=Path(tmp))
        rows = []
        try:
            for number, (role, label) in enumerate(ROLES.items(), start=1):
                phone = sandbox.phone(f"+1902555{number:04d}")
                bodies = [body for text in activity(label) for body in phone.text(text)]
                with session_scope(database_url) as session:
                    recorded = segments_used(session=session, channel=CHANNEL, external_id=phone.number)
                sent = sum(gsm7.segments(b) for b in bodies)
                parts = [part for b in bodies for part in b.split(SEPARATOR)]
                separately = (len(parts), sum(gsm7.segments(part) for part in parts))
                rows.append((role, len(activity(label)), len(bodies), recorded, sent, separately, max(len(b) for b in bodies)))
        finally:
            sandbox.stop()
            dispose_all()
    print(f"\nSMS segments for one complete activity (target: {SEGMENT_TARGET} outgoing segments or fewer)\n")
    print(f"{'role':<12} {'texts in':>8} {'SMS out':>7} {'segments':>8} {'unjoined SMS/segments':>22} {'longest':>7}  result")
    failed = False
    for role, texts_in, bodies, recorded, sent, separately, longest in rows:
        ok = recorded <= SEGMENT_TARGET and recorded == sent
        failed |= not ok
        note = "OK" if ok else ("OVER TARGET" if recorded > SEGMENT_TARGET else f"RECORDED {recorded} != SENT {sent}")
        unjoined = f"{separately[0]}/{separately[1]}"
        print(f"{role:<12} {texts_in:>8} {bodies:>7} {recorded:>8} {unjoined:>22} {longest:>7}  {note}")
    print("\nsegments: recorded in outbound_messages (equal to the segments of the bodies the fake Twilio received);")
    print("unjoined: the same replies sent one bot message per SMS; longest: characters of the longest body.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
