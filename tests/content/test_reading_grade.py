"""Plain language: every English prose text reads at grade 6 or below, and the check names a text that does not."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any, Callable

from bot.content import load_content
from bot.content.loader import parse_content
from bot.content.reading_grade import MAX_GRADE, grade, graded, prose, too_hard

from .conftest import factor, step

REPO = Path(__file__).resolve().parents[2]
Build = Callable[[Callable[[dict[str, Any]], None]], bytes]
HARD = (
    "Comprehensive consideration of organisational responsibilities necessitates documentation "
    "of institutional expectations regarding interpersonal communication."
)


def test_every_english_prompt_help_and_explanation_is_at_grade_6_or_below() -> None:
    hard = [(row.where, row.grade) for row in too_hard(load_content("en"))]
    assert hard == []


def test_the_grade_covers_prompts_help_explanations_terms_faq_and_messages() -> None:
    places = {where.split(".")[0] for where, _ in prose(load_content("en"))}
    assert places == {"steps", "factors", "terms", "faq", "messages"}
    wheres = {where for where, _ in prose(load_content("en"))}
    assert "steps.pay_reflection.prompt.work_seeker" in wheres
    assert "steps.clarity_before.help.any" in wheres
    assert "messages.summary_title" not in wheres  # a heading, not prose


def test_prompts_are_graded_as_sent_with_their_factor_filled_in() -> None:
    texts = dict(prose(load_content("en")))
    assert texts["steps.pay_reflection.prompt.work_seeker"].startswith("3/6 Pay & benefits: what pay")
    assert "{" not in "".join(texts.values())
    assert "[fr]" not in "".join(texts.values())


def test_a_hard_sentence_scores_far_above_the_target_and_a_plain_one_below() -> None:
    assert grade(HARD) > 15
    assert grade("Is it OK to save your answers? You can ask us to delete them.") < MAX_GRADE


def test_a_hard_help_text_is_named_by_the_check(modified: Build) -> None:
    content = parse_content(modified(lambda data: step(data, "priorities")["help"].update(any=HARD)), source="t")
    assert [row.where for row in too_hard(content)] == ["steps.priorities.help.any"]


def test_a_hard_factor_explanation_is_named_by_the_check(modified: Build) -> None:
    data = modified(lambda d: factor(d, "values")["explain"].update(employer=HARD))
    hardest = graded(parse_content(data, source="t"))[0]
    assert (hardest.where, hardest.grade > MAX_GRADE) == ("factors.values.explain.employer", True)


def test_the_content_check_fails_on_a_hard_text_and_says_where(modified: Build, tmp_path: Path) -> None:
    path = tmp_path / "en.yml"
    path.write_bytes(modified(lambda data: step(data, "consent")["prompt"].update(any=HARD + " Reply YES or NO.")))
    done = subprocess.run(
        [sys.executable, "-m", "bot", "content", "check", str(path)], cwd=REPO, capture_output=True, text=True
    )
    assert done.returncode == 1
    assert "steps.consent.prompt.any" in done.stderr
    assert f"1 of {len(prose(load_content('en')))} prose texts above 6" in done.stdout


def test_the_content_check_prints_the_grades_of_the_real_files() -> None:
    done = subprocess.run([sys.executable, "-m", "bot", "content", "check"], cwd=REPO, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert f"0 of {len(prose(load_content('en')))} prose texts above 6 (target: none)" in done.stdout
    assert "reading ease (Flesch, Kandel-Moles constants)" in done.stdout  # French: reported
