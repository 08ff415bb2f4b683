"""Turn one turn's Rasa replies into the fewest, cheapest SMS bodies: GSM-7 where the words allow, in order, none over 1,600 characters."""

from __future__ import annotations

import re
from typing import Any, Iterable, Mapping, Optional, Sequence

from bot.activity.replies import SUMMARY_TYPE
from bot.capabilities import capabilities_of
from bot.channels import text_split
from bot.content import gsm7, load_content
from bot.content.loader import available_languages
from bot.content.model import Option
from bot.content.render import with_options

CHANNEL = "twilio_sms"
SEPARATOR = "\n\n"  # between two bot messages joined into one SMS body
_SPACES = re.compile(r"(?<=\S) {2,}(?=\S)")


def render(message: Mapping[str, Any], wording: Optional[Mapping[str, str]] = None) -> str:
    """One collected Rasa reply as SMS text: buttons become a 'Reply 1 X, 2 Y' line (in ``wording``), the summary its SMS form."""
    custom = message.get("custom")
    if isinstance(custom, dict):
        text = custom.get("sms_text") if custom.get("type") == SUMMARY_TYPE else custom.get("text")
        text = text or custom.get("text") or ""
    else:
        options = [
            Option(value=str(b.get("payload", "")), label=str(b.get("title", ""))) for b in message.get("buttons") or []
        ]
        text = with_options(message.get("text") or "", options, wording)
    # Emoji are dropped (the spaces around them need not cost anything); accents are always kept.
    return _SPACES.sub(" ", gsm7.to_sms(str(text))).strip()


def split_long(text: str, limit: int = capabilities_of(CHANNEL).max_length or gsm7.MAX_BODY) -> list[str]:
    """``text`` cut into bodies of at most ``limit`` characters at the best break point, each trimmed."""
    return [piece.strip() for piece in text_split.split_text(text.strip(), limit)]


def join_cost(parts: Sequence[str]) -> int:
    """Segments one body made of ``parts`` would cost, or a huge number if it exceeds Twilio's body limit."""
    body = SEPARATOR.join(parts)
    return gsm7.segments(body) if len(body) <= gsm7.MAX_BODY else 10**9


def join(parts: Sequence[str]) -> list[str]:
    """Consecutive ``parts`` grouped (order kept) into bodies with the fewest segments in total, then the fewest bodies."""
    count = len(parts)
    # best[j] = (segments, bodies, start of the last body) for the first j parts.
    best: list[tuple[int, int, int]] = [(0, 0, 0)] + [(10**9, 10**9, 0)] * count
    for end in range(1, count + 1):
        for start in range(end - 1, -1, -1):
            cost = join_cost(parts[start:end])
            if cost >= 10**9:
                break  # longer groups ending here only grow
            candidate = (best[start][0] + cost, best[start][1] + 1, start)
            if candidate[:2] < best[end][:2]:
                best[end] = candidate
    bodies: list[str] = []
    end = count
    while end > 0:
        start = best[end][2]
        bodies.append(SEPARATOR.join(parts[start:end]))
        end = start
    return bodies[::-1]


def compose(messages: Iterable[Mapping[str, Any]], wording: Optional[Mapping[str, str]] = None) -> list[str]:
    """The SMS bodies to send for one turn's replies, in order; ``wording`` is the content's messages (options line)."""
    parts: list[str] = []
    for message in messages:
        parts += split_long(render(message, wording))
    return join(parts)


def unrecorded_reply() -> str:
    """ "Please send that again" when the database is down: the language is unknown, so every language, English first."""
    return gsm7.to_sms(
        " / ".join(dict.fromkeys(load_content(lang).plain_message("system_error") for lang in available_languages()))
    )
