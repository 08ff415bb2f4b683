"""Alembic migrations: upgrade, downgrade and upgrade again, and models and migrations agree (`alembic check`)."""

from __future__ import annotations

from bot.store import migrate
from tests.store.checks import MODEL_TABLES, current_revision, head_revision, schema_differences, table_names


def test_upgrade_creates_every_model_table(db_url: str) -> None:
    assert table_names(db_url) == MODEL_TABLES | {"alembic_version"}
    assert current_revision(db_url) == head_revision()


def test_downgrade_then_upgrade_again(db_url: str) -> None:
    migrate.downgrade(db_url, "base")
    assert table_names(db_url) == {"alembic_version"}
    assert current_revision(db_url) is None
    migrate.upgrade(db_url)
    assert table_names(db_url) == MODEL_TABLES | {"alembic_version"}
    assert schema_differences(db_url) == []


def test_upgrade_twice_is_a_no_op(db_url: str) -> None:
    migrate.upgrade(db_url)
    assert current_revision(db_url) == head_revision()


def test_models_and_migrations_agree(db_url: str) -> None:
    assert schema_differences(db_url) == []
