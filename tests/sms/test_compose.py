"""Unit tests: Rasa replies rendered as SMS text, long texts split, and messages joined into the fewest segments."""

from __future__ import annotations

import itertools
import random

import pytest

from bot.activity.replies import SUMMARY_TYPE
from bot.channels.sms.compose import SEPARATOR, compose, join, join_cost, render, split_long
from bot.content import gsm7


def _cost(bodies: list[str]) -> tuple[int, int]:
    return sum(gsm7.segments(b) for b in bodies), len(bodies)


def _best_by_brute_force(parts: list[str]) -> tuple[int, int]:
    """The cheapest (segments, bodies) over every way of cutting ``parts`` into consecutive groups."""
    best = None
    for cuts in itertools.product([False, True], repeat=len(parts) - 1):
        groups, current = [], [parts[0]]
        for part, cut in zip(parts[1:], cuts, strict=True):
            if cut:
                groups.append(current)
                current = [part]
            else:
                current.append(part)
        groups.append(current)
        if any(len(SEPARATOR.join(g)) > gsm7.MAX_BODY for g in groups):
            continue
        cost = _cost([SEPARATOR.join(g) for g in groups])
        best = cost if best is None or cost < best else best
    return best


def test_buttons_become_a_reply_line() -> None:
    message = {
        "text": "Are you looking for work, or hiring?",
        "buttons": [
            {"title": "Looking for work", "payload": "Looking for work"},
            {"title": "Hiring", "payload": "Hiring"},
        ],
    }
    assert render(message) == "Are you looking for work, or hiring?\nReply 1 Looking for work or 2 Hiring."


def test_numbered_buttons_become_a_range() -> None:
    message = {"text": "How clear?", "buttons": [{"title": str(i), "payload": str(i)} for i in range(1, 6)]}
    assert render(message) == "How clear?\nReply 1-5."


def test_the_summary_is_sent_in_its_sms_form() -> None:
    custom = {
        "type": SUMMARY_TYPE,
        "title": "Your summary",
        "text": "The long one",
        "sms_text": "Short \u2014 one \U0001f600",
    }
    assert render({"custom": custom}) == "Short - one"


def test_other_custom_payloads_use_their_text_and_empty_ones_vanish() -> None:
    assert render({"custom": {"type": "other", "text": "Plain"}}) == "Plain"
    assert compose([{"custom": {"type": "other"}}, {"text": "  "}]) == []


def test_look_alikes_become_gsm7_emoji_go_and_letters_stay() -> None:
    text = "\u201cGreat\u201d \u2014 you\u2019re done\u2026 \U0001f389 caf\u00e9"
    assert render({"text": text}) == '"Great" - you\'re done... café'
    assert gsm7.is_gsm7(render({"text": text}))
    # ï is not GSM-7: kept as typed (the message goes UCS-2), never stripped to "naive".
    assert render({"text": "na\u00efve"}) == "na\u00efve" and gsm7.encoding(render({"text": "na\u00efve"})) == "UCS-2"


def test_long_text_is_split_at_spaces_within_the_body_limit() -> None:
    words = " ".join(f"word{i}" for i in range(900))
    pieces = split_long(words)
    assert len(words) == 7089 and len(pieces) == 5
    assert all(gsm7.MAX_BODY - 10 < len(p) <= gsm7.MAX_BODY for p in pieces[:-1])
    assert " ".join(pieces) == words


def test_text_without_spaces_is_cut_hard() -> None:
    assert split_long("x" * 3300) == ["x" * 1600, "x" * 1600, "x" * 100]


def test_short_messages_are_joined_into_one_body() -> None:
    parts = ["a" * 100, "b" * 100, "c" * 100]
    assert join(parts) == [SEPARATOR.join(parts)]  # 304 characters: 2 segments instead of 3


def test_two_full_segments_stay_apart_when_joining_would_cost_more() -> None:
    parts = ["a" * 160, "b" * 150]
    assert join_cost(parts) == 3
    assert join(parts) == parts


def test_no_body_exceeds_1600_characters() -> None:
    parts = ["x" * 900, "y" * 900, "z" * 10]
    bodies = join(parts)
    assert all(len(b) <= gsm7.MAX_BODY for b in bodies)
    assert SEPARATOR.join(bodies) == SEPARATOR.join(parts)


def test_extension_characters_count_twice() -> None:
    assert join_cost(["{" * 80]) == 1  # 160 septets: one segment
    assert join_cost(["{" * 81]) == 2  # 81 characters, but 162 septets


@pytest.mark.parametrize("seed", range(40))
def test_join_is_optimal_and_keeps_order(seed: int) -> None:
    rng = random.Random(seed)
    parts = [
        "".join(rng.choice("abc €[") for _ in range(rng.choice([5, 60, 140, 150, 158, 160, 300, 700, 1500])))
        for _ in range(rng.randint(1, 7))
    ]
    parts = [p.strip() or "x" for p in parts]
    bodies = join(parts)
    assert SEPARATOR.join(bodies) == SEPARATOR.join(parts)
    assert all(len(b) <= gsm7.MAX_BODY for b in bodies)
    assert _cost(bodies) == _best_by_brute_force(parts)


def test_compose_keeps_the_order_of_the_turn() -> None:
    messages = [{"text": "First."}, {"text": "Second?", "buttons": [{"title": "Yes"}, {"title": "No"}]}]
    assert compose(messages) == ["First.\n\nSecond?\nReply 1 Yes or 2 No."]
