"""The Magnetic Factors Summary: structured body, full text in the participant's words, condensed GSM-7 SMS form."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from bot.activity.summary import build_summary, sms_summary_text, summary_text
from bot.content import gsm7, load_content
from bot.store.models import Answer

CONTENT = load_content()
RATINGS = {
    "skills": "strength",
    "capacity": "stressor",
    "pay": "both",
    "arrangements": "stressor",
    "values": "strength",
    "culture": "unsure",
}
WORDS = {
    "skills": "Forklift, Excel & customer service",
    "capacity": "I need to stop working nights",
    "pay": "at least $22/hour \u2014 and \u201cbenefits\u201d",
    "arrangements": "Day shifts only,\nclose to the bus",
    "values": "Respect <b>and</b> honesty \U0001f4aa",
    "culture": "Un milieu o\u00f9 je peux poser des questions",
}


def answer(question_id: str, text: str, value: Optional[str] = None, skipped: bool = False) -> Answer:
    return Answer(question_id=question_id, text=text, value=value, skipped=skipped, channel="rest")


def complete_answers(words: dict[str, str] = WORDS) -> dict[str, Answer]:
    answers = {
        "clarity_before": answer("clarity_before", "2", "2"),
        "clarity_after": answer("clarity_after", "four", "4"),
    }
    for factor_id, rating in RATINGS.items():
        answers[f"{factor_id}_rating"] = answer(f"{factor_id}_rating", rating, rating)
        answers[f"{factor_id}_reflection"] = answer(f"{factor_id}_reflection", words[factor_id])
    answers["priorities"] = answer("priorities", "3 4", "pay,arrangements")
    return answers


def factor_entry(
    factor_id: str, rating: Optional[str], label: Optional[str], reflection: Optional[str], skipped: bool = False
) -> dict[str, Any]:
    factor = CONTENT.factor(factor_id)
    return {
        "id": factor_id,
        "name": factor.name,
        "short_name": factor.short_name,
        "rating": rating,
        "rating_label": label,
        "reflection": reflection,
        "reflection_skipped": skipped,
    }


LABELS = {"strength": "Strength", "stressor": "Stressor", "both": "Both", "unsure": "Not sure"}


def test_build_summary_of_a_complete_run() -> None:
    body = build_summary(CONTENT, "work_seeker", complete_answers())
    assert body == {
        "audience": "work_seeker",
        "factors": [factor_entry(f, RATINGS[f], LABELS[RATINGS[f]], WORDS[f]) for f in RATINGS],
        "priorities": ["pay", "arrangements"],
        "clarity_before": 2,
        "clarity_after": 4,
        "confidence_before": None,
        "confidence_after": None,
        "about": {},
        "closing": None,
    }


def test_build_summary_with_skipped_and_missing_answers() -> None:
    answers = complete_answers()
    answers["pay_rating"] = answer("pay_rating", "skip", None, skipped=True)
    answers["pay_reflection"] = answer("pay_reflection", "skip", None, skipped=True)
    del answers["culture_reflection"]
    answers["priorities"] = answer("priorities", "skip", None, skipped=True)
    answers["clarity_before"] = answer("clarity_before", "pass", None, skipped=True)
    del answers["clarity_after"]
    body = build_summary(CONTENT, "employer", answers)
    assert body["factors"][2] == factor_entry("pay", None, None, None, skipped=True)
    assert body["factors"][5] == factor_entry("culture", "unsure", "Not sure", None, skipped=False)
    assert (body["audience"], body["priorities"], body["clarity_before"], body["clarity_after"]) == (
        "employer",
        [],
        None,
        None,
    )


def test_summary_text_lists_ratings_priorities_and_the_words_as_typed() -> None:
    body = build_summary(CONTENT, "work_seeker", complete_answers())
    assert summary_text(CONTENT, body) == "\n".join(
        [
            "Your Magnetic Factors Summary",
            "Strengths: Skills & competencies, Values",
            "Stressors: Capacity & challenge, Work arrangements",
            "Both: Pay & benefits",
            "Not sure: Culture",
            "Top priorities: Pay & benefits, Work arrangements",
            "",
            "Skills & competencies (Strength): Forklift, Excel & customer service",
            "Capacity & challenge (Stressor): I need to stop working nights",
            "Pay & benefits (Both): at least $22/hour \u2014 and \u201cbenefits\u201d",
            "Work arrangements (Stressor): Day shifts only,\nclose to the bus",
            "Values (Strength): Respect <b>and</b> honesty \U0001f4aa",
            "Culture (Not sure): Un milieu o\u00f9 je peux poser des questions",
            "",
            "Clarity: 2 at the start, 4 now (out of 5).",
        ]
    )


def test_summary_text_marks_skipped_and_unanswered_reflections() -> None:
    answers = complete_answers()
    answers["pay_reflection"] = answer("pay_reflection", "skip", None, skipped=True)
    del answers["culture_reflection"]
    answers["priorities"] = answer("priorities", "skip", None, skipped=True)
    del answers["clarity_after"]
    text = summary_text(CONTENT, build_summary(CONTENT, "work_seeker", answers))
    lines = text.split("\n")
    assert "Pay & benefits (Both): (skipped)" in lines
    assert "Culture (Not sure): (no answer)" in lines
    assert "Top priorities: none" in lines
    assert lines[-1] == "Clarity: 2 at the start, - now (out of 5)."


def test_summary_text_when_nothing_is_rated() -> None:
    answers = {f"{f}_rating": answer(f"{f}_rating", "skip", None, skipped=True) for f in RATINGS}
    lines = summary_text(CONTENT, build_summary(CONTENT, "employer", answers)).split("\n")
    # "Both" and "Not sure" are listed only when some factor has that rating.
    assert lines[1:5] == ["Strengths: none", "Stressors: none", "Top priorities: none", ""]


def test_a_skipped_rating_is_not_double_bracketed() -> None:
    answers = complete_answers()
    answers["values_rating"] = answer("values_rating", "skip", None, skipped=True)
    text = summary_text(CONTENT, build_summary(CONTENT, "work_seeker", answers))
    assert "((" not in text


LINK = "https://works.example.ca/summary/AbCdEfGhIjKlMnOpQrStUvWxYz0"
HEAD = [
    "Your Magnetic Factors Summary",
    "Strengths: Skills, Values",
    "Stressors: Capacity, Arrangements",
    "Both: Pay",
    "Not sure: Culture",
    "Top priorities: Pay, Arrangements",
]
KEEP = f"Keep your summary, in your own words: {LINK}"


def test_sms_summary_of_short_answers_keeps_every_word_and_the_link_in_gsm7() -> None:
    body = build_summary(CONTENT, "work_seeker", complete_answers())
    sms = sms_summary_text(CONTENT, body, link=LINK)
    assert sms == "\n".join(
        [
            *HEAD,
            "Skills: Forklift, Excel & customer service",
            "Capacity: I need to stop working nights",
            'Pay: at least $22/hour - and "benefits"',
            "Arrangements: Day shifts only, close to the bus",
            "Values: Respect <b>and</b> honesty",
            "Culture: Un milieu o\u00f9 je peux poser des questions",
            KEEP,
        ]
    )
    assert gsm7.is_gsm7(sms) and gsm7.segments(sms) == 4


def test_sms_summary_of_long_answers_is_the_overview_and_the_link_never_cut_words() -> None:
    long_words = {f: f"{f} " + "word " * 200 for f in RATINGS}
    long_words["values"] = "[" * 300  # extension characters: two septets each
    sms = sms_summary_text(CONTENT, build_summary(CONTENT, "work_seeker", complete_answers(long_words)), link=LINK)
    assert sms == "\n".join([*HEAD, KEEP])
    assert gsm7.is_gsm7(sms) and gsm7.segments(sms) == 2
    assert "..." not in sms and "word word" not in sms


def test_sms_summary_names_the_skipped_factors_and_leaves_out_their_words() -> None:
    answers = complete_answers()
    for factor in ("pay", "culture"):
        answers[f"{factor}_rating"] = answer(f"{factor}_rating", "skip", None, skipped=True)
        answers[f"{factor}_reflection"] = answer(f"{factor}_reflection", "skip", None, skipped=True)
    lines = sms_summary_text(CONTENT, build_summary(CONTENT, "work_seeker", answers), link=LINK).split("\n")
    assert lines[3] == "Top priorities: Pay, Arrangements"
    assert lines[4] == "Skipped: Pay, Culture"
    assert [line.split(":")[0] for line in lines[5:-1]] == ["Skills", "Capacity", "Arrangements", "Values"]
    assert lines[-1] == KEEP


def test_sms_summary_without_reflections_is_the_overview_and_the_link() -> None:
    sms = sms_summary_text(CONTENT, build_summary(CONTENT, "employer", {}), link=LINK)
    assert sms == "\n".join(
        [
            "Your Magnetic Factors Summary",
            "Strengths: none",
            "Stressors: none",
            "Top priorities: none",
            "Skipped: Skills, Capacity, Pay, Arrangements, Values, Culture",
            KEEP,
        ]
    )


@pytest.mark.parametrize("limit", [459, 300, 200])
def test_sms_summary_respects_its_limit_with_whole_words_or_none(limit: int) -> None:
    words = {f: "x" * 60 for f in RATINGS}
    sms = sms_summary_text(
        CONTENT, build_summary(CONTENT, "work_seeker", complete_answers(words)), link=LINK, limit=limit
    )
    full = "\n".join([*HEAD, *(f"{CONTENT.factor(f).short_name}: {'x' * 60}" for f in RATINGS), KEEP])
    assert sms == (full if gsm7.septets(full) <= limit else "\n".join([*HEAD, KEEP]))


def test_summary_text_holds_the_words_outside_the_factors_and_both_scales() -> None:
    answers = complete_answers()
    answers["work_sought"] = answer("work_sought", "Warehouse or delivery")
    answers["barriers"] = answer("barriers", "No car yet")
    answers["confidence_before"] = answer("confidence_before", "2", "2")
    answers["confidence_after"] = answer("confidence_after", "pretty sure", "4")
    answers["closing_reflection"] = answer("closing_reflection", "I know what to ask for")
    body = build_summary(CONTENT, "work_seeker", answers)
    assert (body["about"], body["confidence_before"], body["confidence_after"], body["closing"]) == (
        {"work_sought": "Warehouse or delivery", "barriers": "No car yet"},
        2,
        4,
        "I know what to ask for",
    )
    lines = summary_text(CONTENT, body).split("\n")
    assert lines[1] == "Work you want: Warehouse or delivery"
    assert lines[-5:] == [
        "Outside work: No car yet",
        "",
        "Clarity: 2 at the start, 4 now (out of 5).",
        "Sure of a good match: 2 at the start, 4 now (out of 5).",
        "What changed: I know what to ask for",
    ]


def test_an_employers_summary_names_the_business_and_the_job() -> None:
    answers = complete_answers()
    answers["business_name"] = answer("business_name", "Harbour Diner")
    answers["hiring_role"] = answer("hiring_role", "skip", None, skipped=True)
    body = build_summary(CONTENT, "employer", answers)
    assert body["about"] == {"business_name": "Harbour Diner", "hiring_role": None}
    lines = summary_text(CONTENT, body).split("\n")
    assert lines[1:3] == ["Business: Harbour Diner", "Strengths: Skills & competencies, Values"]
    assert not any(line.startswith(("Sure of a good match", "Hiring for")) for line in lines)
