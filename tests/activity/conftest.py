"""Fixtures for engine tests: an ActivityFlow on the real migrated SQLite database (the root ``db_url``, a copy of the
migrated template), and a participant to chat as; the scripted activity is tests/support/activity.py."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Callable, Iterator, Optional

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.activity.flow import ActivityFlow, Incoming
from bot.activity.replies import BotMessage, Outcome
from bot.content.model import Content
from bot.interpretation.nlu import NluResult
from bot.settings import load_settings
from bot.store import repository as repo
from bot.store.models import ActivityRun, Answer, ChannelIdentity, utcnow


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
    step = content.step(step_id)
    return BotMessage(content.question_text(step_id, role), options=step.options, choose_up_to=step.max_choices)


def acknowledged(content: Content, step_id: str) -> BotMessage:
    """The short thanks the engine sends after the reflection at ``step_id`` is saved."""
    return BotMessage(content.acknowledgement(step_id))


def message(content: Content, key: str, **values: object) -> BotMessage:
    return BotMessage(content.message(key, **values))


def intro(content: Content) -> list[BotMessage]:
    """Every intro message in the content, in order."""
    return [message(content, key) for key in sorted(k for k in content.messages if k.startswith("intro_"))]


def count(session: Session, model: type) -> int:
    return session.execute(select(func.count()).select_from(model)).scalar_one()


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
