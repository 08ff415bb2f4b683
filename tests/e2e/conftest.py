"""Fixtures for end-to-end tests: one real Rasa + action server stack for the whole package (each test its own sender).

Rasa keeps its trackers in SQL, as in production, so that the deletion test can see Rasa's own copy of a conversation
erased; the other tests do not depend on where Rasa keeps its trackers.
"""

from __future__ import annotations

from typing import Iterator

import pytest

from tests.support.database import DB_NAME, NewDatabase
from tests.support.stack import Stack, start_stack


@pytest.fixture(scope="package")
def stack(tmp_path_factory: pytest.TempPathFactory, new_database: NewDatabase) -> Iterator[Stack]:
    """A running stack on its own migrated SQLite file (a copy of the template), trackers in SQL."""
    workdir = tmp_path_factory.mktemp("stack")
    running = start_stack(workdir, new_database(workdir / DB_NAME), sql_tracker=True)
    yield running
    running.stop_all()
