"""Fixtures for dialogue tests: the trained model, loaded once per module."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import REPO_ROOT

MODEL = REPO_ROOT / "models" / "mfbot.tar.gz"


@pytest.fixture(scope="module")
def agent():
    """The trained model as the Rasa server loads it (a missing model fails the test: run `make train`)."""
    from rasa.core.agent import Agent

    assert Path(MODEL).is_file(), f"{MODEL} is missing: run `make train`"
    loaded = Agent.load(str(MODEL))
    assert loaded.is_ready()
    return loaded
