"""The real content keeps the SMS rules (GSM-7, two segments with the options line), the step count and both audiences."""

from __future__ import annotations

import pytest

from bot.content import gsm7, load_content
from bot.content.loader import MAX_SEGMENTS, outgoing_texts
from bot.content.model import ANY, Content
from bot.content.render import with_options
from bot.interpretation.commands import detect_command

AUDIENCES = ("work_seeker", "employer")
_CONTENT = load_content()
_OUTGOING = outgoing_texts(_CONTENT)


def sent_prompt(content: Content, step_id: str, audience: str) -> str:
    """A question exactly as the engine words it for ``audience``, with the SMS options line."""
    return with_options(content.question_text(step_id, audience), content.step(step_id).options)


def assert_sms_ok(where: str, text: str) -> None:
    bad = sorted({ch for ch in text if not gsm7.is_gsm7(ch)})
    assert not bad, f"{where}: not GSM-7: {bad!r}"
    assert gsm7.segments(text) <= MAX_SEGMENTS, f"{where}: {gsm7.septets(text)} septets"


def test_outgoing_texts_cover_every_message_prompt_help_and_explanation(content: Content) -> None:
    wheres = {where for where, _ in _OUTGOING}
    assert {f"messages.{key}" for key in content.messages} <= wheres
    for step in content.steps:
        assert {f"steps.{step.id}.prompt.{aud}" for aud in step.prompt} <= wheres
        assert {f"steps.{step.id}.help.{aud}" for aud in step.help} <= wheres
    for factor in content.factors:
        assert {f"factors.{factor.id}.explain.{aud}" for aud in factor.explain} <= wheres


# Each outgoing text's encoding and segments are checked when the content loads (tests/content/test_content_errors.py
# shows each refusal); what only exists once rendered, a question with its real factor name, is checked below.


def test_questions_carry_their_sms_options_line_in_outgoing_texts(content: Content) -> None:
    texts = dict(_OUTGOING)
    rating = texts["steps.skills_rating.prompt.any"]
    assert rating.endswith("\nReply 1 Strength, 2 Stressor, 3 Both or 4 Not sure.")
    assert texts["steps.clarity_before.prompt.employer"].endswith("\nReply 1-5.")
    assert "\nReply" not in texts["steps.skills_reflection.prompt.work_seeker"]


@pytest.mark.parametrize("audience", AUDIENCES)
def test_every_question_as_sent_with_the_real_factor_name_fits_two_segments(content: Content, audience: str) -> None:
    for step in content.steps:
        assert_sms_ok(f"{step.id}/{audience}", sent_prompt(content, step.id, audience))
        if step.help:
            assert_sms_ok(f"{step.id}.help/{audience}", step.help_for(audience))


@pytest.mark.parametrize("audience", AUDIENCES)
def test_factor_explanations_for_each_audience_fit_two_segments(content: Content, audience: str) -> None:
    for factor in content.factors:
        assert_sms_ok(f"{factor.id}/{audience}", factor.explain.get(audience) or factor.explain[ANY])


def test_messages_with_real_placeholder_values_fit_two_segments(content: Content) -> None:
    cases = [
        ("resume_code", {"code": "KTPW-482", "days": 7}),
        ("too_long", {"limit": 4000}),
        ("summary_clarity", {"before": 5, "after": 5}),
    ]
    cases += [("completed_shared", {"practitioner": content.practitioner(aud)}) for aud in AUDIENCES]
    cases += [("fix_intro", {"part": option.label}) for option in content.step("fix").options]
    for key, values in cases:
        assert_sms_ok(f"{key}{values}", content.message(key, **values))


def test_option_labels_are_gsm7(content: Content) -> None:
    for step in content.steps:
        for option in step.options:
            assert gsm7.is_gsm7(option.label), (step.id, option.label)


@pytest.mark.parametrize(
    "role,before,after",
    [
        ("work_seeker", ["clarity_before", "confidence_before", "work_sought"], ["barriers", "clarity_after"]),
        ("employer", ["clarity_before", "business_name", "hiring_role"], ["clarity_after"]),
    ],
)
def test_the_activity_path_of_each_role_is_at_most_20_questions(
    content: Content, role: str, before: list[str], after: list[str]
) -> None:
    path = [s for s in content.steps if s.kind != "fix" and s.applies_to(role)]
    ids = [s.id for s in path]
    assert ids[:2] == ["consent", "role"] and ids[2 : 2 + len(before)] == before
    factor_part = ids[2 + len(before) : 2 + len(before) + 12]
    # one question per factor; its rating question right after it, asked only when the words state no rating
    assert factor_part == [f"{f.id}_{part}" for f in content.factors for part in ("reflection", "rating")]
    assert all(content.step(f"{f.id}_rating").rating_from == f"{f.id}_reflection" for f in content.factors)
    rest = ids[2 + len(before) + 12 :]
    assert rest[: 1 + len(after)] == ["priorities", *after]
    assert rest[-3:] == ["closing_reflection", "review", "share"]
    # every rating in the words: the path without the rating questions, plus contact and research after a share
    assert len([i for i in ids if not i.endswith("_rating")]) + 2 <= 20
    assert [s.kind for s in content.steps].count("fix") == 1  # asked only on the change path


def test_six_factors_in_the_report_order(content: Content) -> None:
    assert [f.id for f in content.factors] == ["skills", "capacity", "pay", "arrangements", "values", "culture"]


def test_only_consent_role_review_fix_and_share_cannot_be_skipped(content: Content) -> None:
    assert {s.id for s in content.steps if not s.skippable} == {"consent", "role", "review", "fix", "share"}


def test_both_audiences_are_defined_with_a_practitioner(content: Content) -> None:
    assert set(content.audiences) == set(AUDIENCES)
    assert content.practitioner("work_seeker") == "Case Manager"
    assert content.practitioner("employer") == "Employer Engagement Specialist"


def test_audience_specific_steps_have_wording_for_both_audiences(content: Content) -> None:
    """A question asked of everyone has its words for both audiences (or for any); one asked of one role, for it."""
    specific = 0
    for step in content.steps:
        for name, texts in (("prompt", step.prompt), ("help", step.help)):
            if texts and set(texts) != {ANY}:
                specific += 1
                wanted = {step.audience} if step.audience else set(AUDIENCES)
                assert set(texts) == wanted, f"{step.id}.{name}: {sorted(texts)}"
    assert specific >= 15  # clarity x2, 6 factor questions, priorities, share, 7 questions of one role, closing


def test_factor_explanations_exist_for_both_audiences(content: Content) -> None:
    for factor in content.factors:
        assert set(factor.explain) in ({ANY}, set(AUDIENCES)), factor.id
        assert all(text.strip() for text in factor.explain.values())


def test_role_options_are_the_two_audiences(content: Content) -> None:
    assert [o.value for o in content.step("role").options] == list(AUDIENCES)
    assert [o.label for o in content.step("role").options] == [content.audiences[a]["label"] for a in AUDIENCES]


def test_rating_options_are_strength_stressor_both_and_not_sure(content: Content) -> None:
    for step in content.steps:
        if step.kind == "choice":
            assert [o.value for o in step.options] == ["strength", "stressor", "both", "unsure"], step.id


def test_fix_options_are_the_factors_then_priorities(content: Content) -> None:
    assert [o.value for o in content.step("fix").options] == [f.id for f in content.factors] + ["priorities"]


@pytest.mark.parametrize("command", ["help", "skip", "back", "repeat", "pause", "restart", "stop", "greet"])
def test_every_command_has_phrases(content: Content, command: str) -> None:
    assert content.commands[command]


def test_no_option_synonym_is_swallowed_by_a_command(content: Content) -> None:
    shadowed = [
        (step.id, option.value, name)
        for step in content.steps
        for option in step.options
        for name in (option.label, *option.synonyms)
        if detect_command(name, content) is not None
    ]
    assert shadowed == []


def test_every_synonym_and_command_phrase_is_text_in_the_yaml(raw_data: dict) -> None:
    not_text = [
        (name, s)
        for name, items in raw_data["options"].items()
        for item in items
        for s in item.get("synonyms") or ()
        if not isinstance(s, str)
    ]
    not_text += [
        (command, p) for command, phrases in raw_data["commands"].items() for p in phrases if not isinstance(p, str)
    ]
    assert not_text == []
