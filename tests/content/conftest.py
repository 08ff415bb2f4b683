"""Fixtures for content tests: the real content, and the real content file changed in one place."""

from __future__ import annotations

import copy
from typing import Any, Callable

import pytest
import yaml

from bot.content.loader import content_path

Mutator = Callable[[dict[str, Any]], None]


@pytest.fixture(scope="session")
def raw_data() -> dict[str, Any]:
    """The real English content file as plain YAML data."""
    return yaml.safe_load(content_path("en").read_bytes())


def dump(data: dict[str, Any]) -> bytes:
    """YAML bytes for content data, non-ASCII characters kept as they are."""
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000).encode("utf-8")


@pytest.fixture
def modified(raw_data: dict[str, Any]) -> Callable[[Mutator], bytes]:
    """YAML bytes of the real content after ``mutate`` changed a deep copy of it."""

    def build(mutate: Mutator) -> bytes:
        data = copy.deepcopy(raw_data)
        mutate(data)
        return dump(data)

    return build


def step(data: dict[str, Any], step_id: str) -> dict[str, Any]:
    """The raw step with ``step_id`` (KeyError if the content no longer has it)."""
    for item in data["steps"]:
        if item["id"] == step_id:
            return item
    raise KeyError(step_id)


def factor(data: dict[str, Any], factor_id: str) -> dict[str, Any]:
    """The raw factor with ``factor_id``."""
    for item in data["factors"]:
        if item["id"] == factor_id:
            return item
    raise KeyError(factor_id)
