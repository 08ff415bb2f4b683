"""Reading messages: blank and wordless input, normalising, and picking options by number, label or synonym."""
from __future__ import annotations

from typing import Optional

import pytest

from bot.activity import text as textin
from bot.content import load_content

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
    [("a\x00b", "ab"), ("tab\tand\nnewline", "tab\tand\nnewline"), ("bell\x07 esc\x1b del\x7f", "bell esc del"),
     ("\u00e9t\u00e9 \U0001F600", "\u00e9t\u00e9 \U0001F600"), ("\x85next", "next")],
)
def test_strip_control(raw: str, expected: str) -> None:
    assert textin.strip_control(raw) == expected


@pytest.mark.parametrize("raw", ["", " ", "\n\t  \r\n", "\x00", "\x00\x01\x1f", " \x00 "])
def test_blank(raw: str) -> None:
    assert textin.is_blank(raw)


@pytest.mark.parametrize("raw", ["a", " 1 ", "\U0001F600", "?", "\x00x"])
def test_not_blank(raw: str) -> None:
    assert not textin.is_blank(raw)


@pytest.mark.parametrize(("raw", "expected"), [("\U0001F600\U0001F44D", False), ("?!...", False), ("--", False), ("ok \U0001F600", True), ("3", True), ("\u4f60\u597d", True), ("\u00e9", True)])
def test_has_words(raw: str, expected: bool) -> None:
    assert textin.has_words(raw) is expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [("  Hello,   WORLD!! ", "hello world"), ("I\u2019m back", "i'm back"), ("\u2018ok\u2019", "'ok'"), ("what?", "what?"),
     ("Both/not sure", "both not sure"), ("a\x00b", "ab"), ("line\nbreak", "line break"), ("Caf\u00e9 & bar", "caf\u00e9 bar")],
)
def test_normalise(raw: str, expected: str) -> None:
    assert textin.normalise(raw) == expected


@pytest.mark.parametrize(
    ("options", "raw", "value"),
    [
        (YES_NO, "1", "yes"), (YES_NO, "2", "no"), (YES_NO, "Yes", "yes"), (YES_NO, "YES!", "yes"), (YES_NO, "yes please", "yes"),
        (YES_NO, "okay", "yes"), (YES_NO, "sure", "yes"), (YES_NO, "I agree", "yes"), (YES_NO, "nope", "no"), (YES_NO, "No thanks.", "no"),
        (YES_NO, " 2 ", "no"), (YES_NO, "option 1", "yes"), (YES_NO, "number 2", "no"), (YES_NO, "1.", "yes"), (YES_NO, "1 please", "yes"),
        (ROLE, "Looking for work", "work_seeker"), (ROLE, "looking for a job", "work_seeker"), (ROLE, "I need a job", "work_seeker"),
        (ROLE, "1", "work_seeker"), (ROLE, "Hiring", "employer"), (ROLE, "I own a business", "employer"), (ROLE, "2", "employer"),
        (ROLE, "employer", "employer"), (ROLE, "work_seeker", "work_seeker"),
        (RATING, "3", "both"), (RATING, "Strength", "strength"), (RATING, "stressor", "stressor"), (RATING, "Both/not sure", "both"),
        (RATING, "both / not sure", "both"), (RATING, "don\u2019t know", "both"), (RATING, "idk", "both"), (RATING, "a bit of both", "both"),
        (RATING, "stressful", "stressor"), (RATING, "s", "strength"),
        (CLARITY, "4", "4"), (CLARITY, "five", "5"), (CLARITY, "very clear", "5"), (CLARITY, "not clear", "1"), (CLARITY, "4 out of 5", "4"),
        (CLARITY, "3.5", "3"),
        (REVIEW, "1", "yes"), (REVIEW, "Looks right", "yes"), (REVIEW, "looks good", "yes"), (REVIEW, "yes", "yes"), (REVIEW, "2", "change"),
        (REVIEW, "Change something", "change"), (REVIEW, "change an answer", "change"),
        (FIX, "3", "pay"), (FIX, "Pay", "pay"), (FIX, "Pay & benefits", "pay"), (FIX, "Work arrangements", "arrangements"),
        (FIX, "7", "priorities"), (FIX, "top priorities", "priorities"), (FIX, "culture", "culture"),
    ],
)
def test_parse_choice_picks(options, raw: str, value: str) -> None:
    picked = textin.parse_choice(raw, options)
    assert picked is not None and picked.value == value


@pytest.mark.parametrize(
    ("options", "raw"),
    [
        (YES_NO, ""), (YES_NO, "   "), (YES_NO, "0"), (YES_NO, "3"), (YES_NO, "maybe later"), (YES_NO, "yess"),
        (YES_NO, "\U0001F44D"), (ROLE, "both"), (ROLE, "I'm a student"), (RATING, "4"), (RATING, "strong-ish"), (RATING, "12"),
        (CLARITY, "6"), (CLARITY, "0"), (CLARITY, "10"), (CLARITY, "pretty clear"), (FIX, "8"), (FIX, "everything"),
        (REVIEW, "2nd"), (YES_NO, "?"),
    ],
)
def test_parse_choice_refuses(options, raw: str) -> None:
    assert textin.parse_choice(raw, options) is None


@pytest.mark.parametrize(("raw", "value"), [("no", "change"), ("No", "change"), ("NO!", "change")])
def test_no_at_the_review_means_change(raw: str, value: str) -> None:
    picked = textin.parse_choice(raw, REVIEW)
    assert picked is not None and picked.value == value


def test_true_and_false_are_not_review_answers() -> None:
    assert (textin.parse_choice("true", REVIEW), textin.parse_choice("false", REVIEW)) == (None, None)


@pytest.mark.parametrize(("raw", "value"), [("I'm looking for work", "work_seeker"), ("I\u2019m looking for a job", "work_seeker"), ("I'm hiring", "employer"), ("We're hiring", "employer")])
def test_parse_choice_understands_role_replies_with_contractions(raw: str, value: str) -> None:
    picked = textin.parse_choice(raw, ROLE)
    assert picked is not None and picked.value == value


@pytest.mark.parametrize(
    ("raw", "values"),
    [
        ("3 4", ["pay", "arrangements"]), ("3,4", ["pay", "arrangements"]), ("4 and 3", ["arrangements", "pay"]), ("1", ["skills"]),
        ("6", ["culture"]), ("3 3", ["pay"]), ("#2 & #5", ["capacity", "values"]), ("Pay", ["pay"]),
        ("pay and culture", ["pay", "culture"]), ("Values", ["values"]), ("work arrangements", ["arrangements"]),
        ("Skills & competencies", ["skills"]), ("culture, skills", ["skills", "culture"]),
    ],
)
def test_parse_multi_picks(raw: str, values: list[str]) -> None:
    picked = textin.parse_multi(raw, FACTORS, 2)
    assert picked is not None and [o.value for o in picked] == values


@pytest.mark.parametrize("raw", ["", "0", "7", "3 7", "1 2 3", "pay, culture and values", "none of them", "\U0001F600", "10"])
def test_parse_multi_refuses(raw: str) -> None:
    assert textin.parse_multi(raw, FACTORS, 2) is None


@pytest.mark.parametrize(("raw", "maximum", "expected"), [("1 2 3", 3, 3), ("1 2", 1, None), ("2", 1, 1)])
def test_parse_multi_respects_max_choices(raw: str, maximum: int, expected: Optional[int]) -> None:
    picked = textin.parse_multi(raw, FACTORS, maximum)
    assert (len(picked) if picked is not None else None) == expected
