"""CI gate on the held-out test split: no false consent or share, and every real answer kept (issue 10's hard targets)."""

from __future__ import annotations

from collections import Counter

import pytest

from tests.nlu.evaluate import (
    HELDOUT,
    HELDOUT_FR,
    TARGETS,
    Parser,
    figures,
    heldout_items,
    heldout_split,
    languages,
    score,
    training_items,
)


@pytest.fixture(scope="module")
def parser() -> Parser:
    return Parser()


def test_the_heldout_set_is_large_unseen_and_split_in_two() -> None:
    items = heldout_items(HELDOUT)
    trained = {i.text.strip().lower() for i in training_items()}
    splits = Counter(heldout_split(i.text) for i in items)
    assert (
        len(items) >= 400 and min(splits.values()) >= 200 and not any(i.text.strip().lower() in trained for i in items)
    )


@pytest.mark.parametrize("heldout", [HELDOUT, HELDOUT_FR], ids=["en", "fr"])
def test_no_false_consent_and_every_answer_kept_on_the_test_split(parser: Parser, heldout) -> None:
    items = heldout_items(heldout, split="test")
    assert len(items) >= 100
    scores = score(items, parser, languages())
    result = figures(scores)
    assert (result["false_consents"], scores.false_consents) == (TARGETS["false_consents"], [])
    assert (result["answers_kept"], scores.eaten) == (TARGETS["answers_kept"], [])
