"""explain and rank on exact cases: pay below need, refused schedule and place terms, both-stressor factors,
nothing stated, French words, ranking order, ties and both directions, and a Side from a real summary body."""

from __future__ import annotations

import json
from typing import Any, Mapping, Optional

import pytest

from bot.activity.summary import build_summary
from bot.alignment.facts import Facts, Pay, extract_facts
from bot.alignment.fit import (
    FACTOR_IDS,
    WEIGHTS,
    Note,
    PayCheck,
    PriorityCheck,
    Reason,
    Side,
    TermsCheck,
    compare_pay,
    explain,
    rank,
    score,
)
from bot.alignment.records import side_from_record, side_record
from bot.content import load_content
from bot.store.models import Answer

STRENGTHS = dict.fromkeys(FACTOR_IDS, "strength")


def body(
    audience: str,
    ratings: Mapping[str, Optional[str]],
    words: Mapping[str, str],
    priorities: tuple[str, ...] = (),
    skipped: tuple[str, ...] = (),
) -> dict[str, Any]:
    """A stored summary body of build_summary's shape; factors without words are skipped or not reached."""
    factors = [
        {
            "id": fid,
            "name": fid.capitalize(),
            "short_name": fid.capitalize(),
            "rating": ratings.get(fid),
            "rating_label": (ratings.get(fid) or "").capitalize() or None,
            "reflection": words.get(fid),
            "reflection_skipped": fid in skipped,
        }
        for fid in FACTOR_IDS
    ]
    return {"audience": audience, "factors": factors, "priorities": list(priorities), "about": {}, "closing": None}


def seeker(
    words: Mapping[str, str], ratings: Mapping[str, Optional[str]] = STRENGTHS, language: str = "en", **kw: Any
) -> Side:
    return Side.from_body(body("work_seeker", ratings, words, **kw), language)


def employer(words: Mapping[str, str], ratings: Mapping[str, Optional[str]] = STRENGTHS, **kw: Any) -> Side:
    return Side.from_body(body("employer", ratings, words, **kw))


def hourly(amount: float, bound: str = "exact", upper: Optional[float] = None) -> Pay:
    return Pay(amount, "hour", bound, upper)


# The issue's own example: a seeker whose first priority is pay, needing at least $22/hr, and an employer at $18/h.
SEEKER_RATINGS = {
    "skills": "strength",
    "capacity": "stressor",
    "pay": "stressor",
    "arrangements": "both",
    "values": "strength",
    "culture": "unsure",
}
SEEKER_WORDS = {
    "skills": "Forklift and customer service",
    "capacity": "I burn out when it's too busy",
    "pay": "At least $22/hr, I have two kids",
    "arrangements": "Days only, no nights. I take the bus.",
    "values": "Respect and honesty",
    "culture": "A team that answers questions",
}
EMPLOYER_RATINGS = {
    "skills": "strength",
    "capacity": "stressor",
    "pay": "strength",
    "arrangements": "stressor",
    "values": "strength",
    "culture": "strength",
}
EMPLOYER_WORDS = {
    "skills": "We train on the job",
    "capacity": "Rushes at lunch, short staffed",
    "pay": "$18/h + tips",
    "arrangements": "We need nights and weekends, on site",
    "values": "Treat customers like neighbours",
    "culture": "Small team, a buddy for the first month",
}


def the_example() -> tuple[Side, Side]:
    return (
        seeker(SEEKER_WORDS, SEEKER_RATINGS, priorities=("pay", "arrangements")),
        employer(EMPLOYER_WORDS, EMPLOYER_RATINGS),
    )


def test_pay_below_need_is_a_conflict_with_the_exact_score() -> None:
    fit = explain(*the_example())
    assert fit.facts.pay == PayCheck("below", hourly(22, "min"), hourly(18, "min"), 22.0, 18.0)
    rows = {row.factor: row for row in fit.rows}
    assert (rows["pay"].flag, rows["pay"].reason) == ("conflict", "fit.pay_below")
    assert (rows["pay"].seeker_words, rows["pay"].employer_words) == (
        "At least $22/hr, I have two kids",
        "$18/h + tips",
    )
    assert (rows["pay"].seeker_rating, rows["pay"].employer_rating) == ("stressor", "strength")
    assert fit.priorities == (PriorityCheck("pay", "strength", True), PriorityCheck("arrangements", "stressor", False))
    assert fit.reasons == (
        Reason("fit.both_strength", 1, "skills"),
        Reason("fit.both_stressor", -2, "capacity"),
        Reason("fit.priority_met", 2, "pay"),
        Reason("fit.priority_stressor", -1, "arrangements"),
        Reason("fit.both_strength", 1, "values"),
        Reason("fit.pay_below", -3, "pay"),
        Reason("fit.schedule_conflict", -3, "arrangements", "nights"),
    )
    assert fit.score == -5 == score(*the_example())
    assert [row.factor for row in fit.rows] == list(FACTOR_IDS)
    assert [row.flag for row in fit.rows] == [None, "both_stressor", "conflict", "conflict", None, None]
    assert [row.reason for row in fit.rows] == [
        "fit.both_strength",
        "fit.both_stressor",
        "fit.pay_below",
        "fit.schedule_conflict",
        "fit.both_strength",
        "fit.side_by_side",
    ]
    assert fit.notes == ()


def test_every_reason_carries_its_weight() -> None:
    fit = explain(*the_example())
    assert all(reason.points == WEIGHTS[reason.key] for reason in fit.reasons)
    assert fit.score == sum(points for _, points, _, _ in fit.reasons)
    assert all(key.startswith("fit.") for key in WEIGHTS)


def test_a_refused_schedule_term_the_employer_needs_is_a_conflict() -> None:
    fit = explain(seeker({"arrangements": "no nights"}), employer({"arrangements": "we need nights and weekends"}))
    assert fit.facts.schedule == TermsCheck(conflicts=("nights",), unavailable=(), matches=())
    assert fit.facts.place == TermsCheck((), (), ())
    row = fit.rows[FACTOR_IDS.index("arrangements")]
    assert (row.flag, row.reason) == ("conflict", "fit.schedule_conflict")
    assert Reason("fit.schedule_conflict", -3, "arrangements", "nights") in fit.reasons
    assert not any(reason.term == "weekends" for reason in fit.reasons)  # named by the employer only: no point


def test_place_conflict_unavailable_and_match() -> None:
    fit = explain(
        seeker({"arrangements": "I don't drive, remote would be best. Weekends are fine"}),
        employer({"arrangements": "You need a car for deliveries. We can't offer remote. Busy on weekends"}),
    )
    assert fit.facts.place == TermsCheck(conflicts=("driving",), unavailable=("remote",), matches=())
    assert fit.facts.schedule == TermsCheck(conflicts=(), unavailable=(), matches=("weekends",))
    assert [r for r in fit.reasons if r.factor == "arrangements" and r.term] == [
        Reason("fit.schedule_match", 1, "arrangements", "weekends"),
        Reason("fit.place_conflict", -3, "arrangements", "driving"),
        Reason("fit.place_unavailable", -1, "arrangements", "remote"),
    ]
    assert fit.rows[FACTOR_IDS.index("arrangements")].reason == "fit.place_conflict"


def test_both_refusing_a_term_is_a_match() -> None:
    fit = explain(
        seeker({"arrangements": "no nights"}), employer({"arrangements": "we are closed at night, no nights"})
    )
    assert fit.facts.schedule == TermsCheck((), (), ("nights",))


def test_both_stressor_is_flagged() -> None:
    ratings = {**STRENGTHS, "capacity": "stressor"}
    fit = explain(seeker({}, ratings), employer({}, ratings))
    row = fit.rows[FACTOR_IDS.index("capacity")]
    assert (row.factor, row.flag, row.reason) == ("capacity", "both_stressor", "fit.both_stressor")
    assert Reason("fit.both_stressor", -2, "capacity") in fit.reasons
    assert fit.score == 5 * 1 - 2  # five factors both strength, one both stressor


def test_a_priority_both_rate_a_stressor_is_flagged_both_stressor_and_counted_once_each() -> None:
    ratings = {**STRENGTHS, "pay": "stressor"}
    fit = explain(seeker({}, ratings, priorities=("pay",)), employer({}, ratings))
    assert fit.rows[FACTOR_IDS.index("pay")].flag == "both_stressor"
    assert [r for r in fit.reasons if r.factor == "pay"] == [
        Reason("fit.priority_stressor", -1, "pay"),
        Reason("fit.both_stressor", -2, "pay"),
    ]
    assert fit.priorities == (PriorityCheck("pay", "stressor", False),)


def test_an_unrated_priority_is_unmet_without_points() -> None:
    fit = explain(seeker({}, priorities=("culture",)), employer({}, {**STRENGTHS, "culture": None}))
    row = fit.rows[FACTOR_IDS.index("culture")]
    assert (row.flag, row.reason, row.employer_rating) == ("priority_unmet", "fit.priority_unmet", None)
    assert fit.priorities == (PriorityCheck("culture", None, False),)
    assert not any(r.factor == "culture" for r in fit.reasons)


def test_skipped_words_are_a_nothing_stated_note() -> None:
    words = {fid: "Respect" for fid in FACTOR_IDS if fid != "values"}
    fit = explain(seeker(words, skipped=("values",)), employer({fid: "We train" for fid in FACTOR_IDS}))
    assert fit.rows[FACTOR_IDS.index("values")].seeker_words is None
    assert fit.notes == (
        Note("fit.nothing_stated", "work_seeker", "values"),
        Note("fit.pay_not_stated", "work_seeker", "pay"),
        Note("fit.schedule_not_stated", "work_seeker", "arrangements"),
        Note("fit.place_not_stated", "work_seeker", "arrangements"),
        Note("fit.pay_not_stated", "employer", "pay"),
        Note("fit.schedule_not_stated", "employer", "arrangements"),
        Note("fit.place_not_stated", "employer", "arrangements"),
    )
    assert fit.facts.pay == PayCheck("unknown", None, None, None, None)


def test_blank_words_count_as_nothing_stated() -> None:
    side = seeker({"pay": "   "})
    assert side.words["pay"] is None and side.facts == Facts()


def test_pay_compared_per_hour_across_units_and_ranges() -> None:
    # $45,000 a year is $23.08 an hour at 37.5 hours a week: it meets $22/hr.
    fit = explain(seeker({"pay": "at least $22/hr"}), employer({"pay": "45k a year"}))
    assert fit.facts.pay == PayCheck("meets", hourly(22, "min"), Pay(45000, "year", "exact"), 22.0, 23.08)
    assert Reason("fit.pay_meets", 1, "pay") in fit.reasons
    # Only the top of $20-24/hr reaches $22: meets, with a note that it is the top of the range.
    fit = explain(seeker({"pay": "at least $22/hr"}), employer({"pay": "We pay $20-24/hr"}))
    assert (fit.facts.pay.verdict, fit.facts.pay.offer_per_hour) == ("meets", 24.0)
    assert Note("fit.pay_top_of_range", None, "pay") in fit.notes
    # The seeker's past pay is not their need: the figure given as a minimum is.
    fit = explain(seeker({"pay": "I made $30/hr before but I need at least $20"}), employer({"pay": "$21 an hour"}))
    assert (fit.facts.pay.verdict, fit.facts.pay.need) == ("meets", hourly(20, "min"))


def test_the_pay_reflection_figures_come_before_other_factors() -> None:
    side = seeker({"capacity": "I was paid $15/hr and it was too much work", "pay": "$25 an hour"})
    assert side.facts.pay == (hourly(25),)
    side = seeker({"capacity": "I need at least $19/hr for this much work"})
    assert side.facts.pay == (hourly(19, "min"),)


def test_terms_merge_from_every_reflection_and_a_refusal_wins() -> None:
    side = seeker({"capacity": "Nights wore me down, never again nights", "arrangements": "Nights are ok, days best"})
    assert side.facts.schedule == frozenset({"days"})
    assert side.facts.schedule_not == frozenset({"nights"})


def test_french_bodies() -> None:
    fit = explain(
        seeker(
            {"pay": "Au moins 20 $ de l'heure", "arrangements": "Pas de nuits, je prends l'autobus"},
            priorities=("pay",),
            language="fr",
        ),
        employer({"pay": "On paie 17 $ de l'heure plus les pourboires", "arrangements": "Les soirs et les nuits"}),
    )
    assert fit.facts.pay == PayCheck("below", hourly(20, "min"), hourly(17), 20.0, 17.0)
    assert fit.facts.schedule.conflicts == ("nights",)
    assert [row.flag for row in fit.rows if row.flag] == ["conflict", "conflict"]
    assert fit.score == 6 * 1 + 2 - 3 - 3


def test_rank_best_first_ties_by_key_and_limit() -> None:
    target = seeker({"arrangements": "no nights, no weekends"})
    candidates = [
        ("e3", employer({}, {**STRENGTHS, "values": "unsure"})),  # 5
        ("e1", employer({"arrangements": "nights and weekends"})),  # 6 - 3 - 3 = 0
        ("e2", employer({}, {**STRENGTHS, "culture": "stressor"})),  # 5
        ("e0", employer({})),  # 6
        ("e4", employer({"arrangements": "we need weekends"})),  # 6 - 3 = 3
    ]
    ranked = rank(target, candidates)
    assert [(key, fit.score) for key, fit in ranked] == [("e0", 6), ("e2", 5), ("e3", 5), ("e4", 3), ("e1", 0)]
    assert [key for key, _ in rank(target, list(reversed(candidates)))] == ["e0", "e2", "e3", "e4", "e1"]
    assert [key for key, _ in rank(target, candidates, limit=2)] == ["e0", "e2"]
    assert rank(target, candidates, limit=0) == []
    assert rank(target, []) == []
    assert all(fit == explain(target, dict(candidates)[key]) for key, fit in ranked)


def test_rank_works_both_ways_with_the_same_fit() -> None:
    seekers = [
        ("s1", seeker(SEEKER_WORDS, SEEKER_RATINGS, priorities=("pay", "arrangements"))),
        ("s2", seeker({"pay": "18/hr is enough", "arrangements": "nights are no problem"}, priorities=("culture",))),
        ("s3", seeker({}, dict.fromkeys(FACTOR_IDS, "stressor"), skipped=FACTOR_IDS)),
    ]
    employers = [
        ("e1", employer(EMPLOYER_WORDS, EMPLOYER_RATINGS)),
        ("e2", employer({"pay": "$25/hr", "arrangements": "days, weekdays"}, dict.fromkeys(FACTOR_IDS, "stressor"))),
    ]
    by_seeker = {(s, e): fit for s, side in seekers for e, fit in rank(side, employers)}
    by_employer = {(s, e): fit for e, side in employers for s, fit in rank(side, seekers)}
    assert len(by_seeker) == 6 and by_seeker == by_employer
    assert [(key, fit.score) for key, fit in rank(dict(employers)["e1"], seekers)] == [
        ("s2", 8),
        ("s3", -4),
        ("s1", -5),
    ]


def test_explain_takes_seeker_then_employer_and_rank_refuses_the_same_side() -> None:
    one, other = seeker({}), employer({})
    with pytest.raises(ValueError, match="work_seeker, employer"):
        explain(other, one)
    with pytest.raises(ValueError):
        rank(one, [("x", seeker({}))])
    with pytest.raises(ValueError, match="audience"):
        Side.from_body({"audience": "practitioner", "factors": []})


def test_unknown_ratings_and_priorities_are_ignored() -> None:
    side = seeker({}, {**STRENGTHS, "pay": "great"}, priorities=("pay", "housing", "pay", "culture"))
    assert side.ratings["pay"] is None
    assert side.priorities == ("pay", "culture")


def test_a_range_and_a_yearly_minimum_survive_the_stored_record() -> None:
    raw = body("work_seeker", SEEKER_RATINGS, {**SEEKER_WORDS, "pay": "$18-20/hr. At least 45k"})
    record = json.loads(json.dumps(side_record(Side.from_body(raw))))
    assert record["pay"] == [[18.0, "hour", "exact", 20.0], [45000.0, "year", "min", None]]
    kept = side_from_record("work_seeker", record)
    assert kept is not None and kept.facts == Side.from_body(raw).facts


def test_a_side_from_a_real_summary_body() -> None:
    """bot.activity.summary.build_summary needs no database: its answers are plain, unsaved Answer objects."""
    content = load_content("en")
    answers = {}
    for fid, rating in SEEKER_RATINGS.items():
        answers[f"{fid}_rating"] = Answer(question_id=f"{fid}_rating", text=rating, value=rating, skipped=False)
        answers[f"{fid}_reflection"] = Answer(
            question_id=f"{fid}_reflection", text=SEEKER_WORDS[fid], skipped=fid == "culture"
        )
    answers["priorities"] = Answer(question_id="priorities", text="3 4", value="pay,arrangements", skipped=False)
    summary = build_summary(content, "work_seeker", answers)
    side = Side.from_body(summary)
    assert side.audience == "work_seeker"
    assert side.ratings == SEEKER_RATINGS
    assert side.words == {**SEEKER_WORDS, "culture": None}
    assert side.priorities == ("pay", "arrangements")
    assert side.facts == Facts(
        (hourly(22, "min"),), frozenset({"days"}), frozenset({"transit"}), frozenset({"nights"}), frozenset()
    )
    fit = explain(side, employer(EMPLOYER_WORDS, EMPLOYER_RATINGS))
    assert fit.score == -5
    assert Note("fit.nothing_stated", "work_seeker", "culture") in fit.notes


def test_pay_stated_by_one_side_only_is_shown_and_not_compared() -> None:
    offer_only = compare_pay(
        extract_facts("Benefits for my kids matter most"), extract_facts("$16.50 an hour to start")
    )
    assert offer_only == PayCheck("unknown", None, Pay(16.5, "hour", "exact"), None, 16.5)
    need_only = compare_pay(extract_facts("At least $20/hr"), extract_facts("We pay fair, ask us"))
    assert need_only == PayCheck("unknown", Pay(20.0, "hour", "min"), None, 20.0, None)


def test_a_side_kept_as_a_record_scores_exactly_as_the_side_read_from_its_words() -> None:
    the_seeker = seeker(SEEKER_WORDS, SEEKER_RATINGS, priorities=("pay", "arrangements"), skipped=())
    the_employer = employer(EMPLOYER_WORDS, EMPLOYER_RATINGS)
    kept = side_from_record("work_seeker", json.loads(json.dumps(side_record(the_seeker))))
    assert kept is not None
    assert (kept.ratings, kept.priorities, kept.facts) == (
        dict(the_seeker.ratings),
        the_seeker.priorities,
        the_seeker.facts,
    )
    assert score(kept, the_employer) == score(the_seeker, the_employer)
    assert explain(kept, the_employer).notes == explain(the_seeker, the_employer).notes  # which factors have words
    assert side_from_record("work_seeker", {"v": 0}) is None  # an older record is read again from the words
