"""Requests said as a whole message ("help", "can we pause please?"): a command phrase from the content, nothing more."""

from __future__ import annotations

from functools import lru_cache
from typing import Optional

from bot.content.model import Content
from bot.interpretation.text import fold, normalise


def forms(norm: str, content: Content) -> set[str]:
    """A normalised reply and every form of it with polite words removed from its ends ("ok yes please" -> "yes")."""
    found, todo = {norm}, [norm]
    while todo:
        current = todo.pop()
        for filler in content.leading_fillers:
            if current.startswith(filler + " "):
                todo.append(current[len(filler) + 1 :].strip())
        for filler in content.trailing_fillers:
            if current.endswith(" " + filler):
                todo.append(current[: -len(filler) - 1].strip())
        todo = [t for t in todo if t not in found]
        found.update(todo)
    found.discard("")
    return found


@lru_cache(maxsize=256)
def _with_folded(phrases: tuple[str, ...]) -> frozenset[str]:
    """A command's phrases, each also without its accents (worked out once per content version)."""
    return frozenset(phrases) | {fold(p) for p in phrases}


def detect_command(text: str, content: Content) -> Optional[str]:
    """The command a whole message asks for ("help", "pause", ...), or None if it is not a command phrase."""
    norm = normalise(text)
    candidates = forms(norm, content) | forms(norm.rstrip("?").strip(), content)
    candidates |= {fold(c) for c in candidates}
    for command, phrases in content.commands.items():
        if candidates & _with_folded(phrases):
            return command
    if "?" in candidates or norm == "?":
        return "help"
    return None
