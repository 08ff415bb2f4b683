"""How a work seeker and an employer fit, factor by factor, with an additive score whose every point has a reason."""

from __future__ import annotations

import heapq
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Mapping, NamedTuple, Optional, Protocol, Sequence, TypeVar

from bot.alignment.facts import Facts, Pay, extract_facts, pay_per_hour

FACTOR_IDS = ("skills", "capacity", "pay", "arrangements", "values", "culture")  # the rows' fixed order
RATINGS = ("strength", "stressor", "both", "unsure")
WORK_SEEKER, EMPLOYER = "work_seeker", "employer"
SIDES = (WORK_SEEKER, EMPLOYER)

# The score's whole formula: each reason adds its points once per occurrence (per factor, per term). The page
# shows Fit.reasons line by line with these numbers; change a weight here and every "why" follows.
WEIGHTS: Mapping[str, int] = MappingProxyType(
    {
        "fit.priority_met": 2,  # a seeker priority the employer rates a strength
        "fit.priority_stressor": -1,  # a seeker priority the employer rates a stressor
        "fit.both_strength": 1,  # a factor both rate a strength
        "fit.both_stressor": -2,  # a factor both rate a stressor
        "fit.pay_meets": 1,  # the employer's best stated pay, per hour, reaches the seeker's stated need
        "fit.pay_below": -3,  # clear conflict: even the employer's best stated pay is below the seeker's need
        "fit.schedule_match": 1,  # a schedule term both name the same way (both want it, or both rule it out)
        "fit.schedule_conflict": -3,  # clear conflict: a schedule term the employer names that the seeker refuses
        "fit.schedule_unavailable": -1,  # a schedule term the seeker names that the employer rules out
        "fit.place_match": 1,  # a place term both name the same way
        "fit.place_conflict": -3,  # clear conflict: a place term the employer names that the seeker refuses
        "fit.place_unavailable": -1,  # a place term the seeker names that the employer rules out
    }
)
FLAGS = ("both_stressor", "conflict", "priority_met", "priority_unmet")


# ---------------------------------------------------------------- one side, read once from its summary body
@dataclass(frozen=True)
class Side:
    """One party's summary as the comparison reads it: ratings and words per factor, priorities, facts merged.

    ``facts.pay`` holds the figures the pay comparison reads: the pay reflection's when it states any, else those
    stated in the other reflections. Terms are merged from every reflection; a term refused anywhere is no wish.
    """

    audience: str
    ratings: Mapping[str, Optional[str]] = field(hash=False)
    words: Mapping[str, Optional[str]] = field(hash=False)
    priorities: tuple[str, ...] = ()
    facts: Facts = Facts()

    @classmethod
    def from_body(
        cls, body: Mapping[str, Any], language: str = "en", facts: Optional[Mapping[str, Facts]] = None
    ) -> Side:
        """The side of a stored summary body; ``facts`` (per factor, from reflection_facts, e.g. stored when the
        summary was saved) skips reading the words again."""
        audience = body.get("audience")
        if audience not in SIDES:
            raise ValueError(f"a summary body's audience must be one of {SIDES}, not {audience!r}")
        entries = {entry.get("id"): entry for entry in body.get("factors") or ()}
        ratings = {fid: _rating(entries.get(fid)) for fid in FACTOR_IDS}
        words = {fid: _words(entries.get(fid)) for fid in FACTOR_IDS}
        per_factor = facts if facts is not None else _extract(words, language)
        return cls(str(audience), ratings, words, _priorities(body.get("priorities")), merge_facts(per_factor))


def _rating(entry: Optional[Mapping[str, Any]]) -> Optional[str]:
    rating = entry.get("rating") if entry else None
    return rating if rating in RATINGS else None


def _words(entry: Optional[Mapping[str, Any]]) -> Optional[str]:
    text = entry.get("reflection") if entry else None
    return text if isinstance(text, str) and text.strip() else None


def _priorities(value: Any) -> tuple[str, ...]:
    """Known factor ids in the order chosen, each once."""
    return tuple(dict.fromkeys(p for p in value or () if p in FACTOR_IDS))


def _extract(words: Mapping[str, Optional[str]], language: str) -> dict[str, Facts]:
    return {fid: extract_facts(text, language) for fid, text in words.items() if text}


def reflection_facts(body: Mapping[str, Any], language: str = "en") -> dict[str, Facts]:
    """The facts of each factor's reflection in a summary body (the costly step: regexes over the words)."""
    entries = {entry.get("id"): entry for entry in body.get("factors") or ()}
    return _extract({fid: _words(entries.get(fid)) for fid in FACTOR_IDS}, language)


def merge_facts(per_factor: Mapping[str, Facts]) -> Facts:
    """One Facts for a side: the pay reflection's figures (else all others'), every term, refusals winning."""
    found = [per_factor[fid] for fid in FACTOR_IDS if fid in per_factor]
    pay_own = per_factor["pay"].pay if "pay" in per_factor else ()
    pay = pay_own or tuple(p for facts in found for p in facts.pay)
    schedule_not = frozenset().union(*(f.schedule_not for f in found))
    place_not = frozenset().union(*(f.place_not for f in found))
    schedule = frozenset().union(*(f.schedule for f in found)) - schedule_not
    place = frozenset().union(*(f.place for f in found)) - place_not
    return Facts(pay, schedule, place, schedule_not, place_not)


# ---------------------------------------------------------------- the explanation
class Reason(NamedTuple):
    """One line of the score: its wording key, its points (WEIGHTS[key]), the factor and the term it is about."""

    key: str
    points: int
    factor: Optional[str]
    term: Optional[str] = None


class Note(NamedTuple):
    """Something the page should say was not stated: wording key, whose side (None for both) and which factor."""

    key: str
    side: Optional[str]
    factor: Optional[str]


@dataclass(frozen=True)
class Row:
    """One factor side by side: both ratings, both parties' own words, a flag and the wording key of why."""

    factor: str
    seeker_rating: Optional[str]
    employer_rating: Optional[str]
    seeker_words: Optional[str]
    employer_words: Optional[str]
    flag: Optional[str]
    reason: str


@dataclass(frozen=True)
class PriorityCheck:
    """A seeker priority, the employer's rating of that factor, and whether it is a strength."""

    factor: str
    employer_rating: Optional[str]
    met: bool


@dataclass(frozen=True)
class PayCheck:
    """The seeker's stated need against the employer's stated offer, as stated and per hour (the offer's top)."""

    verdict: str  # meets | below | unknown
    need: Optional[Pay]
    offer: Optional[Pay]
    need_per_hour: Optional[float]
    offer_per_hour: Optional[float]


@dataclass(frozen=True)
class TermsCheck:
    """Schedule or place terms: offered but refused (clear conflicts), wanted but ruled out, and named by both."""

    conflicts: tuple[str, ...]
    unavailable: tuple[str, ...]
    matches: tuple[str, ...]


@dataclass(frozen=True)
class FactsCheck:
    pay: PayCheck
    schedule: TermsCheck
    place: TermsCheck


@dataclass(frozen=True)
class Fit:
    """Why a work seeker and an employer fit: rows, priorities, facts, notes, and the score as a sum of reasons."""

    rows: tuple[Row, ...]
    priorities: tuple[PriorityCheck, ...]
    facts: FactsCheck
    notes: tuple[Note, ...]
    reasons: tuple[Reason, ...]
    score: int


def _hourly(pay: Pay, top: bool = False) -> float:
    if top and pay.upper is not None:
        return pay_per_hour(Pay(pay.upper, pay.unit, pay.bound))
    return pay_per_hour(pay)


def compare_pay(seeker: Facts, employer: Facts) -> PayCheck:
    """The need is the seeker's lowest figure given as a minimum (else their lowest figure); the offer is the
    employer's highest figure at the top of its range. So "below" means no stated figure could meet the need."""
    minimums = [p for p in seeker.pay if p.bound == "min"] or list(seeker.pay)
    need = min(minimums, key=_hourly) if minimums else None
    offer = max(employer.pay, key=lambda p: _hourly(p, top=True)) if employer.pay else None
    if need is None or offer is None:  # what one side stated is still shown
        need_per_hour = round(_hourly(need), 2) if need else None
        offer_per_hour = round(_hourly(offer, top=True), 2) if offer else None
        return PayCheck("unknown", need, offer, need_per_hour, offer_per_hour)
    need_hourly, offer_hourly = _hourly(need), _hourly(offer, top=True)
    verdict = "meets" if offer_hourly >= need_hourly else "below"
    return PayCheck(verdict, need, offer, round(need_hourly, 2), round(offer_hourly, 2))


def compare_terms(
    wanted: frozenset[str], refused: frozenset[str], offered: frozenset[str], ruled_out: frozenset[str]
) -> TermsCheck:
    """The seeker's wanted and refused terms against the employer's offered and ruled-out ones, each sorted."""
    return TermsCheck(
        tuple(sorted(offered & refused)),
        tuple(sorted(wanted & ruled_out)),
        tuple(sorted((wanted & offered) | (refused & ruled_out))),
    )


def _row_flag(
    fid: str, seeker: Side, employer: Side, conflict: Optional[str], priority: bool
) -> tuple[Optional[str], str]:
    """The row's flag and reason key: a clear conflict first, then both stressor, then the seeker's priority."""
    mine, theirs = seeker.ratings[fid], employer.ratings[fid]
    if conflict:
        return "conflict", conflict
    if mine == theirs == "stressor":
        return "both_stressor", "fit.both_stressor"
    if priority:
        return (
            ("priority_met", "fit.priority_met") if theirs == "strength" else ("priority_unmet", "fit.priority_unmet")
        )
    if mine == theirs == "strength":
        return None, "fit.both_strength"
    return None, ("fit.not_rated" if mine is None or theirs is None else "fit.side_by_side")


def _factor_reasons(seeker: Side, employer: Side) -> list[Reason]:
    reasons = []
    for fid in FACTOR_IDS:
        mine, theirs = seeker.ratings[fid], employer.ratings[fid]
        if fid in seeker.priorities and theirs in ("strength", "stressor"):
            key = "fit.priority_met" if theirs == "strength" else "fit.priority_stressor"
            reasons.append(Reason(key, WEIGHTS[key], fid))
        if mine == theirs and mine in ("strength", "stressor"):
            key = f"fit.both_{mine}"
            reasons.append(Reason(key, WEIGHTS[key], fid))
    return reasons


def _facts_reasons(check: FactsCheck) -> list[Reason]:
    reasons = []
    if check.pay.verdict != "unknown":
        key = "fit.pay_meets" if check.pay.verdict == "meets" else "fit.pay_below"
        reasons.append(Reason(key, WEIGHTS[key], "pay"))
    for kind, terms in (("schedule", check.schedule), ("place", check.place)):
        for name, found in (
            ("conflict", terms.conflicts),
            ("unavailable", terms.unavailable),
            ("match", terms.matches),
        ):
            key = f"fit.{kind}_{name}"
            reasons += [Reason(key, WEIGHTS[key], "arrangements", term) for term in found]
    return reasons


def _notes(seeker: Side, employer: Side) -> list[Note]:
    notes = []
    for side, party in ((WORK_SEEKER, seeker), (EMPLOYER, employer)):
        notes += [Note("fit.nothing_stated", side, fid) for fid in FACTOR_IDS if party.words[fid] is None]
    for side, facts in ((WORK_SEEKER, seeker.facts), (EMPLOYER, employer.facts)):
        if not facts.pay:
            notes.append(Note("fit.pay_not_stated", side, "pay"))
        if not (facts.schedule or facts.schedule_not):
            notes.append(Note("fit.schedule_not_stated", side, "arrangements"))
        if not (facts.place or facts.place_not):
            notes.append(Note("fit.place_not_stated", side, "arrangements"))
    return notes


def _row_conflicts(check: FactsCheck) -> dict[str, str]:
    """The conflict reason of the rows that have one: pay below need on pay, a refused term on arrangements."""
    conflicts = {}
    if check.pay.verdict == "below":
        conflicts["pay"] = "fit.pay_below"
    if check.schedule.conflicts or check.place.conflicts:
        conflicts["arrangements"] = "fit.schedule_conflict" if check.schedule.conflicts else "fit.place_conflict"
    return conflicts


def _assess(seeker: Side, employer: Side) -> tuple[FactsCheck, tuple[Reason, ...]]:
    """The facts compared and the score's reasons: all the ranking needs, without the rows and notes."""
    if seeker.audience != WORK_SEEKER or employer.audience != EMPLOYER:
        raise ValueError(f"a fit takes (work_seeker, employer), not ({seeker.audience}, {employer.audience})")
    s, e = seeker.facts, employer.facts
    check = FactsCheck(
        compare_pay(s, e),
        compare_terms(s.schedule, s.schedule_not, e.schedule, e.schedule_not),
        compare_terms(s.place, s.place_not, e.place, e.place_not),
    )
    return check, tuple(_factor_reasons(seeker, employer) + _facts_reasons(check))


def score(seeker: Side, employer: Side) -> int:
    """The fit's score alone: the sum of its reasons' points (the same as explain(seeker, employer).score)."""
    return sum(reason.points for reason in _assess(seeker, employer)[1])


def explain(seeker: Side, employer: Side) -> Fit:
    """The fit of a work seeker with an employer, explained (always in this order: seeker, then employer)."""
    check, reasons = _assess(seeker, employer)
    conflicts = _row_conflicts(check)
    rows = tuple(
        Row(
            fid,
            seeker.ratings[fid],
            employer.ratings[fid],
            seeker.words[fid],
            employer.words[fid],
            *_row_flag(fid, seeker, employer, conflicts.get(fid), fid in seeker.priorities),
        )
        for fid in FACTOR_IDS
    )
    priorities = tuple(
        PriorityCheck(fid, employer.ratings[fid], employer.ratings[fid] == "strength") for fid in seeker.priorities
    )
    notes = _notes(seeker, employer)
    pay = check.pay
    if pay.verdict == "meets" and pay.offer is not None and pay.need_per_hour is not None:
        if _hourly(pay.offer) < pay.need_per_hour:
            notes.append(Note("fit.pay_top_of_range", None, "pay"))  # only the top of the offered range reaches it
    return Fit(rows, priorities, check, tuple(notes), reasons, sum(r.points for r in reasons))


# ---------------------------------------------------------------- ranking
class _Ordered(Protocol):
    def __lt__(self, other: Any, /) -> bool: ...


K = TypeVar("K", bound=_Ordered)


def _oriented(target: Side, other: Side) -> tuple[Side, Side]:
    """(seeker, employer), whichever of the two the target is."""
    return (target, other) if target.audience == WORK_SEEKER else (other, target)


def best(target: Side, candidates: Sequence[tuple[K, Side]], limit: int = 50) -> list[tuple[K, Side]]:
    """The ``limit`` candidates that fit ``target`` best, best first, scored only (nothing explained); equal scores
    by key (then input order). A work seeker target is ranked against employers, an employer against work seekers."""
    if limit <= 0:
        return []
    scored = ((-score(*_oriented(target, side)), key, side) for key, side in candidates)
    return [(key, side) for _, key, side in heapq.nsmallest(limit, scored, key=lambda item: (item[0], item[1]))]


def rank(target: Side, candidates: Sequence[tuple[K, Side]], limit: int = 50) -> list[tuple[K, Fit]]:
    """The ``best`` candidates, each explained."""
    return [(key, explain(*_oriented(target, side))) for key, side in best(target, candidates, limit)]
