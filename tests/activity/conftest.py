"""Fixtures for engine tests: an ActivityFlow on the real migrated SQLite database, and a participant to chat as."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Callable, Iterator, Optional

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.activity.flow import ActivityFlow, Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.content import load_content
from bot.content.model import Content
from bot.interpretation.nlu import NluResult
from bot.settings import get_settings, load_settings
from bot.store import migrate
from bot.store import repository as repo
from bot.store.db import dispose_all
from bot.store.models import ActivityRun, Answer, ChannelIdentity, utcnow

ROLE_LABEL = {"work_seeker": "Looking for work", "employer": "Hiring"}
FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")


class Clock:
    """A settable "now" for the engine."""

    def __init__(self) -> None:
        self.now = utcnow()

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@dataclass
class Chat:
    """One participant talking to the engine on one channel."""

    flow: ActivityFlow
    sender_id: str
    channel: str = "rest"
    history: list[Outcome] = field(default_factory=list)

    def say(self, text: str, intent: Optional[str] = None, confidence: float = 0.0) -> Outcome:
        nlu = NluResult(ranking=((intent, confidence),)) if intent else NluResult()
        outcome = self.flow.handle(Incoming(channel=self.channel, sender_id=self.sender_id, text=text, nlu=nlu))
        self.history.append(outcome)
        return outcome

    def texts(self, text: str, **kwargs) -> list[str]:
        return [m.text for m in self.say(text, **kwargs).messages]

    @property
    def session(self) -> Session:
        return self.flow.session

    def identity(self) -> ChannelIdentity:
        found = repo.find_identity(session=self.session, channel=self.channel, external_id=self.sender_id)
        assert found is not None
        return found

    def run(self) -> ActivityRun:
        run = repo.latest_run(session=self.session, participant=self.identity().participant)
        assert run is not None
        return run

    def step(self) -> str:
        return self.run().step_id

    def current(self) -> dict[str, Answer]:
        return repo.current_answers(session=self.session, run=self.run())


def question(content: Content, step_id: str, role: Optional[str]) -> BotMessage:
    """The question message the engine sends for ``step_id``, exactly."""
    return BotMessage(content.question_text(step_id, role), options=content.step(step_id).options)


def message(content: Content, key: str, **values: object) -> BotMessage:
    return BotMessage(content.message(key, **values))


def intro(content: Content) -> list[BotMessage]:
    """Every intro message in the content, in order."""
    return [message(content, key) for key in sorted(k for k in content.messages if k.startswith("intro_"))]


def reflection(role: str, factor_id: str) -> str:
    return REFLECTIONS[role][factor_id]


# Reflections deliberately contain request words, markup, accents, emoji and newlines: all are answers, kept as typed.
REFLECTIONS = {
    "work_seeker": {
        "skills": "Forklift, Excel & customer service; I can help train people",
        "capacity": "I need to stop working nights",
        "pay": "help with childcare, and at least $22/hour",
        "arrangements": "Day shifts only,\nclose to the bus (route 1)",
        "values": "Respect <b>and</b> honesty \U0001f4aa",
        "culture": "Un milieu o\u00f9 je peux poser des questions sans \u00eatre jug\u00e9e",
    },
    "employer": {
        "skills": "Driver's licence on day one; we teach the rest",
        "capacity": "Fast on weekends, back office is calm. Break times matter",
        "pay": "$17/h + tips, free meals, 2 weeks off",
        "arrangements": "We can't flex weekend shifts; skip breakfast shifts are optional",
        "values": "Reliability, care for customers <script>alert(1)</script>",
        "culture": "Family business \u2014 everyone pitches in \U0001f600",
    },
}
RATING_REPLIES = {
    "skills": ("1", "strength"),
    "capacity": ("2", "stressor"),
    "pay": ("3", "both"),
    "arrangements": ("Stressor", "stressor"),
    "values": ("strength", "strength"),
    "culture": ("Both/not sure", "both"),
}


def script(role: str) -> list[tuple[str, Optional[str]]]:
    """(message, step the bot asks next) for a complete activity, from the first hello to the handoff."""
    turns: list[tuple[str, Optional[str]]] = [
        ("hi", "consent"),
        ("yes", "role"),
        (ROLE_LABEL[role], "clarity_before"),
        ("2", "skills_rating"),
    ]
    for i, factor_id in enumerate(FACTORS):
        turns.append((RATING_REPLIES[factor_id][0], f"{factor_id}_reflection"))
        turns.append(
            (reflection(role, factor_id), f"{FACTORS[i + 1]}_rating" if i + 1 < len(FACTORS) else "priorities")
        )
    turns += [("3 4", "clarity_after"), ("4", "review"), ("1", "share"), ("Yes", None)]
    return turns


def drive(chat: Chat, until: str, role: str = "work_seeker") -> None:
    """Answer the standard script until the bot is asking ``until``."""
    for text, asks in script(role):
        chat.say(text)
        assert chat.step() == asks
        if asks == until:
            return
    raise AssertionError(f"{until} is not on the path")


def count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


@pytest.fixture(scope="session")
def migrated_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One SQLite file migrated to head, copied for each test (migrating per test would triple the run time)."""
    path = tmp_path_factory.mktemp("template") / "bot.sqlite3"
    migrate.upgrade(f"sqlite:///{path}")
    dispose_all()
    assert not path.with_name(path.name + "-wal").exists() or path.with_name(path.name + "-wal").stat().st_size == 0
    return path


@pytest.fixture
def db_url(migrated_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """Like the root fixture (a fresh migrated SQLite file, DATABASE_URL set), from the migrated template."""
    path = tmp_path / "bot.sqlite3"
    shutil.copyfile(migrated_template, path)
    url = f"sqlite:///{path}"
    monkeypatch.setenv("DATABASE_URL", url)
    get_settings.cache_clear()
    yield url
    dispose_all()
    get_settings.cache_clear()


@pytest.fixture
def content() -> Content:
    return load_content()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def make_flow(session: Session, content: Content) -> Callable[..., ActivityFlow]:
    """An engine on the test database; pass ``now`` to control time."""

    def build(now: Optional[Callable[[], datetime]] = None, on: Optional[Session] = None) -> ActivityFlow:
        kwargs = {"now": now} if now is not None else {}
        return ActivityFlow(session=on or session, content=content, settings=load_settings(), **kwargs)

    return build


@pytest.fixture
def chat(make_flow: Callable[..., ActivityFlow], clock: Clock) -> Chat:
    """A new participant on the REST channel, with the engine on a settable clock."""
    return Chat(make_flow(now=clock), sender_id="rest-participant-1")


@pytest.fixture
def new_chat(make_flow: Callable[..., ActivityFlow], clock: Clock) -> Iterator[Callable[..., Chat]]:
    """Another participant (or the same one on another channel)."""

    def build(sender_id: str, channel: str = "rest") -> Chat:
        return Chat(make_flow(now=clock), sender_id=sender_id, channel=channel)

    yield build
