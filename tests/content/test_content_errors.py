"""Broken content is refused with a ContentError that says what is wrong and where."""

from __future__ import annotations

from typing import Any, Callable

import pytest

from bot.content import ContentError, load_content
from bot.content.loader import outgoing_texts, parse_content
from bot.content.model import Content
from tests.content.conftest import Mutator, dump, factor, step

Build = Callable[[Mutator], bytes]
_OUTGOING_EN = outgoing_texts(load_content("en"))


def refuse(data: bytes) -> str:
    with pytest.raises(ContentError) as excinfo:
        parse_content(data, source="edited.yml")
    return str(excinfo.value)


def test_the_unchanged_content_dumped_again_parses_like_the_real_file(
    raw_data: dict[str, Any], content: Content
) -> None:
    again = parse_content(dump(raw_data))
    assert again.steps == content.steps
    assert again.messages == content.messages
    assert again.factors == content.factors
    assert again.commands == content.commands


def _set_prompt(step_id: str, audience: str, text: str) -> Mutator:
    def mutate(data: dict[str, Any]) -> None:
        step(data, step_id)["prompt"][audience] = text

    return mutate


def _set_message(key: str, text: str) -> Mutator:
    def mutate(data: dict[str, Any]) -> None:
        data["messages"][key] = text

    return mutate


def test_curly_quote_in_a_prompt_is_refused(modified: Build) -> None:
    message = refuse(modified(_set_prompt("role", "any", "Great! Are you \u2018looking for work\u2019, or hiring?")))
    assert message == "steps.role.prompt.any: characters outside GSM-7: ['\u2018', '\u2019']"


def test_emoji_in_a_message_is_refused(modified: Build) -> None:
    message = refuse(modified(_set_message("paused", "Paused \U0001f44d Send any message to continue.")))
    assert message == "messages.paused: characters outside GSM-7: ['\U0001f44d']"


def test_em_dash_in_a_factor_explanation_is_refused(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        factor(data, "values")["explain"]["employer"] = "Values \u2014 what your business stands for."

    assert refuse(modified(mutate)) == "factors.values.explain.employer: characters outside GSM-7: ['\u2014']"


def test_non_gsm_option_label_is_refused(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["options"]["role"][1]["label"] = "Hiring \u2022 staff"

    message = refuse(modified(mutate))
    assert message.startswith("steps.role.prompt.any: characters outside GSM-7") and "\u2022" in message


def test_a_400_character_prompt_is_refused(modified: Build) -> None:
    message = refuse(modified(_set_prompt("skills_reflection", "employer", "x" * 400)))
    assert message == "steps.skills_reflection.prompt.employer: 400 characters is more than 2 SMS segments"


def test_two_full_segments_without_options_are_allowed_and_one_more_character_is_not(modified: Build) -> None:
    assert parse_content(modified(_set_prompt("skills_reflection", "employer", "y" * 306)))
    message = refuse(modified(_set_prompt("skills_reflection", "employer", "y" * 307)))
    assert message == "steps.skills_reflection.prompt.employer: 307 characters is more than 2 SMS segments"


def test_the_sms_options_line_counts_towards_the_two_segments(modified: Build) -> None:
    # 280 characters alone fit two segments; with "\nReply 1 Strength, 2 Stressor or 3 Both/not sure." they do not.
    prompt = "{n}/6 {factor}: " + "z" * 256
    message = refuse(modified(_set_prompt("pay_rating", "work_seeker", prompt)))
    assert message.startswith("steps.pay_rating.prompt.work_seeker: ") and message.endswith(
        "is more than 2 SMS segments"
    )


def test_extension_characters_count_twice_towards_the_limit(modified: Build) -> None:
    assert parse_content(modified(_set_message("skipped", "[" * 153)))  # 306 septets
    assert (
        refuse(modified(_set_message("skipped", "[" * 153 + "a")))
        == "messages.skipped: 307 characters is more than 2 SMS segments"
    )


def test_a_missing_message_key_is_named(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del data["messages"]["paused"]
        del data["messages"]["resume_code_bad"]

    assert refuse(modified(mutate)) == "edited.yml: messages missing: paused, resume_code_bad"


def test_an_unknown_option_set_is_named(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        step(data, "role")["options"] = "roles"

    assert refuse(modified(mutate)) == "steps[1] (role): options 'roles' is not defined"


def test_a_choice_step_without_options_is_refused(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del step(data, "clarity_after")["options"]

    assert refuse(modified(mutate)).endswith("(clarity_after): options 'None' is not defined")


@pytest.mark.parametrize(
    ("mutate", "where", "names"),
    [
        (_set_message("paused", "Paused, {name}. Send any message to continue."), "messages.paused", "['name']"),
        (
            _set_prompt("values_rating", "employer", "{n}/6 {factor} for {company}: strength or stressor?"),
            "steps.values_rating.prompt.employer",
            "['company']",
        ),
    ],
    ids=["message", "prompt"],
)
def test_an_unknown_placeholder_is_named(modified: Build, mutate: Mutator, where: str, names: str) -> None:
    assert refuse(modified(mutate)) == f"{where}: unknown placeholder(s) {names}"


def test_a_duplicate_step_id_is_refused(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        step(data, "capacity_rating")["id"] = "skills_rating"

    assert refuse(modified(mutate)) == "edited.yml: step ids must be unique"


def test_an_unknown_step_kind_is_named(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        step(data, "priorities")["kind"] = "ranking"

    assert refuse(modified(mutate)).endswith("(priorities): unknown kind 'ranking'")


def test_an_unknown_factor_on_a_step_is_named(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        step(data, "culture_reflection")["factor"] = "kultur"

    assert refuse(modified(mutate)).endswith("(culture_reflection): unknown factor 'kultur'")


def test_a_second_review_step_is_refused(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        extra = dict(step(data, "review"), id="review_again")
        data["steps"].insert(-1, extra)

    assert refuse(modified(mutate)) == "edited.yml: exactly one step of kind 'review' is needed"


def test_a_step_without_prompt_is_refused(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del step(data, "share")["prompt"]

    assert refuse(modified(mutate)).endswith(": a step needs id, kind and prompt")


def test_a_command_without_phrases_is_named(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        data["commands"]["pause"] = []

    assert refuse(modified(mutate)) == "edited.yml: commands missing phrases for: pause"


def test_a_missing_top_level_key_is_named(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del data["steps"]

    assert refuse(modified(mutate)) == "edited.yml: missing key 'steps'"


@pytest.mark.parametrize("data", [b"steps: [unclosed", b"- just\n- a list\n"], ids=["bad-yaml", "not-a-mapping"])
def test_not_a_content_document_is_refused(data: bytes) -> None:
    assert refuse(data).startswith("edited.yml: ")


@pytest.mark.parametrize(
    "name",
    ["Skills \u2013 competencies", "Skills, competencies, know-how and everything you learned " * 4],
    ids=["en-dash", "long"],
)
def test_a_factor_name_that_breaks_the_sms_rules_in_its_prompts_is_refused(modified: Build, name: str) -> None:
    def mutate(data: dict[str, Any]) -> None:
        factor(data, "skills")["name"] = name

    assert refuse(modified(mutate)).startswith("steps.skills_reflection.prompt.")


def test_a_stray_brace_is_a_content_error_naming_the_step(modified: Build) -> None:
    message = refuse(
        modified(_set_prompt("capacity_reflection", "employer", "In a few words: {how demanding is the role?"))
    )
    assert message.startswith("steps.capacity_reflection.prompt.employer: ")


def test_a_factor_without_explanation_is_a_content_error_naming_the_factor(modified: Build) -> None:
    def mutate(data: dict[str, Any]) -> None:
        del factor(data, "pay")["explain"]

    assert "pay" in refuse(modified(mutate))


def _append_to(where: str, suffix: str) -> Mutator:
    """A mutator that appends ``suffix`` to the raw text at ``where`` (as outgoing_texts names it)."""
    kind, name, *rest = where.split(".")

    def mutate(data: dict[str, Any]) -> None:
        if kind == "messages":
            data["messages"][name] += suffix
            return
        holder: dict[str, Any]
        if kind == "faq":
            holder, field, audience = data["faq"], name, rest[0]
        elif kind == "terms":
            holder, field, audience = next(t for t in data["terms"] if t["id"] == name), "text", rest[0]
        elif kind == "factors":
            holder, field, audience = factor(data, name), rest[0], rest[1]
        else:
            holder, field, audience = step(data, name), rest[0], rest[1]
        if isinstance(holder[field], str):
            holder[field] += suffix
        else:
            holder[field][audience] += suffix

    return mutate


@pytest.mark.parametrize("where", [where for where, _ in _OUTGOING_EN], ids=[where for where, _ in _OUTGOING_EN])
def test_every_outgoing_text_is_checked_for_gsm7_where_it_is(modified: Build, where: str) -> None:
    """The load-time check covers each outgoing text: one em dash in exactly that text is refused, naming it."""
    assert refuse(modified(_append_to(where, " \u2014"))) == f"{where}: characters outside GSM-7: ['\u2014']"


# ---- language markup: [fr]...[/fr] marks a passage in another language ------------------------------------------
@pytest.mark.parametrize(
    ("mutate", "error"),
    [
        (
            _set_message("intro_2", "Your answers are saved. [fr]Service en FRANÇAIS: écrivez FRANÇAIS."),
            "messages.intro_2: [fr] is not closed: end the passage with [/fr]",
        ),
        (
            _set_message("language_offer", "Hi! Reply 1. [fr]Bonjour! [en]Reply[/en] 2.[/fr]"),
            "messages.language_offer: [en] inside [fr]: close [/fr] first",
        ),
        (
            _set_prompt("role", "any", "Are you looking for work, or hiring? [es]Busca trabajo?[/es]"),
            "steps.role.prompt.any: unknown language tag [es] (a passage in another language is [en], [fr])",
        ),
        (
            _set_message("paused", "Paused. Your answers are saved.[/fr]"),
            "messages.paused: [/fr] closes no passage",
        ),
        (
            _set_message("paused", "[en]Paused.[/en] Your answers are saved."),
            "messages.paused: [en] marks a passage in the text's own language: remove the tags",
        ),
    ],
    ids=["unclosed", "nested", "unknown-code", "closes-nothing", "own-language"],
)
def test_malformed_language_markup_is_refused_naming_the_key(modified: Build, mutate: Mutator, error: str) -> None:
    assert refuse(modified(mutate)) == error


@pytest.mark.parametrize("where", [where for where, _ in _OUTGOING_EN], ids=[where for where, _ in _OUTGOING_EN])
def test_every_outgoing_text_is_checked_for_language_markup_where_it_is(modified: Build, where: str) -> None:
    assert (
        refuse(modified(_append_to(where, " [fr]Bonjour")))
        == f"{where}: [fr] is not closed: end the passage with [/fr]"
    )


def test_a_marked_passage_is_accepted_and_sent_without_its_tags(modified: Build) -> None:
    edited = parse_content(modified(_set_message("paused", "Paused. [fr]C'est en pause.[/fr] Send any message.")))
    assert edited.message("paused") == "Paused. [fr]C'est en pause.[/fr] Send any message."
    assert dict(outgoing_texts(edited))["messages.paused"] == "Paused. C'est en pause. Send any message."


def test_the_sms_limit_counts_the_text_without_its_tags(modified: Build) -> None:
    # The tags alone would cost 13 septets ([ and ] count twice): only the 306 characters sent are counted.
    assert parse_content(modified(_set_message("skipped", "y" * 296 + " [fr]" + "z" * 9 + "[/fr]")))
    assert (
        refuse(modified(_set_message("skipped", "y" * 296 + " [fr]" + "z" * 10 + "[/fr]")))
        == "messages.skipped: 307 characters is more than 2 SMS segments"
    )


def test_the_real_mixed_messages_are_marked_and_sent_plain(content: Content) -> None:
    texts = dict(outgoing_texts(content))
    assert content.message("intro_2").endswith("is shared. [fr]Service en FRANÇAIS: écrivez FRANÇAIS.[/fr]")
    assert texts["messages.intro_2"].endswith("is shared. Service en FRANÇAIS: écrivez FRANÇAIS.")
    assert texts["messages.language_offer"] == (
        "Hi! English or French? Reply 1 for English. Bonjour! Répondez 2 pour le FRANÇAIS."
    )
    fr = dict(outgoing_texts(load_content("fr")))
    assert fr["messages.intro_2"].endswith("est partagé. In English? Write ENGLISH.")
    assert fr["messages.language_offer"] == "Bonjour! Pour le FRANÇAIS, répondez 2. Hi! For English, reply 1."
    assert not [where for where, text in [*texts.items(), *fr.items()] if "[en]" in text or "[fr]" in text]


@pytest.mark.parametrize(
    ("mutate", "where"),
    [
        (lambda data: data["options"]["role"][1].update(label="[fr]J'embauche[/fr]"), "option 'employer'"),
        (lambda data: factor(data, "pay").update(name="Pay [fr]salaire[/fr]"), "factors.pay.name"),
        (_set_message("summary_title", "Your summary [fr]Votre résumé[/fr]"), "messages.summary_title"),
        (_set_message("options_reply", "Reply {choices}. [fr]Répondez.[/fr]"), "messages.options_reply"),
    ],
    ids=["option-label", "factor-name", "summary-word", "options-line"],
)
def test_markup_where_no_passage_can_be_marked_is_refused(modified: Build, mutate: Mutator, where: str) -> None:
    assert refuse(modified(mutate)) == f"{where}: [fr]...[/fr] markup is for message texts only, not here"


@pytest.mark.parametrize(
    ("where", "invited", "named"),
    [("closing_reflection", ["hlep"], "hlep"), ("clarity_after", ["help"], "scale")],
)
def test_an_invited_request_must_be_a_known_request_on_a_text_question(
    modified: Build, where: str, invited: list[str], named: str
) -> None:
    def mutate(data: dict[str, Any]) -> None:
        step(data, where)["invited_requests"] = invited

    assert refuse(modified(mutate)).endswith(
        f"step {where}: invited_requests needs a text question and requests among help, skip, back, repeat, pause,"
        f" restart, stop, delete, human, language (not {named})"
    )
