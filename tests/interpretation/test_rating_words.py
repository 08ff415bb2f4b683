"""A rating stated in the words of a factor's answer, in English and French: taken when plain, asked when not."""

from __future__ import annotations

from dataclasses import replace

import pytest

from bot.content import load_content
from bot.interpretation.rating_words import rating_in_words

EN = load_content("en")
FR = load_content("fr")

STATED = [
    ("Strength: I'm great with customers", "strength"),
    ("strength - forklift and inventory", "strength"),
    ("I'd say strength, I have 10 years on the line", "strength"),
    ("Honestly a big stressor right now. Rent keeps going up", "stressor"),
    ("Rent keeps going up. Stressor", "stressor"),
    ("I need at least $20 an hour, so a stressor", "stressor"),  # "so" is one of the small words around it
    ("mostly a stressor: nights wreck me", "stressor"),
    ("A bit of both. I like the work but the pace is a lot", "both"),
    ("Not sure. I never thought about it", "unsure"),
    ("idk, whatever pays the bills", "unsure"),
    ("strenght: people skills", "strength"),
    ("Stresor - I can't find day shifts", "stressor"),
]
ASKED = [
    "I'm good with people",  # no rating named
    "Not really a strength, I get nervous",  # negated: asked, never guessed
    "Strength with tools but talking to customers is a stressor",  # two ratings
    "A strength, but also a stressor some days",  # two ratings, the second in a longer part
    "I can handle stress well",  # "stress" inside a sentence is not a rating
    "Both my kids need care after school",  # "both" inside a sentence
    "I'm not sure what pay I need",  # "not sure" inside a sentence
    "",
]


@pytest.mark.parametrize("text,expected", STATED)
def test_a_plain_rating_in_the_first_or_last_part_is_read(text: str, expected: str) -> None:
    assert rating_in_words(text, EN) == expected


@pytest.mark.parametrize("text", ASKED)
def test_words_that_state_no_plain_rating_get_the_question(text: str) -> None:
    assert rating_in_words(text, EN) is None


def test_content_without_rating_words_never_reads_one() -> None:
    assert rating_in_words("Strength: tools", replace(EN, rating_words={})) is None


@pytest.mark.parametrize(
    "text,expected",
    [
        ("Force : je connais bien les machines", "strength"),
        ("Gros stress là, les enfants", "stressor"),
        ("c'est un peu des deux pour l'instant", "both"),
        ("chais pas", "unsure"),
        ("pas une force, je suis gênée avec les clients", None),
        ("J'aime le monde", None),
    ],
)
def test_french_ratings_in_words(text: str, expected: str | None) -> None:
    assert rating_in_words(text, FR) == expected


def test_la_force_is_the_strength_to_do_it_not_a_rating() -> None:
    fr = load_content("fr")
    assert rating_in_words("Lever des bacs toute la journée, j'ai la force pour ça.", fr) is None
    assert rating_in_words("Force : je sais réparer les moteurs.", fr) == "strength"
    assert rating_in_words("C'est ma force, le service à la clientèle.", fr) == "strength"
    assert rating_in_words("La paye, c'est le stress.", fr) == "stressor"
