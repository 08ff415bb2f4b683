"""`python -m bot chat`: talk to the running bot in a terminal through its REST webhook."""

from __future__ import annotations

import argparse
import json
import urllib.request
import uuid
from typing import Any, Optional, cast

from bot.activity.replies import SUMMARY_TYPE
from bot.content.model import Option
from bot.content.render import with_options
from bot.settings import get_settings


def render(message: dict[str, Any]) -> str:
    """A REST reply as a person reads it in a terminal."""
    custom = message.get("custom")
    if isinstance(custom, dict) and custom.get("type") == SUMMARY_TYPE:
        return str(custom.get("text", ""))
    options = [Option(value=b.get("payload", ""), label=b.get("title", "")) for b in message.get("buttons") or []]
    return with_options(message.get("text") or "", options)


def send(base_url: str, sender: str, text: str) -> list[dict[str, Any]]:
    """Post one message to the REST webhook and return the bot's replies."""
    body = json.dumps({"sender": sender, "message": text}).encode()
    request = urllib.request.Request(
        f"{base_url}/webhooks/rest/webhook", data=body, headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=60) as response:
        return cast(list[dict[str, Any]], json.loads(response.read().decode()))


def _chat(args: argparse.Namespace) -> int:
    sender = args.sender or f"terminal-{uuid.uuid4().hex[:8]}"
    print(f"Chatting as {sender} with {args.url} (Ctrl-D to leave; the same --sender continues later).")
    first: Optional[str] = "hi"
    answered = False
    while True:
        try:
            text = first if first is not None else input("you> ")
        except EOFError:
            print()
            return 0
        first = None
        try:
            replies = send(args.url, sender, text)
        except OSError as exc:
            if not answered:
                print(f"Cannot reach the bot at {args.url} ({exc.__class__.__name__}). Is `make run` running?")
                return 1
            # A process restarting under supervisord (or a failed turn, HTTP 503): nothing was lost; type it again.
            print("bot> Sorry, that did not go through. Please send it again in a moment.")
            continue
        answered = True
        for message in replies:
            print("bot> " + render(message).replace("\n", "\n     "))


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    chat = subparsers.add_parser("chat", help="chat with the running bot in this terminal")
    chat.add_argument("--url", default=get_settings().rasa_url, help="Rasa server URL (default: RASA_URL)")
    chat.add_argument("--sender", default="", help="conversation id to use or continue")
    chat.set_defaults(func=_chat)
