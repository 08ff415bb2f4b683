"""Findings 1-3: no one speaks for another channel's participant over REST, the action server takes only Rasa's
token-bearing calls on loopback, and huge bodies are refused at once without stalling anyone else."""

from __future__ import annotations

import pytest

from bench.security import attacks
from bench.security.target import Target
from tests.security.conftest import assert_refused

pytestmark = [pytest.mark.e2e]


def test_1_a_forged_input_channel_cannot_touch_an_sms_participants_run(target: Target) -> None:
    assert_refused(attacks.forged_channel(target))


def test_2_the_action_server_refuses_calls_without_the_token_and_listens_on_loopback(target: Target) -> None:
    assert_refused(attacks.action_server(target))


def test_3_huge_bodies_are_refused_fast_and_a_web_chat_reply_still_comes_quickly(target: Target) -> None:
    assert_refused(attacks.huge_bodies(target))
