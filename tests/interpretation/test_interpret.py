"""The interpretation step: numbers, names, typos, NLU thresholds, consent strictness and the bias toward answers."""

from __future__ import annotations

from typing import Optional

import pytest

from bot.content import load_content
from bot.interpretation import decision as meant
from bot.interpretation.commands import detect_command
from bot.interpretation.interpret import interpret, worded_as_question
from bot.interpretation.nlu import NluResult, with_step_prior
from bot.interpretation.numbers import option_number, scale_number
from bot.interpretation.text import normalise
from bot.interpretation.topics import term_asked, yes_or_no

CONTENT = load_content()
NO_NLU = NluResult()


def nlu(intent: str, confidence: float, second: float = 0.0, fell_back: bool = False) -> NluResult:
    ranking = (
        ((intent, confidence), ("inform", second)) if intent != "inform" else ((intent, confidence), ("help", second))
    )
    return NluResult(ranking=ranking, fell_back=fell_back)


def decide(text: str, step_id: str, result: NluResult = NO_NLU) -> meant.Decision:
    return interpret(text, CONTENT.step(step_id), result, CONTENT)


def picked(decision: meant.Decision) -> Optional[str]:
    return ",".join(o.value for o in decision.options) if decision.options else None


@pytest.mark.parametrize(
    ("step", "raw", "value"),
    [
        ("consent", "1", "yes"),
        ("consent", "2", "no"),
        ("consent", "Yes", "yes"),
        ("consent", "YES!", "yes"),
        ("consent", "yes please", "yes"),
        ("consent", "okay", "yes"),
        ("consent", "sure", "yes"),
        ("consent", "I agree", "yes"),
        ("consent", "nope", "no"),
        ("consent", "No thanks.", "no"),
        ("consent", " 2 ", "no"),
        ("consent", "option 1", "yes"),
        ("consent", "number 2", "no"),
        ("consent", "1.", "yes"),
        ("consent", "#1", "yes"),
        ("consent", "1 please", "yes"),
        ("consent", "the first one", "yes"),
        ("role", "Looking for work", "work_seeker"),
        ("role", "looking for a job", "work_seeker"),
        ("role", "I need a job", "work_seeker"),
        ("role", "1", "work_seeker"),
        ("role", "Hiring", "employer"),
        ("role", "I own a business", "employer"),
        ("role", "2", "employer"),
        ("role", "I'm looking for work", "work_seeker"),
        ("role", "I\u2019m looking for a job", "work_seeker"),
        ("role", "We're hiring", "employer"),
        ("skills_rating", "3", "both"),
        ("skills_rating", "Strength", "strength"),
        ("skills_rating", "stressor", "stressor"),
        ("skills_rating", "Both", "both"),
        ("skills_rating", "Not sure", "unsure"),
        ("skills_rating", "don\u2019t know", "unsure"),
        ("skills_rating", "idk", "unsure"),
        ("skills_rating", "the second one", "stressor"),
        ("skills_rating", "2nd", "stressor"),
        ("skills_rating", "option 1", "strength"),
        ("skills_rating", "strenght", "strength"),
        ("skills_rating", "stressorr", "stressor"),
        ("skills_rating", "def a strength", "strength"),
        ("skills_rating", "last one", "unsure"),
        ("clarity_before", "4", "4"),
        ("clarity_before", "five", "5"),
        ("clarity_before", "very clear", "5"),
        ("clarity_before", "not clear", "1"),
        ("clarity_before", "4 out of 5", "4"),
        ("clarity_before", "like a 4", "4"),
        ("clarity_before", "4/5", "4"),
        ("clarity_before", "somewhere around 2", "2"),
        ("clarity_before", "pretty clear", "4"),
        ("review", "1", "yes"),
        ("review", "Looks right", "yes"),
        ("review", "looks good", "yes"),
        ("review", "2", "change"),
        ("review", "no", "change"),
        ("review", "NO!", "change"),
        ("review", "Change something", "change"),
        ("fix", "3", "pay"),
        ("fix", "Pay", "pay"),
        ("fix", "Pay & benefits", "pay"),
        ("fix", "Work arrangements", "arrangements"),
        ("fix", "7", "priorities"),
        ("fix", "top priorities", "priorities"),
        ("fix", "the culture one", "culture"),
        ("priorities", "3 4", "pay,arrangements"),
        ("priorities", "pay and culture", "pay,culture"),
    ],
)
def test_rules_alone_pick_the_meant_option(step: str, raw: str, value: str) -> None:
    decision = decide(raw, step)
    assert (decision.kind, picked(decision)) == (meant.ANSWER, value)


@pytest.mark.parametrize(
    ("step", "raw"),
    [
        ("consent", "0"),
        ("consent", "3"),
        ("consent", "maybe later"),
        ("consent", "yess"),
        ("consent", "\U0001f44d"),
        ("consent", "1 sec, let me read this"),
        ("consent", "2 questions before I agree"),
        ("consent", "ok wait"),
        ("consent", "sure?"),
        ("consent", "yes but who sees it?"),
        ("share", "1 question first - who exactly will see it?"),
        ("role", "both"),
        ("skills_rating", "5"),
        ("skills_rating", "12"),
        ("skills_rating", "not a strength"),
        ("clarity_before", "6"),
        ("clarity_before", "0"),
        ("clarity_before", "10"),
        ("clarity_before", "3.5"),
        ("clarity_before", "3 or 4"),
        ("fix", "8"),
        ("fix", "everything"),
    ],
)
def test_rules_alone_never_guess(step: str, raw: str) -> None:
    """Without a confident NLU result these are not answers: a leading number is not a choice."""
    assert decide(raw, step).kind != meant.ANSWER


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("yeah ok", nlu("affirm", 0.95)),
        ("sure thing go ahead", nlu("affirm", 0.9, 0.05)),
    ],
)
def test_a_sure_plain_yes_from_nlu_is_consent(raw: str, result: NluResult) -> None:
    decision = decide(raw, "consent", result)
    assert (decision.kind, picked(decision)) == (meant.ANSWER, "yes")


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("yeah but what is it for", nlu("affirm", 0.95)),  # hedged
        ("yes i think so", nlu("affirm", 0.95)),  # hedged
        ("ya probably", nlu("affirm", 0.95)),
        ("yeah ok", nlu("affirm", 0.7, 0.2)),  # not sure enough
        ("yeah ok", nlu("affirm", 0.95, fell_back=True)),
        ("sounds good to me I suppose if that is what everyone does here", nlu("affirm", 0.95)),  # too long to be plain
    ],
)
def test_a_hedged_or_unsure_yes_is_checked_first(raw: str, result: NluResult) -> None:
    decision = decide(raw, "consent", result)
    assert (decision.kind, picked(decision)) == (meant.CONFIRM_OPTION, "yes")


def test_a_question_at_consent_is_a_question_not_a_yes() -> None:
    decision = decide("ok but who will see my answers?", "consent", nlu("ask_who_sees", 0.6, 0.3))
    assert (decision.kind, decision.value) == (meant.QUESTION, "who_sees")


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("No idea really, maybe something in customer service?", nlu("ask_meaning", 0.8)),  # not question-shaped
        ("nights", nlu("inform", 0.9)),
        ("flexible hours", nlu("choose_strength", 0.9)),  # a choice intent at a text step is an answer
        ("i really need to stop working nights because my kids are home alone then", nlu("stop", 0.99)),  # long
    ],
)
def test_free_text_saves_answers(raw: str, result: NluResult) -> None:
    assert decide(raw, "skills_reflection", result).kind == meant.ANSWER


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("I need to stop working nights", nlu("stop", 0.9)),
        ("help with childcare would make a big difference", nlu("help", 0.99)),
    ],
)
def test_free_text_never_eats_an_answer_even_when_nlu_is_wrong(raw: str, result: NluResult) -> None:
    """A request intent in a sentence longer than a request is checked, never acted on."""
    assert decide(raw, "skills_reflection", result).kind in (meant.ANSWER, meant.CONFIRM_ANSWER, meant.CONFIRM_REQUEST)


@pytest.mark.parametrize(
    ("raw", "result", "kind", "value"),
    [
        ("hang on", nlu("aside_wait", 0.9), meant.ASIDE, "wait"),
        ("sorry gotta run, lunch rush", nlu("aside_leave", 0.85), meant.ASIDE, "leave"),
        ("is this a real person?", nlu("ask_is_human", 0.9), meant.QUESTION, "is_human"),
        ("who will see this?", nlu("ask_who_sees", 0.8, 0.1), meant.QUESTION, "who_sees"),
        ("skip", NO_NLU, meant.REQUEST, "skip"),
        ("delete my answers", NO_NLU, meant.REQUEST, "delete"),
        ("can we pause please?", NO_NLU, meant.REQUEST, "pause"),
    ],
)
def test_free_text_asides_questions_and_requests(raw: str, result: NluResult, kind: str, value: str) -> None:
    decision = decide(raw, "skills_reflection", result)
    assert (decision.kind, decision.value) == (kind, value)


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("hang on while i think", nlu("aside_wait", 0.5, 0.3)),  # unsure
        ("wait staff with experience", nlu("aside_wait", 0.5, 0.2)),
        ("i need respect mostly", nlu("ask_meaning", 0.75, 0.1)),  # question intent, a statement: check
    ],
)
def test_free_text_unsure_asks_is_that_your_answer(raw: str, result: NluResult) -> None:
    assert decide(raw, "skills_reflection", result).kind == meant.CONFIRM_ANSWER


@pytest.mark.parametrize(
    ("raw", "language"), [("hang on", "en"), ("Hold on!", "en"), ("attends", "fr"), ("une minute", "fr")]
)
@pytest.mark.parametrize("step_id", ["skills_reflection", "skills_rating", "consent"])
def test_a_wait_phrase_is_an_aside_whatever_the_nlu_says(raw: str, language: str, step_id: str) -> None:
    """A whole message that only asks to wait is never saved, never a choice: the bot says to take your time."""
    content = load_content(language)
    decision = interpret(raw, content.step(step_id), nlu("inform", 0.9, 0.8), content)
    assert (decision.kind, decision.value, decision.reason) == (meant.ASIDE, "wait", "phrase")


def test_a_typo_far_from_every_name_is_not_taken() -> None:
    assert decide("strawberry", "skills_rating").kind == meant.UNCLEAR


@pytest.mark.parametrize(("raw", "value"), [("mostly a strength", "strength"), ("struggle with it", "stressor")])
def test_sure_nlu_maps_a_sentence_to_an_option(raw: str, value: str) -> None:
    result = nlu("choose_strength" if value == "strength" else "choose_stressor", 0.8, 0.1)
    decision = decide(raw, "skills_rating", result)
    assert (decision.kind, picked(decision)) == (meant.ANSWER, value)


def test_unsure_nlu_proposes_the_option() -> None:
    result = NluResult(ranking=(("choose_stressor", 0.3), ("inform", 0.3), ("help", 0.2), ("choose_strength", 0.2)))
    decision = decide("kinda hard for me tbh", "skills_rating", result)
    assert (decision.kind, picked(decision)) == (meant.CONFIRM_OPTION, "stressor")


def test_the_step_is_context_its_options_outweigh_a_request_sharing_words() -> None:
    # "changer" is also in "change language": at the role question the role is the likelier meaning.
    result = NluResult(
        ranking=(("go_back", 0.40), ("role_work_seeker", 0.35), ("change_language", 0.15), ("inform", 0.10))
    )
    decision = decide("je veux changer de carrière", "role", result)
    assert (decision.kind, picked(decision)) == (meant.CONFIRM_OPTION, "work_seeker")
    assert [n for n, _ in with_step_prior(result, {"role_work_seeker"}, 2.0).ranking][0] == "role_work_seeker"
    assert sum(c for _, c in with_step_prior(result, {"role_work_seeker"}, 2.0).ranking) == pytest.approx(1.0)


def test_the_step_prior_never_touches_consent() -> None:
    result = NluResult(ranking=(("ask_who_sees", 0.50), ("affirm", 0.45), ("inform", 0.05)))
    assert decide("ok and who sees it", "consent", result).kind == meant.QUESTION


def test_a_choice_asked_as_a_question_is_checked_not_taken() -> None:
    result = NluResult(ranking=(("choose_both", 0.8), ("ask_meaning", 0.1), ("inform", 0.1)))
    decision = decide("strength compared to who, other businesses?", "skills_rating", result)
    assert (decision.kind, picked(decision)) == (meant.CONFIRM_OPTION, "both")


@pytest.mark.parametrize(
    "raw", ["ok but after this what happens", "so do i get a call after", "is this like a real person"]
)
def test_a_question_inside_a_sentence_is_worded_as_a_question(raw: str) -> None:
    assert worded_as_question(raw, raw)


@pytest.mark.parametrize(
    "raw",
    [
        "a place where I can ask questions",
        "I know what I want",
        "people who do what they say",
        "the main thing is that a boss respects me",
        "knowing who is the boss",
    ],
)
def test_a_clause_that_only_contains_a_question_word_is_a_statement(raw: str) -> None:
    assert not worded_as_question(raw, raw)


@pytest.mark.parametrize(
    ("norm", "count", "expected"),
    [
        ("2", 3, 2),
        ("option 2", 3, 2),
        ("the second one", 3, 2),
        ("2 kids at home", 3, None),
        ("4", 3, 0),
        ("last", 3, 3),
        ("i pick 1", 2, 1),
        ("1 sec let me read this", 2, None),
        ("two", 3, 2),
        ("2nd", 3, 2),
    ],
)
def test_option_number(norm: str, count: int, expected: Optional[int]) -> None:
    assert option_number(norm, count) == expected


@pytest.mark.parametrize(
    ("norm", "expected"), [("like a 4", 4), ("4 5", None), ("3 out of 5", 3), ("4 10", None), ("about 7", None)]
)
def test_scale_number(norm: str, expected: Optional[int]) -> None:
    assert scale_number(norm, 1, 5) == expected


@pytest.mark.parametrize(
    ("text", "term"),
    [
        ("whats a stressor", "stressor"),
        ("what do you mean strength", "strength"),
        ("what does capacity mean here", "capacity"),
        ("what is a magnetic factor", "magnetic"),
    ],
)
def test_term_asked(text: str, term: str) -> None:
    asked = term_asked(text, CONTENT)
    assert asked is not None and asked.id == term


@pytest.mark.parametrize(
    ("text", "strict", "result", "expected"),
    [
        ("yes", True, NO_NLU, "yes"),
        ("1", True, NO_NLU, "yes"),
        ("no", True, NO_NLU, "no"),
        ("yes?", True, NO_NLU, None),
        ("yeah go for it", True, nlu("affirm", 0.99), None),
        ("yeah go for it", False, nlu("affirm", 0.99), "yes"),
        ("hmm maybe", False, nlu("affirm", 0.99), None),
    ],
)
def test_yes_or_no(text: str, strict: bool, result: NluResult, expected: Optional[str]) -> None:
    assert yes_or_no(text, result, CONTENT, strict=strict) == expected


def test_nlu_result_from_rasa_parse_data_drops_the_fallback_intent() -> None:
    parse = {
        "intent": {"name": "nlu_fallback", "confidence": 0.3},
        "intent_ranking": [
            {"name": "nlu_fallback", "confidence": 0.3},
            {"name": "affirm", "confidence": 0.28},
            {"name": "deny", "confidence": 0.25},
        ],
    }
    result = NluResult.from_parse_data(parse)
    assert (result.intent, result.fell_back, round(result.margin, 2)) == ("affirm", True, 0.03)


def test_the_step_prior_keeps_the_share_of_intents_rasa_did_not_list() -> None:
    lone = NluResult(ranking=(("pause", 0.3),))
    assert with_step_prior(lone, {"choose_stressor"}, 2.0).ranking == (("pause", pytest.approx(0.3)),)
    assert decide("gotta run to my shift now bye", "capacity_rating", lone).kind == meant.UNCLEAR


FRENCH = load_content("fr")


def decide_fr(text: str, step_id: str, result: NluResult = NO_NLU) -> meant.Decision:
    return interpret(text, FRENCH.step(step_id), result, FRENCH)


@pytest.mark.parametrize(
    "raw",
    [
        "c'est-tu long",
        "mon boss va-tu voir ça",
        "pouvez-vous m'expliquer",
        "y a-t-il une autre étape",
        "pis après ça il se passe quoi",
        "je fais comment",
        "ça me donne quoi de faire ça",
        "force dans quel sens",
        "je me demande qui lit ça",
    ],
)
def test_french_asks_by_inversion_by_the_particle_tu_or_in_place(raw: str) -> None:
    assert worded_as_question(raw, normalise(raw))


@pytest.mark.parametrize(
    "raw",
    [
        "vas-y",
        "peut-être les horaires",
        "occupe-toi pas de ça",
        "une place où on se parle",
        "un patron qui écoute",
        "j'aime le travail d'équipe",
    ],
)
def test_french_statements_with_a_hyphen_or_a_question_word_inside_are_statements(raw: str) -> None:
    assert not worded_as_question(raw, normalise(raw))


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("pas clair pantoute", "1"),  # "pas clair" is named; "clair" (4) is only a part of it
        ("pas très clair", "2"),
        ("tres clair", "5"),  # typed without its accent
        ("assez clair je dirais", "4"),
    ],
)
def test_the_longest_name_in_a_reply_is_the_one_named(raw: str, value: str) -> None:
    decision = decide_fr(raw, "clarity_before")
    assert (decision.kind, picked(decision)) == (meant.ANSWER, value)


def test_a_negated_name_is_not_taken() -> None:
    assert decide_fr("pas assez clair", "clarity_before").kind != meant.ANSWER


# Each reply below is listed in fr.yml only with its accents.
@pytest.mark.parametrize(
    ("step", "raw", "value"),
    [("consent", "oke", "yes"), ("pay_rating", "c'est pas evident", "stressor"), ("pay_rating", "che pas", "unsure")],
)
def test_options_match_when_typed_without_accents(step: str, raw: str, value: str) -> None:
    decision = decide_fr(raw, step)
    assert (decision.kind, picked(decision)) == (meant.ANSWER, value)


def test_commands_match_when_typed_without_accents() -> None:
    assert detect_command("chu pret", FRENCH) == "greet"
    assert detect_command("parler a mon conseiller", FRENCH) == "human"


@pytest.mark.parametrize(
    ("raw", "result"),
    [
        ("EES?", nlu("ask_meaning", 0.3)),
        ("stressor for me, or for the job?", nlu("ask_meaning", 0.35)),
    ],
)
def test_a_short_question_the_nlu_doubts_is_checked_not_saved(raw: str, result: NluResult) -> None:
    assert decide(raw, "skills_reflection", result).kind == meant.CONFIRM_ANSWER


@pytest.mark.parametrize(
    "raw",
    [
        "culture tu veux dire quoi par ça",
        "une source de stress comme quoi genre",
        "stress dans le sens de quoi au juste",
        "c quoi une force",
        "pis si je dis non à ça",
        "ça m'avance à quoi de répondre à ça",
        "mon conseiller va faire quoi avec ça",
        "que signifie capacité dans ce contexte",
    ],
)
def test_french_questions_without_a_mark_are_read_as_questions(raw: str) -> None:
    """Worded as questions (a tagged or in-place question word, SMS "c quoi"), they are answered when the NLU agrees."""
    decision = decide_fr(raw, "skills_reflection", nlu("ask_meaning", 0.8, 0.1))
    assert (decision.kind, decision.value) == (meant.QUESTION, "meaning")


def test_a_french_question_naming_an_option_is_not_taken_as_that_option() -> None:
    decision = decide_fr("c quoi une force", "skills_rating", nlu("choose_strength", 0.3, 0.2))
    assert decision.kind != meant.ANSWER


def test_french_scale_out_of() -> None:
    decision = decide_fr("4 sur 5", "clarity_before")
    assert (decision.kind, picked(decision)) == (meant.ANSWER, "4")


@pytest.mark.parametrize(
    ("text", "confidence"),
    [("It helped me see what I bring", 0.56), ("it helped me put words on stuff", 0.85), ("Helped a lot", 0.95)],
)
def test_at_the_closing_question_help_words_the_question_invites_are_the_answer(text: str, confidence: float) -> None:
    """ "How has this helped you?" invites "it helped me ...": saved, never "Do you want help?"."""
    assert CONTENT.step("closing_reflection").invited_requests == frozenset({"help"})
    decision = decide(text, "closing_reflection", nlu("help", confidence))
    assert (decision.kind, decision.reason) == (meant.ANSWER, "invited_request_word")
    elsewhere = decide(text, "values_reflection", nlu("help", confidence))
    assert (elsewhere.kind, elsewhere.value) == (meant.CONFIRM_REQUEST, "help")


def test_at_the_closing_question_the_word_help_still_asks_for_help() -> None:
    decision = decide("help", "closing_reflection", nlu("help", 0.99))
    assert (decision.kind, decision.value, decision.reason) == (meant.REQUEST, "help", "phrase")
    pause = decide("it helped but can we stop for now", "closing_reflection", nlu("pause", 0.6))
    assert (pause.kind, pause.value) == (meant.CONFIRM_REQUEST, "pause")


@pytest.mark.parametrize("text", ["Long shifts in summer, a stressor", "a stressor, summers are long"])
def test_a_statement_giving_the_rating_the_question_asks_for_is_the_answer(text: str) -> None:
    decision = decide(text, "capacity_reflection", nlu("ask_meaning", 0.64))
    assert (decision.kind, decision.reason) == (meant.ANSWER, "rating_in_words")


@pytest.mark.parametrize("text", ["stressor means what", "strength meaning", "a stressor?"])
def test_a_rating_word_asked_about_is_still_a_question(text: str) -> None:
    decision = decide(text, "capacity_reflection", nlu("ask_meaning", 0.95))
    assert decision.kind in (meant.QUESTION, meant.CONFIRM_ANSWER) and decision.reason != "rating_in_words"
