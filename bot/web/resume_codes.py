"""The web chat proxy's side of the resume-code limit: one client address may try only so many wrong codes."""

from __future__ import annotations

import json
import math

from starlette.responses import Response

from bot.content.loader import available_languages, load_content
from bot.store import attempts
from bot.store.db import session_scope

# The engine's replies that mean "that code did not work" (content keys).
FAILED_REPLIES = ("resume_code_bad", "resume_code_wait")


def wait_before_trying(key: str) -> int:
    """Seconds the address must wait before its next code (0: it may try now)."""
    with session_scope() as session:
        return math.ceil(attempts.resume_retry_after(session=session, key=key).total_seconds())


def failed(reply: Response) -> bool:
    """True when the bot's reply to a code says the code did not work (or no reply came: it may be tried again)."""
    if reply.status_code != 200:
        return False
    refusals = {
        load_content(language).plain_message(name) for language in available_languages() for name in FAILED_REPLIES
    }
    try:
        messages = json.loads(bytes(reply.body))
    except ValueError:
        return False
    return any(isinstance(m, dict) and m.get("text") in refusals for m in messages)


def record(key: str, reply: Response) -> None:
    """Record the attempt when the bot answered it: a success, or a failure that counts towards the wait."""
    if reply.status_code != 200:
        return  # the bot never saw it: not an attempt
    with session_scope() as session:
        attempts.record_resume_attempt(session=session, key=key, succeeded=not failed(reply))
