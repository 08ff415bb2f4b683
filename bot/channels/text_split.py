"""Cut a long text into pieces a channel accepts, at the best break point: one splitter for every channel."""

from __future__ import annotations

from typing import Callable

# Break points, best first: a blank line, a line break, the end of a sentence, a space.
BREAKS = ("\n\n", "\n", ". ", " ")
Measure = Callable[[str], int]


def utf16_units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def _fitting_prefix(text: str, limit: int, measure: Measure) -> int:
    """The number of leading characters of ``text`` whose measure is at most ``limit``."""
    if measure is len:
        return min(len(text), limit)
    low, high = 0, len(text)
    while low < high:  # the measure only grows with the prefix: binary search
        middle = (low + high + 1) // 2
        if measure(text[:middle]) <= limit:
            low = middle
        else:
            high = middle - 1
    return low


def split_text(text: str, limit: int, *, measure: Measure = len) -> list[str]:
    """Pieces of at most ``limit`` (by ``measure``), cut at a blank line, line break, sentence end or space.

    The separator at a cut is dropped (a sentence keeps its full stop); nothing else is lost. A break in the first
    third of the window would leave a tiny piece, so a worse kind of break later on is preferred; with no break at
    all the text is cut hard. Blank pieces are left out.
    """
    pieces: list[str] = []
    rest = text
    while measure(rest) > limit:
        window = max(_fitting_prefix(rest, limit, measure), 1)
        head_end, tail_start = window, window
        for separator in BREAKS:
            at = rest.rfind(separator, window // 3, window)
            if at > 0:
                keep = 1 if separator == ". " else 0
                head_end, tail_start = at + keep, at + len(separator)
                break
        pieces.append(rest[:head_end])
        rest = rest[tail_start:]
    pieces.append(rest)
    return [piece for piece in pieces if piece.strip()]
