"""`python -m bot sms`: try the SMS experience in a terminal; texts are signed and posted exactly as Twilio does."""

from __future__ import annotations

import argparse
import secrets

from bot.content import gsm7
from bot.settings import get_settings

SEGMENT_TARGET = 30  # outgoing segments a whole activity should cost at most


def _show(body: str) -> None:
    lines = body.split("\n") + [f"[{len(body)} chars, {gsm7.segments(body)} SMS]"]
    print("sms> " + "\n".join(f"     {line}" if line else "" for line in lines)[5:])


def _sms(args: argparse.Namespace) -> int:
    from bot.devtools.sms_sandbox import start_sandbox

    database_url = args.database_url or get_settings().database_url
    number = args.number or "+1902555" + f"{secrets.randbelow(10000):04d}"
    print("Starting a private bot with the SMS channel and a local stand-in for Twilio (about 30 s) ...")
    try:
        sandbox = start_sandbox(database_url)
    except (RuntimeError, TimeoutError) as exc:
        print(f"Could not start the bot: {exc}")
        return 1
    phone = sandbox.phone(number)
    print(f"Texting from {number} (database: {database_url}). Ctrl-D to leave; the same --number continues later.")
    print(
        "Each text is signed with X-Twilio-Signature and posted to the SMS webhook; replies are what Twilio would send."
    )
    total = 0
    try:
        while True:
            try:
                text = input("you> ")
            except EOFError:
                print()
                break
            try:
                bodies = phone.text(text)
            except (OSError, RuntimeError) as exc:
                print(f"The bot did not take that message ({exc}).")
                continue
            for body in bodies:
                _show(body)
            if not bodies:
                print("     (no reply)")
            total += sum(gsm7.segments(b) for b in bodies)
    except KeyboardInterrupt:
        print()
    finally:
        sandbox.stop()
    print(f"This session's replies cost {total} SMS segments (target for a whole activity: {SEGMENT_TARGET} or fewer).")
    return 0


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sms = subparsers.add_parser("sms", help="try the bot by SMS in this terminal (local Twilio simulator)")
    sms.add_argument("--number", default="", help="your phone number, to continue an earlier conversation")
    sms.add_argument("--database-url", default="", help="database to use (default: DATABASE_URL)")
    sms.set_defaults(func=_sms)
