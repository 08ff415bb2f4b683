"""CI gate on the labelled replies to the one-question-per-factor prompts: a rating read wrongly is rare, and the
labelled sets stay large enough to mean something (figures: python -m tests.nlu.rating_eval)."""

from __future__ import annotations

import pytest

from bot.content import load_content
from tests.nlu.rating_eval import FILES, items, score

MAX_WRONG_READS = 0.05  # of all replies in a test split: the bot said "Noted as a strength" when it was not


@pytest.mark.parametrize("language", list(FILES))
def test_the_labelled_sets_are_large_and_split_in_two(language: str) -> None:
    dev, test = items(language, "dev"), items(language, "test")
    assert len(dev) + len(test) >= 120 and min(len(dev), len(test)) >= 40
    assert {i["expect"] for i in dev + test} == {"strength", "stressor", "both", "unsure", "none"}


@pytest.mark.parametrize("language", list(FILES))
def test_wrong_reads_are_rare_on_the_test_split(language: str) -> None:
    s = score(items(language, "test"), load_content(language))
    assert (s.read - s.read_right) / s.replies <= MAX_WRONG_READS
    assert s.recall >= 0.80
