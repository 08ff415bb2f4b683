"""Alembic migrations: upgrade, downgrade and upgrade again, and models and migrations agree (`alembic check`)."""

from __future__ import annotations

from pathlib import Path
from typing import Callable

import pytest

from bot.store import migrate
from tests.store.checks import MODEL_TABLES, current_revision, head_revision, schema_differences, table_names


@pytest.fixture
def migrated_url(empty_db_url: str) -> str:
    """An empty SQLite file brought to head by Alembic in this test (not a copy of the template: these test migrating)."""
    migrate.upgrade(empty_db_url)
    return empty_db_url


def test_upgrade_creates_every_model_table(migrated_url: str) -> None:
    assert table_names(migrated_url) == MODEL_TABLES | {"alembic_version"}
    assert current_revision(migrated_url) == head_revision()


def test_downgrade_then_upgrade_again(migrated_url: str) -> None:
    migrate.downgrade(migrated_url, "base")
    assert table_names(migrated_url) == {"alembic_version"}
    assert current_revision(migrated_url) is None
    migrate.upgrade(migrated_url)
    assert table_names(migrated_url) == MODEL_TABLES | {"alembic_version"}
    assert schema_differences(migrated_url) == []


def test_upgrade_twice_is_a_no_op(migrated_url: str) -> None:
    migrate.upgrade(migrated_url)
    assert current_revision(migrated_url) == head_revision()


def test_models_and_migrations_agree(migrated_url: str) -> None:
    assert schema_differences(migrated_url) == []


def test_the_template_copied_for_other_tests_is_what_alembic_makes(
    new_database: Callable[[Path], str], migrated_url: str, tmp_path: Path
) -> None:
    """What every other test starts from (a copy of the migrated template) is the database Alembic makes."""
    copy = new_database(tmp_path / "copy.sqlite3")
    assert table_names(copy) == table_names(migrated_url)
    assert current_revision(copy) == head_revision()
    assert schema_differences(copy) == []
