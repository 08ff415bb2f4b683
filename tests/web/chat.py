"""Driving the chat page in Chromium and reading what it saved: a page object, the activity script and DB look-ups."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any, Optional
from urllib.parse import urlsplit

from playwright.sync_api import Page
from sqlalchemy import select

from bot.content import load_content
from bot.store import repository as repo
from bot.store.db import session_factory
from bot.store.models import Answer, Handoff
from tests.support.stack import Stack
from tests.support.stored import stored

REPLY_TIMEOUT_MS = 60_000
FACTORS = ("skills", "capacity", "pay", "arrangements", "values", "culture")
ROLE_LABEL = {"work_seeker": "Looking for work", "employer": "Hiring"}


def prompt(step_id: str, role: Optional[str]) -> str:
    """The exact question the bot asks at ``step_id`` (as the engine words it)."""
    content = load_content()
    return content.question_text(step_id, role)


def message(key: str, **values: Any) -> str:
    return load_content().message(key, **values)


@dataclass(frozen=True)
class Turn:
    """One thing the participant does: click a choice or type a message, and the step the bot asks next."""

    action: str  # "click" or "type"
    text: str
    next_step: Optional[str]


# The answers outside the six factors, typed; and how to reach them, after the share.
ABOUT = {
    "work_seeker": {
        "work_sought": "Cook or dishwasher",
        "barriers": "No car, the bus stops at 6",
        "closing": "I feel clearer about the job I want",
    },
    "employer": {
        "business_name": "Harbour Diner",
        "hiring_role": "Line cook, part time",
        "closing": "We know what to put in the job ad now",
    },
}
CONTACT = "Sam, sam@example.ca, mornings"


def activity_turns(role: str, ratings: dict[str, str], reflections: dict[str, str]) -> list[Turn]:
    """A complete activity after Start: choices clicked, the answers typed (their words state no rating, so each
    factor's rating is clicked after them), priorities typed, then the share and how to reach them."""
    about = ABOUT[role]
    turns = [Turn("click", "Yes", "role")]
    if role == "work_seeker":
        turns += [
            Turn("click", ROLE_LABEL[role], "clarity_before"),
            Turn("click", "2", "confidence_before"),
            Turn("click", "3", "work_sought"),
            Turn("type", about["work_sought"], "skills_reflection"),
        ]
    else:
        turns += [
            Turn("click", ROLE_LABEL[role], "clarity_before"),
            Turn("click", "2", "business_name"),
            Turn("type", about["business_name"], "hiring_role"),
            Turn("type", about["hiring_role"], "skills_reflection"),
        ]
    for i, factor in enumerate(FACTORS):
        turns.append(Turn("type", reflections[factor], f"{factor}_rating"))
        turns.append(
            Turn("click", ratings[factor], f"{FACTORS[i + 1]}_reflection" if i + 1 < len(FACTORS) else "priorities")
        )
    if role == "work_seeker":
        turns += [
            Turn("type", "3 4", "barriers"),
            Turn("type", about["barriers"], "clarity_after"),
            Turn("click", "4", "confidence_after"),
            Turn("click", "4", "closing_reflection"),
        ]
    else:
        turns += [Turn("type", "3 4", "clarity_after"), Turn("click", "4", "closing_reflection")]
    turns += [
        Turn("type", about["closing"], "review"),
        Turn("click", "Looks right", "share"),
        Turn("click", "Yes", None),
        Turn("type", CONTACT, None),
    ]
    return turns


class ChatPage:
    """The chat page in one browser profile, recording every request, console error and dialog."""

    def __init__(self, page: Page, stack: Stack):
        self.page = page
        self.stack = stack
        self.requests: list[str] = []
        self.api_posts = 0
        self.errors: list[str] = []
        self.dialogs: list[str] = []
        page.on("request", self._on_request)
        page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: self.errors.append(str(e)))
        page.on("dialog", self._on_dialog)

    def _on_request(self, request) -> None:
        self.requests.append(request.url)
        if request.method == "POST" and urlsplit(request.url).path == "/chat/api/message":
            self.api_posts += 1

    def _on_dialog(self, dialog) -> None:
        self.dialogs.append(dialog.message)
        dialog.dismiss()

    # ---- navigation and state ----------------------------------------------------------------
    def open(self) -> ChatPage:
        self.response = self.page.goto(f"{self.stack.web_url}/")
        self.page.wait_for_selector("#composer")
        return self

    def reload(self) -> None:
        self.page.reload()
        self.page.wait_for_selector("#composer")

    def stored(self) -> dict[str, Any]:
        raw = self.page.evaluate("() => window.localStorage.getItem('mf-webchat-v1')")
        return json.loads(raw)

    @property
    def sender(self) -> str:
        return self.stored()["sender"]

    def foreign_requests(self) -> list[str]:
        """Requests to any origin other than the app's own."""
        own = urlsplit(self.stack.web_url)
        return [u for u in self.requests if (urlsplit(u).scheme, urlsplit(u).netloc) != (own.scheme, own.netloc)]

    # ---- reading the conversation ------------------------------------------------------------
    def bot_texts(self) -> list[str]:
        return self.page.locator("#log .msg.bot p").all_text_contents()

    def user_texts(self) -> list[str]:
        return self.page.locator("#log .msg.user p").all_text_contents()

    def last_bot_text(self) -> str:
        return self.bot_texts()[-1]

    def log_items(self) -> int:
        return self.page.locator("#log > :not(.choices)").count()

    def choice_labels(self) -> list[str]:
        return self.page.eval_on_selector_all(
            "#log .choices .choice", "nodes => nodes.map(n => n.lastChild.textContent)"
        )

    def status(self) -> str:
        return self.page.locator("#status").text_content() or ""

    # ---- acting ------------------------------------------------------------------------------
    def wait_reply(self) -> None:
        self.page.wait_for_function(
            "() => !document.getElementById('composer').hasAttribute('aria-busy')", timeout=REPLY_TIMEOUT_MS
        )

    def start(self) -> None:
        self.page.get_by_role("button", name="Start").click()
        self.wait_reply()

    def click_choice(self, label: str) -> None:
        labels = self.choice_labels()
        assert label in labels, f"no choice {label!r} among {labels}"
        self.page.locator("#log .choices .choice").nth(labels.index(label)).click()
        self.wait_reply()

    def type_message(self, text: str) -> None:
        box = self.page.get_by_label("Your message")
        box.fill(text)
        box.press("Enter")
        self.wait_reply()

    def do(self, turn: Turn) -> None:
        (self.click_choice if turn.action == "click" else self.type_message)(turn.text)

    # ---- languages (these find controls by id, so they work whatever language the page is in) ---------------------
    def press_start(self) -> None:
        self.page.locator("#start-button").click()
        self.wait_reply()

    def type_in_box(self, text: str) -> None:
        box = self.page.locator("#message")
        box.fill(text)
        box.press("Enter")
        self.wait_reply()

    def answer(self, text: str) -> None:
        """Click the choice labelled ``text`` if there is one, else type it."""
        (self.click_choice if text in self.choice_labels() else self.type_in_box)(text)

    def switch_language(self) -> None:
        """Press the visible language switch (a message to the bot once the conversation has begun)."""
        talking = bool(self.stored()["items"])
        self.page.locator("#language-switch").click()
        if talking:
            self.wait_reply()

    def switch(self) -> dict[str, Any]:
        """The language switch as shown: its visible text, the lang of that text and whether it is shown."""
        return self.page.eval_on_selector(
            "#language-switch",
            "b => ({text: b.textContent, lang: (b.querySelector('[lang]') || {}).lang || null, hidden: b.hidden})",
        )

    def html_lang(self) -> str:
        return self.page.evaluate("() => document.documentElement.lang")

    def bot_langs(self) -> list[Optional[str]]:
        """The lang attribute of every bot message and summary in the log, in order (None where it is unset)."""
        return self.page.eval_on_selector_all(
            "#log .msg.bot, #log .summary", "nodes => nodes.map(n => n.getAttribute('lang'))"
        )

    def foreign_passages(self) -> list[list[Any]]:
        """Per bot message: its lang, its paragraph's whole text and each (lang, text) of the <span lang> inside it."""
        return self.page.eval_on_selector_all(
            "#log .msg.bot",
            "nodes => nodes.map(n => [n.getAttribute('lang'), n.querySelector('p').textContent,"
            " Array.from(n.querySelectorAll('p span[lang]')).map(s => [s.lang, s.textContent])])",
        )

    def user_langs(self) -> list[Optional[str]]:
        return self.page.eval_on_selector_all("#log .msg.user", "nodes => nodes.map(n => n.getAttribute('lang'))")

    def choices_lang(self) -> Optional[str]:
        return self.page.eval_on_selector("#log .choices", "n => n.getAttribute('lang')")

    def page_texts(self) -> dict[str, str]:
        """The page's fixed words as shown now."""
        return self.page.evaluate(
            "() => ({title: document.title, heading: document.querySelector('h1').textContent,"
            " start: document.getElementById('start-button').textContent, send: document.getElementById('send').textContent,"
            " message_label: document.querySelector(\"label[for='message']\").textContent,"
            " forget_button: document.getElementById('forget-button').textContent})"
        )

    def run_axe(self, axe_source: str) -> list[dict[str, Any]]:
        """axe-core's violations for the page as it is now (WCAG 2.x A and AA rules plus best practices)."""
        if not self.page.evaluate("() => typeof window.axe === 'object'"):
            self.page.evaluate(axe_source)
        return self.page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map(n => n.target.join(' '))}))"
        )


def code_in(text: str) -> Optional[str]:
    found = re.search(r"\b([A-Z]{4}-\d{3})\b", text)
    return found.group(1) if found else None


# ---- the database ----------------------------------------------------------------------------
def participant_id(stack: Stack, sender: str) -> Optional[int]:
    with session_factory(stack.db_url)() as session:
        identity = repo.find_identity(session=session, channel="webchat", external_id=sender)
        return None if identity is None else identity.participant_id


def saved_run(stack: Stack, sender: str) -> dict[str, Any]:
    """The latest run of the web chat sender's participant: status, role, current answers and handoff."""
    with session_factory(stack.db_url)() as session:
        identity = repo.find_identity(session=session, channel="webchat", external_id=sender)
        assert identity is not None, "no webchat identity for this browser's sender id"
        run = repo.latest_run(session=session, participant=identity.participant)
        answers = repo.current_answers(session=session, run=run)
        all_answers = session.execute(select(Answer).where(Answer.run_id == run.id)).scalars().all()
        handoff = session.execute(select(Handoff).where(Handoff.run_id == run.id)).scalar_one_or_none()
        return {
            "participant_id": identity.participant_id,
            "run_id": run.id,
            "status": run.status,
            "role": run.role,
            "step_id": run.step_id,
            "answers": {q: (a.text, a.value) for q, a in answers.items()},
            "channels": {a.channel for a in all_answers},
            "handoff_audience": None if handoff is None else handoff.audience,
        }


def saved_records(stack: Stack, sender: str) -> dict[str, Any]:
    """The web chat sender's participant language, and its latest run's answers, consents and summary, oldest first."""
    found = stored(stack.db_url, "webchat", sender)
    return {
        "language": found.participant.language,
        "status": found.run.status,
        "role": found.run.role,
        "answers": [(a.question_id, a.text, a.value, a.channel) for a in found.answers],
        "consents": [(c.kind, c.granted, c.wording, c.reply_text, c.channel) for c in found.consents],
        "summary_text": None if found.summary is None else found.summary.text,
    }
