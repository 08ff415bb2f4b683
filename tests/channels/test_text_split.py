"""The one splitter both phone channels use: limits by any measure, best break first, nothing lost."""

from __future__ import annotations

import random

import pytest

from bot.channels.text_split import split_text, utf16_units


@pytest.mark.parametrize("seed", range(20))
def test_pieces_fit_and_only_the_cut_separators_are_dropped(seed: int) -> None:
    rng = random.Random(seed)
    words = ["word", "café", "\U0001f600", "ok.", "line\n", "para\n\n", "x" * 30]
    text = " ".join(rng.choice(words) for _ in range(rng.randint(50, 400)))
    limit = rng.choice([40, 160, 500])
    for measure in (len, utf16_units):
        pieces = split_text(text, limit, measure=measure)
        assert all(0 < measure(piece) <= limit for piece in pieces)
        # every character but separators at cuts is kept, in order
        squeezed = "".join(text.split())
        assert "".join("".join(piece.split()) for piece in pieces) == squeezed


def test_a_later_space_beats_a_line_break_in_the_first_third() -> None:
    text = "ab\n" + "c " * 30
    pieces = split_text(text, 40)
    assert pieces[0].startswith("ab\nc c") and len(pieces[0]) > 30


def test_an_emoji_is_never_cut_in_half() -> None:
    pieces = split_text("\U0001f600" * 5, 3, measure=utf16_units)
    assert pieces == ["\U0001f600", "\U0001f600", "\U0001f600", "\U0001f600", "\U0001f600"]
