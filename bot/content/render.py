"""Plain-text rendering of questions with options, as SMS and terminal users see them."""
from __future__ import annotations

from typing import Sequence

from bot.content.model import Option


def options_line(options: Sequence[Option]) -> str:
    """'Reply 1 Yes or 2 No' (or 'Reply 1-5' when the labels are the numbers themselves)."""
    if not options:
        return ""
    if all(opt.label == str(i) for i, opt in enumerate(options, start=1)):
        return f"Reply 1-{len(options)}."
    parts = [f"{i} {opt.label}" for i, opt in enumerate(options, start=1)]
    joined = ", ".join(parts[:-1]) + f" or {parts[-1]}" if len(parts) > 1 else parts[0]
    return f"Reply {joined}."


def with_options(text: str, options: Sequence[Option]) -> str:
    """The question text followed by its options line."""
    line = options_line(options)
    return f"{text}\n{line}" if line else text
