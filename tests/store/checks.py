"""Helpers shared by the store tests: schema inspection (what `alembic check` does) and CSV reading."""

from __future__ import annotations

import csv
import io

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from bot.store import migrate
from bot.store.db import make_engine
from bot.store.models import Base

MODEL_TABLES = set(Base.metadata.tables)


def schema_differences(url: str) -> list:
    """What `alembic check` would report: differences between the migrated database and the models."""
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "compare_server_default": True}
            )
            return compare_metadata(context, Base.metadata)
    finally:
        engine.dispose()


def table_names(url: str) -> set[str]:
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def current_revision(url: str) -> str | None:
    engine = make_engine(url)
    try:
        with engine.connect() as connection:
            return MigrationContext.configure(connection).get_current_revision()
    finally:
        engine.dispose()


def head_revision() -> str:
    return ScriptDirectory.from_config(migrate.alembic_config()).get_current_head()


def csv_rows(text: str) -> list[dict[str, str]]:
    """Parse CSV text the way a researcher would (csv module, no newline translation)."""
    return list(csv.DictReader(io.StringIO(text, newline="")))
