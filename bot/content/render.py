"""Plain-text rendering of questions with options, as SMS and terminal users see them, in the content's language."""

from __future__ import annotations

from typing import Mapping, Optional, Sequence

from bot.content.model import Option

# The content's messages options_reply, options_range and options_or; English when no content is at hand.
DEFAULT_WORDING = {"options_reply": "Reply {choices}.", "options_range": "Reply 1-{n}.", "options_or": "or"}


def options_line(options: Sequence[Option], wording: Optional[Mapping[str, str]] = None) -> str:
    """'Reply 1 Yes or 2 No' (or 'Reply 1-5' when the labels are the numbers themselves)."""
    if not options:
        return ""
    words = {**DEFAULT_WORDING, **{k: v for k, v in (wording or {}).items() if k in DEFAULT_WORDING}}
    if all(opt.label == str(i) for i, opt in enumerate(options, start=1)):
        return words["options_range"].format(n=len(options))
    parts = [f"{i} {opt.label}" for i, opt in enumerate(options, start=1)]
    joined = ", ".join(parts[:-1]) + f" {words['options_or']} {parts[-1]}" if len(parts) > 1 else parts[0]
    return words["options_reply"].format(choices=joined)


def with_options(text: str, options: Sequence[Option], wording: Optional[Mapping[str, str]] = None) -> str:
    """The question text followed by its options line."""
    line = options_line(options, wording)
    return f"{text}\n{line}" if line else text
