"""Realistic fake participants for `python -m bot demo-data`: work seekers and small employers of a Nova Scotia Works
site, in their own words (English mostly, some French), deterministic for a seed.

Everyone here is invented. Names are first names with an initial, never a real person's; every phone number is in
the fictional 902-555-0100 to 0199 range; every email is @example.ca. The words follow the personas of the pilot
(the hesitant searcher cycling through survival jobs, the curious job-switcher about 50, the overworked owner covering
shifts, the HR newbie) and carry the pay figures, schedule and place terms the matching reads ("at least $19/hr",
"days only", "on the bus line", "$21-23/hr, health plan", "nights and weekends").
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from typing import Optional

from bot.devtools.demo_businesses import BUSINESSES, REPLIES
from bot.devtools.demo_seekers import VOICES, Words
from bot.store.models import EMPLOYER, WORK_SEEKER

FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")
DAYS_BACK = 60  # everyone started within the last 60 days
AGREED_PERCENT = 85  # of each role, this share (rounded) agrees to matching, and likewise to research
FRENCH_SEEKERS = 0.12  # about one work seeker in eight answers in French
SKIPPED_REFLECTION = 0.04  # a factor's words skipped now and then
PHONE_PREFIX = "902-555-01"  # fictional numbers only: 902-555-0100 ... 902-555-0199


@dataclass(frozen=True)
class Reflection:
    """One factor's answer: the rating meant, and the words (None when the person said SKIP)."""

    rating: Optional[str]
    words: Optional[str]


@dataclass(frozen=True)
class Timing:
    """When someone did the activity, and how long each answer took them."""

    days_ago: int  # the day, counted back from today (0 to DAYS_BACK - 1)
    start_minute: int  # minutes after midnight, in the sites' time zone
    seconds_per_answer: int


@dataclass(frozen=True)
class DemoPerson:
    """Everything one fake participant answers, in the activity's order, and what they agreed to."""

    key: str  # "seeker-007", "employer-03": the sender id's tail, stable for the index
    role: str
    language: str
    reflections: dict[str, Reflection]
    priorities: tuple[str, ...]
    clarity: tuple[int, int]
    confidence: Optional[tuple[int, int]]  # work seekers only
    about: dict[str, Optional[str]]  # work_sought and barriers, or business_name and hiring_role; None: skipped
    closing: Optional[str]
    contact: Optional[str]  # how to reach them, in their words; None: they gave none
    matching: bool
    research: bool
    replies: dict[str, str]  # their words at the consent, review, share and uses questions
    when: Timing


# A rating said at the start of the words, as many do ("Strength. ..."): the bot then does not ask it.
RATING_IN_WORDS: dict[str, dict[str, tuple[str, ...]]] = {
    "en": {
        "strength": ("Strength.", "Mostly a strength."),
        "stressor": ("Stressor.", "Big stressor:"),
        "both": ("Bit of both.",),
        "unsure": ("Not sure.",),
    },
    "fr": {
        "strength": ("Force.",),
        "stressor": ("Stress.",),
        "both": ("Un peu des deux.",),
        "unsure": ("Je sais pas.",),
    },
}
_RATING_OPENERS = {
    w.split()[0].strip(".:").lower() for by in RATING_IN_WORDS.values() for ws in by.values() for w in ws
}


def agreed_count(total: int) -> int:
    """How many of ``total`` agree to matching (and, separately, to research): 85%, rounded half up."""
    return (total * AGREED_PERCENT + 50) // 100


def phone(rng: random.Random) -> str:
    """A fictional Nova Scotia number: 902-555-0100 to 902-555-0199, written a few ways."""
    last = f"{rng.randint(0, 99):02d}"
    return rng.choice((f"{PHONE_PREFIX}{last}", f"902 555 01{last}", f"(902) 555-01{last}"))


def email(rng: random.Random, name: str) -> str:
    plain = name.lower().translate(str.maketrans("éèêëàâçîïôûù", "eeeeaaciiouu"))
    return f"{plain}.{rng.choice('abcdefghjklmnprstw')}{rng.randint(1, 99)}@example.ca"


def _fill(rng: random.Random, template: str, pay: tuple[int, int]) -> str:
    n = rng.randint(*pay)
    return template.format(
        n=f"{n}.50" if rng.random() < 0.15 else n,
        k=rng.choice((38, 40, 42, 45, 48, 52)),
        h=rng.choice((20, 25, 30, 35)),
        y=rng.randint(2, 15),
        mo=rng.randint(6, 18),
    )


def _stated(rng: random.Random, language: str, rating: str, words: str) -> str:
    """Some say the rating first ("Strength. ..."); most let the words speak (the bot then asks the rating)."""
    said_already = words.split(maxsplit=1)[0].strip(".:,").lower() in _RATING_OPENERS
    if rng.random() < 0.3 and not said_already:
        return f"{rng.choice(RATING_IN_WORDS[language][rating])} {words}"
    return words


def _reflection(rng: random.Random, language: str, pool: Words, pay: tuple[int, int]) -> Reflection:
    if rng.random() < SKIPPED_REFLECTION:
        return Reflection(None, None)
    rating, template = rng.choice(pool)
    return Reflection(rating, _stated(rng, language, rating, _fill(rng, template, pay)))


def _priorities(rng: random.Random, reflections: dict[str, Reflection]) -> tuple[str, ...]:
    weights = {"skills": 1, "capacity": 2, "pay": 5, "arrangements": 5, "values": 2, "culture": 2}
    chosen = rng.choices(list(weights), list(weights.values()), k=rng.choice((1, 2, 2, 2)))
    return tuple(p for p in dict.fromkeys(chosen) if reflections[p].words is not None) or ("pay",)


def _timing(rng: random.Random, seconds: tuple[int, int]) -> Timing:
    """A day within DAYS_BACK, a start between 8:00 and 21:00 at the site, and a pace."""
    return Timing(rng.randrange(DAYS_BACK), rng.randint(8 * 60, 21 * 60), rng.randint(*seconds))


def _consents(rng: random.Random, total: int) -> tuple[list[bool], list[bool]]:
    """Exactly agreed_count(total) agree to matching, and as many (others, chosen apart) to research."""
    agreed = agreed_count(total)
    matching = set(rng.sample(range(total), agreed))
    research = set(rng.sample(range(total), agreed))
    return [i in matching for i in range(total)], [i in research for i in range(total)]


def _replies(rng: random.Random, language: str, matching: bool, research: bool) -> dict[str, str]:
    uses = {(True, True): "both", (True, False): "matching", (False, True): "research", (False, False): "none"}
    words = REPLIES[language]
    value = uses[(matching, research)]
    return {
        "consent": rng.choice(words["consent"]),
        "review": rng.choice(words["review"]),
        "share": rng.choice(words["share"]),
        "uses": value,
        "uses_words": rng.choice(words[value]),
    }


def _seeker(rng: random.Random, index: int, matching: bool, research: bool) -> DemoPerson:
    language = "fr" if rng.random() < FRENCH_SEEKERS else "en"
    voice = VOICES[language]
    trade = rng.choice(voice.trades)
    pools: dict[str, Words] = {
        "skills": trade.skills,
        "capacity": voice.capacity,
        "pay": voice.salary + voice.pay if trade.salaried else voice.pay,
        "arrangements": voice.arrangements,
        "values": voice.values,
        "culture": voice.culture,
    }
    reflections = {f: _reflection(rng, language, pools[f], trade.pay) for f in FACTORS}
    before = rng.choice((1, 2, 2, 3, 3, 4))
    sure = rng.choice((1, 2, 2, 3, 3, 4))
    name = rng.choice(voice.names)
    contact = rng.choice(voice.contacts).format(name=name, phone=phone(rng), email=email(rng, name))
    return DemoPerson(
        key=f"seeker-{index + 1:03d}",
        role=WORK_SEEKER,
        language=language,
        reflections=reflections,
        priorities=_priorities(rng, reflections),
        clarity=(before, min(5, before + rng.choice((0, 1, 1, 2)))),
        confidence=(sure, min(5, sure + rng.choice((0, 0, 1, 1, 2)))),
        about={
            "work_sought": None if rng.random() < 0.05 else rng.choice(trade.sought),
            "barriers": None if rng.random() < 0.1 else rng.choice(voice.barriers),
        },
        closing=None if rng.random() < 0.1 else rng.choice(voice.closing),
        contact=None if rng.random() < 0.1 else contact,
        matching=matching,
        research=research,
        replies=_replies(rng, language, matching, research),
        when=_timing(rng, (20, 75)),
    )


def _employer(rng: random.Random, index: int, matching: bool, research: bool) -> DemoPerson:
    business = BUSINESSES[index % len(BUSINESSES)]
    round_ = index // len(BUSINESSES)
    reflections = {
        f: Reflection(rating, _stated(rng, business.language, rating, words))
        for f, (rating, words) in business.factors.items()
    }
    before = rng.choice((1, 2, 2, 3))
    name = rng.choice(business.contact_names)
    return DemoPerson(
        key=f"employer-{index + 1:03d}",
        role=EMPLOYER,
        language=business.language,
        reflections=reflections,
        priorities=business.priorities,
        clarity=(before, min(5, before + rng.choice((1, 2, 2)))),
        confidence=None,
        about={
            "business_name": business.name if round_ == 0 else f"{business.name} ({round_ + 1})",
            "hiring_role": business.roles[(index // len(BUSINESSES)) % len(business.roles)],
        },
        closing=business.closing,
        contact=business.contact.format(name=name, phone=phone(rng), email=email(rng, name)),
        matching=matching,
        research=research,
        replies=_replies(rng, business.language, matching, research),
        when=_timing(rng, (10, 40)),  # owners answer between shifts: short and quick
    )


def work_seekers(count: int, seed: int) -> list[DemoPerson]:
    """``count`` fake work seekers, the same ones for the same seed; agreed_count(count) agreed to matching."""
    rng = random.Random(f"{seed}:{WORK_SEEKER}")
    matching, research = _consents(rng, count)
    return [_seeker(rng, i, matching[i], research[i]) for i in range(count)]


def employers(count: int, seed: int) -> list[DemoPerson]:
    """``count`` fake small employers (the businesses above in turn), the same for the same seed."""
    rng = random.Random(f"{seed}:{EMPLOYER}")
    matching, research = _consents(rng, count)
    return [_employer(rng, i, matching[i], research[i]) for i in range(count)]
