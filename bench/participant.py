"""A simulated participant: answers whatever question the bot asks, from its own plan, over a JSON chat endpoint
(the web chat proxy, or the REST webhook: both take {sender, message} and return the bot's messages)."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Optional

import httpx

from bot.content.model import Content, Step

ROLES = ("work_seeker", "employer")
RESYNC = "repeat"  # a whole-message command: re-asks the current question, saves nothing


@dataclass(frozen=True)
class Plan:
    """Who the participant is and what they answer to each question (step id -> exact text)."""

    sender: str
    role: str
    answers: dict[str, str]
    order: tuple[str, ...]  # the step ids of a complete activity, in the order they are asked


@dataclass
class Request:
    """One message sent: when, how long the reply took, and what went wrong (None: a proper reply)."""

    started: float
    latency: float
    error: Optional[str] = None


@dataclass
class Result:
    """What happened to one participant."""

    plan: Plan
    finished: bool = False
    requests: list[Request] = field(default_factory=list)
    resyncs: int = 0
    system_errors: int = 0
    failure: Optional[str] = None

    @property
    def errors(self) -> list[Request]:
        return [r for r in self.requests if r.error is not None]


def linear_steps(content: Content, role: Optional[str] = None) -> list[Step]:
    """The steps a participant of ``role`` who never goes back or changes an answer may be asked, in order (a
    rating question too: this participant's words never state the rating, so it is always asked)."""
    return [s for s in content.steps if s.kind != "fix" and (role is None or s.applies_to(role))]


def option_number(step: Step, value: str) -> str:
    """The number a participant types to pick the option with ``value``."""
    return str([o.value for o in step.options].index(value) + 1)


def make_plan(content: Content, sender: str, role: str, rng: random.Random) -> Plan:
    """A complete activity for ``role``: a mix of numbers and labels, reflections unique to this sender."""
    answers: dict[str, str] = {}
    for step in linear_steps(content, role):
        if step.kind in ("consent", "share"):
            answers[step.id] = rng.choice(["yes", "Yes", option_number(step, "yes")])
        elif step.kind == "role":
            option = next(o for o in step.options if o.value == role)
            answers[step.id] = rng.choice([option.label, option_number(step, role)])
        elif step.kind == "review":
            answers[step.id] = rng.choice(["1", option_number(step, "yes")])
        elif step.kind == "multi":
            picks = rng.sample(range(1, len(step.options) + 1), k=min(2, step.max_choices))
            answers[step.id] = " ".join(str(p) for p in picks)
        elif step.kind == "text":
            answers[step.id] = (
                f"{sender} says {rng.choice(['day shifts', 'a kind team', 'fair pay', 'a bus route'])} ({step.id})"
            )
        else:  # scale and choice: a number or an option's label
            option = rng.choice(step.options)
            answers[step.id] = rng.choice([option.label, str(step.options.index(option) + 1)])
    return Plan(sender=sender, role=role, answers=answers, order=tuple(answers))


class PromptBook:
    """Recognises which question a reply asks, from the exact prompt texts in the content."""

    def __init__(self, content: Content):
        self.content = content
        self._by_role: dict[Optional[str], dict[str, str]] = {}
        for role in (None, *ROLES):
            prompts: dict[str, str] = {}
            for step in linear_steps(content):
                prompts[content.question_text(step.id, role)] = step.id
            self._by_role[role] = prompts
        self.done_texts = {content.message("completed_shared", practitioner=content.practitioner(r)) for r in ROLES}
        self.done_texts.add(content.message("already_completed"))
        self.system_error = content.message("system_error")

    def question(self, replies: list[dict], role: str) -> Optional[str]:
        """The step id the last question in ``replies`` asks, or None."""
        for reply in reversed(replies):
            text = reply.get("text") or ""
            for candidate in (role, None):
                step_id = self._by_role[candidate].get(text)
                if step_id is not None:
                    return step_id
        return None

    def finished(self, replies: list[dict]) -> bool:
        return any((r.get("text") or "") in self.done_texts for r in replies)

    def is_system_error(self, replies: list[dict]) -> bool:
        return any((r.get("text") or "") == self.system_error for r in replies)


async def send(
    client: httpx.AsyncClient, url: str, sender: str, text: str, timeout: float
) -> tuple[Optional[list[dict]], Request]:
    """POST one message; the replies (None on failure) and the timing."""
    started = time.monotonic()
    try:
        response = await client.post(url, json={"sender": sender, "message": text}, timeout=timeout)
        latency = time.monotonic() - started
        if response.status_code != 200:
            return None, Request(started, latency, f"http {response.status_code}")
        replies = response.json()
        if not isinstance(replies, list):
            return None, Request(started, latency, "not a list")
        return replies, Request(started, latency)
    except (httpx.HTTPError, ValueError) as exc:
        return None, Request(started, time.monotonic() - started, type(exc).__name__)


async def run_participant(
    client: httpx.AsyncClient,
    url: str,
    plan: Plan,
    book: PromptBook,
    *,
    deadline: float,
    timeout: float = 100.0,
    max_messages: int = 80,
    on_request: Optional[Callable[[Request], None]] = None,
    stop: Optional[Callable[[], bool]] = None,
    backoff: float = 1.0,
) -> Result:
    """Go through the whole activity: answer the question asked; after a failed or empty reply, ask for it again.

    After a system error the engine rolled the answer back, so the same answer is sent again; after a lost reply
    (HTTP error, timeout, no question in the reply) the answer may or may not be saved, so the participant sends
    "repeat" and answers whatever question comes back. A saved answer is thus never sent twice.
    """
    result = Result(plan=plan)
    text = "hi"
    failures_in_a_row = 0
    while time.monotonic() < deadline and len(result.requests) < max_messages:
        if stop is not None and stop():
            result.failure = "stopped"
            return result
        replies, request = await send(
            client, url, plan.sender, text, min(timeout, max(1.0, deadline - time.monotonic()))
        )
        step_id = None
        finished = replies is not None and book.finished(replies)
        if replies is not None and book.is_system_error(replies):
            request.error = "system_error"
            result.system_errors += 1
        elif replies is not None and not finished:
            step_id = book.question(replies, plan.role)
            if step_id is None:
                request.error = "no question in reply"
        result.requests.append(request)
        if on_request is not None:
            on_request(request)
        if finished:
            result.finished = True
            return result
        if request.error is None:
            failures_in_a_row = 0
            text = plan.answers[step_id]
            continue
        # Back off like a person whose message failed would (and like a client should): about 1, 2, 4, 5, 5 ... s.
        failures_in_a_row += 1
        await asyncio.sleep(backoff * min(5.0, 2.0 ** (failures_in_a_row - 1)) * (0.75 + random.random() / 2))
        if request.error != "system_error":  # after a system error nothing was saved: the same text goes again
            text = RESYNC
            result.resyncs += 1
    result.failure = "deadline" if time.monotonic() >= deadline else "too many messages"
    return result
