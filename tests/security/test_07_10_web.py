"""Findings 7-10 against the running web app and Rasa: resume-code guessing limited per address, formulas escaped in
the research CSV, no 5xx and no silent empty reply, and the web surface (Host header, X-Forwarded-For, headers, ids)."""

from __future__ import annotations

import os
import subprocess

import pytest

from bench.security import attacks
from bench.security.target import Target
from bot.staff.ratelimit import MAX_FAILURES_PER_ADDRESS
from bot.store.attempts import FREE_FAILURES
from tests.security.conftest import assert_refused
from tests.support.stack import REPO, VENV_BIN

pytestmark = [pytest.mark.e2e]


def test_7_resume_codes_cannot_be_guessed_from_one_address_whatever_the_sender_id(
    target: Target, forget_resume_attempts: None
) -> None:
    assert_refused(attacks.resume_guessing(target, FREE_FAILURES))


def test_8_the_research_csv_escapes_formulas_like_the_staff_csv(target: Target) -> None:
    def export_csv() -> str:
        result = subprocess.run(
            [str(VENV_BIN / "python"), "-m", "bot", "export", "--format", "csv"],
            cwd=REPO,
            capture_output=True,
            env={**os.environ, "DATABASE_URL": target.db_url},
            timeout=120,
            check=True,
        )
        return result.stdout.decode("utf-8")

    assert_refused(attacks.csv_formulas(target, export_csv))


def test_9_bad_bodies_get_4xx_and_a_dead_action_server_a_reason_never_200_with_nothing(target: Target) -> None:
    assert_refused(attacks.bad_bodies(target))


def test_10_host_header_forwarded_for_headers_and_sender_ids(target: Target) -> None:
    assert_refused(attacks.web_surface(target, MAX_FAILURES_PER_ADDRESS))
