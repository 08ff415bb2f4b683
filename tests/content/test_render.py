"""The SMS options line: numbered labels joined with commas and "or", or a range when the labels are the numbers."""

from __future__ import annotations

import pytest

from bot.content.model import Content, Option
from bot.content.render import options_line, with_options


def opts(*labels: str) -> tuple[Option, ...]:
    return tuple(Option(value=label.lower(), label=label) for label in labels)


@pytest.mark.parametrize(
    ("options", "expected"),
    [
        ((), ""),
        (opts("Yes"), "Reply 1 Yes."),
        (opts("Yes", "No"), "Reply 1 Yes or 2 No."),
        (opts("Strength", "Stressor", "Both/not sure"), "Reply 1 Strength, 2 Stressor or 3 Both/not sure."),
        (opts("1", "2", "3", "4", "5"), "Reply 1-5."),
        (opts("1", "2"), "Reply 1-2."),
        (opts("1", "3"), "Reply 1 1 or 2 3."),  # labels that are numbers but not 1..n are listed
        (opts("A", "B", "C", "D"), "Reply 1 A, 2 B, 3 C or 4 D."),
    ],
)
def test_options_line(options: tuple[Option, ...], expected: str) -> None:
    assert options_line(options) == expected


def test_with_options_adds_the_line_under_the_question() -> None:
    assert with_options("Does it look right?", opts("Looks right", "Change something")) == (
        "Does it look right?\nReply 1 Looks right or 2 Change something."
    )


def test_with_options_without_options_is_the_text() -> None:
    assert with_options("In a few words: what do you need?", ()) == "In a few words: what do you need?"


def test_real_question_lines(content: Content) -> None:
    assert options_line(content.step("consent").options) == "Reply 1 Yes or 2 No."
    assert options_line(content.step("role").options) == "Reply 1 Looking for work or 2 Hiring."
    assert options_line(content.step("review").options) == "Reply 1 Looks right or 2 Change something."
    assert options_line(content.step("priorities").options) == (
        "Reply 1 Skills, 2 Capacity, 3 Pay, 4 Arrangements, 5 Values or 6 Culture."
    )
