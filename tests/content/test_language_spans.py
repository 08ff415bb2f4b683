"""Language markup in content texts: [fr]...[/fr] splits into parts, strips to plain text, and is checked strictly."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.content.language_spans import (
    LANGUAGES,
    MarkupError,
    check_markup,
    has_foreign_passage,
    plain_text,
    split_languages,
)
from bot.content.loader import available_languages
from bot.content.model import Content

OFFER = "Hi! English or French? Reply 1 for English. [fr]Bonjour! Répondez 2 pour le FRANÇAIS.[/fr]"


def test_the_markup_languages_are_the_languages_with_content() -> None:
    assert LANGUAGES == {"en", "fr"} == set(available_languages())


def test_a_marked_passage_is_its_own_part() -> None:
    assert split_languages(OFFER) == [
        ("Hi! English or French? Reply 1 for English. ", None),
        ("Bonjour! Répondez 2 pour le FRANÇAIS.", "fr"),
    ]
    assert plain_text(OFFER) == "Hi! English or French? Reply 1 for English. Bonjour! Répondez 2 pour le FRANÇAIS."


def test_passages_in_the_middle_and_several_of_them() -> None:
    text = "Write [en]ENGLISH[/en] or FRANÇAIS, [en]or ask[/en]."
    assert split_languages(text) == [
        ("Write ", None),
        ("ENGLISH", "en"),
        (" or FRANÇAIS, ", None),
        ("or ask", "en"),
        (".", None),
    ]
    assert plain_text(text) == "Write ENGLISH or FRANÇAIS, or ask."


def test_a_text_without_markup_is_one_part_in_its_own_language() -> None:
    assert split_languages("Reply 1-5.") == [("Reply 1-5.", None)]
    assert plain_text("Reply 1-5.") == "Reply 1-5."
    assert split_languages("") == []
    assert not has_foreign_passage(split_languages("Reply 1-5."))
    assert has_foreign_passage(split_languages(OFFER))


def test_a_whole_text_in_another_language_and_adjacent_passages() -> None:
    assert split_languages("[fr]Bonjour![/fr]") == [("Bonjour!", "fr")]
    assert split_languages("[fr]Bonjour! [/fr][fr]Allo.[/fr]") == [("Bonjour! Allo.", "fr")]


@pytest.mark.parametrize(
    "text",
    ["[fr]never closed", "closes nothing[/fr]", "[de]Hallo[/de]", "[FR]Bonjour[/FR]", "[fr]Bonjour[/en]", "a [list]"],
)
def test_at_run_time_broken_or_unknown_tags_stay_text_and_never_raise(text: str) -> None:
    """A participant's own brackets, or a tag the loader would have refused: the words are never lost."""
    assert split_languages(text) == [(text, None)]
    assert plain_text(text) == text


def test_only_a_tag_followed_by_its_own_closing_tag_marks_a_passage() -> None:
    assert split_languages("[fr]a [en]b[/en] c") == [("[fr]a ", None), ("b", "en"), (" c", None)]
    assert plain_text("[fr]a [en]b[/en] c") == "[fr]a b c"


def test_well_formed_markup_passes_the_check() -> None:
    check_markup(OFFER, own_language="en")
    check_markup("Écrivez [en]ENGLISH[/en] ou FRANÇAIS.", own_language="fr")
    check_markup("no markup, [1] a number in brackets", own_language="en")


@pytest.mark.parametrize(
    ("text", "own", "error"),
    [
        ("Hi. [fr]Bonjour!", "en", "[fr] is not closed: end the passage with [/fr]"),
        ("Hi. Bonjour![/fr]", "en", "[/fr] closes no passage"),
        ("[fr]Bonjour [en]Hi[/en][/fr]", None, "[en] inside [fr]: close [/fr] first"),
        ("[fr]Bonjour [fr]Allo[/fr][/fr]", "en", "[fr] inside [fr]: close [/fr] first"),
        ("[fr]Bonjour![/en]", "en", "[fr] is closed by [/en]: write [/fr]"),
        ("[de]Hallo![/de]", "en", "unknown language tag [de] (a passage in another language is [en], [fr])"),
        ("[FR]Bonjour![/FR]", "en", "unknown language tag [FR] (a passage in another language is [en], [fr])"),
        ("Hi! [en]Hello[/en]", "en", "[en] marks a passage in the text's own language: remove the tags"),
        ("Hi! [fr] [/fr]", "en", "[fr][/fr] marks no words"),
    ],
)
def test_malformed_markup_is_refused_with_what_is_wrong(text: str, own: Optional[str], error: str) -> None:
    with pytest.raises(MarkupError) as excinfo:
        check_markup(text, own_language=own)
    assert str(excinfo.value) == error


def test_content_gives_marked_messages_to_the_engine_and_plain_ones_to_channels(content: Content) -> None:
    assert content.message("intro_2").endswith(" [fr]Service en FRANÇAIS: écrivez FRANÇAIS.[/fr]")
    assert content.plain_message("intro_2").endswith(" Service en FRANÇAIS: écrivez FRANÇAIS.")
    assert content.plain_message("too_long", limit=4000) == content.message("too_long", limit=4000)
