"""Reading messages: blank and wordless input, normalising, and picking options by number, label or synonym."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.content import load_content
from bot.interpretation import text as textin

CONTENT = load_content()
YES_NO = CONTENT.step("consent").options
ROLE = CONTENT.step("role").options
RATING = CONTENT.step("skills_rating").options
CLARITY = CONTENT.step("clarity_before").options
REVIEW = CONTENT.step("review").options
FIX = CONTENT.step("fix").options
FACTORS = CONTENT.step("priorities").options


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\x00b", "ab"),
        ("tab\tand\nnewline", "tab\tand\nnewline"),
        ("bell\x07 esc\x1b del\x7f", "bell esc del"),
        ("\u00e9t\u00e9 \U0001f600", "\u00e9t\u00e9 \U0001f600"),
        ("\x85next", "next"),
    ],
)
def test_strip_control(raw: str, expected: str) -> None:
    assert textin.strip_control(raw) == expected


@pytest.mark.parametrize("raw", ["", " ", "\n\t  \r\n", "\x00", "\x00\x01\x1f", " \x00 "])
def test_blank(raw: str) -> None:
    assert textin.is_blank(raw)


@pytest.mark.parametrize("raw", ["a", " 1 ", "\U0001f600", "?", "\x00x"])
def test_not_blank(raw: str) -> None:
    assert not textin.is_blank(raw)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("\U0001f600\U0001f44d", False),
        ("?!...", False),
        ("--", False),
        ("ok \U0001f600", True),
        ("3", True),
        ("\u4f60\u597d", True),
        ("\u00e9", True),
    ],
)
def test_has_words(raw: str, expected: bool) -> None:
    assert textin.has_words(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("  Hello,   WORLD!! ", "hello world"),
        ("I\u2019m back", "i'm back"),
        ("\u2018ok\u2019", "'ok'"),
        ("what?", "what?"),
        ("Both/not sure", "both not sure"),
        ("a\x00b", "ab"),
        ("line\nbreak", "line break"),
        ("Caf\u00e9 & bar", "caf\u00e9 bar"),
    ],
)
def test_normalise(raw: str, expected: str) -> None:
    assert textin.normalise(raw) == expected


@pytest.mark.parametrize(
    ("raw", "values"),
    [
        ("3 4", ["pay", "arrangements"]),
        ("3,4", ["pay", "arrangements"]),
        ("4 and 3", ["arrangements", "pay"]),
        ("1", ["skills"]),
        ("6", ["culture"]),
        ("3 3", ["pay"]),
        ("#2 & #5", ["capacity", "values"]),
        ("Pay", ["pay"]),
        ("pay and culture", ["pay", "culture"]),
        ("Values", ["values"]),
        ("work arrangements", ["arrangements"]),
        ("Skills & competencies", ["skills"]),
        ("culture, skills", ["skills", "culture"]),
    ],
)
def test_parse_multi_picks(raw: str, values: list[str]) -> None:
    picked = textin.parse_multi(raw, FACTORS, 2)
    assert picked is not None and [o.value for o in picked] == values


@pytest.mark.parametrize(
    "raw", ["", "0", "7", "3 7", "1 2 3", "pay, culture and values", "none of them", "\U0001f600", "10"]
)
def test_parse_multi_refuses(raw: str) -> None:
    assert textin.parse_multi(raw, FACTORS, 2) is None


@pytest.mark.parametrize(("raw", "maximum", "expected"), [("1 2 3", 3, 3), ("1 2", 1, None), ("2", 1, 1)])
def test_parse_multi_respects_max_choices(raw: str, maximum: int, expected: Optional[int]) -> None:
    picked = textin.parse_multi(raw, FACTORS, maximum)
    assert (len(picked) if picked is not None else None) == expected
