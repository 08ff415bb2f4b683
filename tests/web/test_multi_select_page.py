"""A question that takes several choices (the top priorities), in real headless Chromium against the real web app,
Rasa server and action server: toggle buttons, a refused pick over the limit, and Done sending the picks as one reply."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import Locator

from bot.content import load_content
from bot.store import repository as repo
from bot.store.db import session_factory
from tests.support.stack import Stack
from tests.web.chat import ROLE_LABEL, ChatPage, prompt, saved_run
from tests.web.test_chat_page import assert_no_violations, overflow

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

MAX_TURNS = 80
REFLECTION = "Day shifts, close to the bus"
PICKS = ("culture", "pay")  # picked in this order; sent (and saved) in the order the buttons show them
REFUSED = "values"
PHONE_SCREENSHOT = "webchat-multi-select-360.png"


def asked_step(chat: ChatPage) -> str:
    """The step the bot is asking now, as the engine recorded it (the first step before anything is saved)."""
    with session_factory(chat.stack.db_url)() as session:
        identity = repo.find_identity(session=session, channel="webchat", external_id=chat.sender)
        run = None if identity is None else repo.latest_run(session=session, participant=identity.participant)
        return run.step_id if run is not None else load_content().steps[0].id


def reach(chat: ChatPage, step_id: str, role: str) -> None:
    """Answer whatever the bot asks until it asks ``step_id``: the role asked for, the first choice of any other
    question with choices, a few words where it wants text (skip where that is asked again). Reads each question from
    the engine rather than following a fixed list, so questions added to the activity are answered too."""
    content = load_content()
    chat.start()
    previous = None
    for _ in range(MAX_TURNS):
        current = asked_step(chat)
        if current == step_id:
            return
        step = content.step(current)
        labels = chat.choice_labels()
        if step.kind == "role":
            chat.click_choice(ROLE_LABEL[role])
        elif labels:
            chat.click_choice(labels[0])
        elif current == previous and step.skippable:
            chat.type_message(content.commands["skip"][0])  # a text answer it would not take
        else:
            chat.type_message(REFLECTION)
        previous = current
    raise AssertionError(f"the bot never asked {step_id!r}; it said last: {chat.bot_texts()[-3:]}")


def toggles(chat: ChatPage) -> list[tuple[str, str | None]]:
    """Each choice of the question shown: its label and its aria-pressed."""
    found = chat.page.eval_on_selector_all(
        "#log .choices .choice", "nodes => nodes.map(n => [n.lastChild.textContent, n.getAttribute('aria-pressed')])"
    )
    return [(name, state) for name, state in found]


def toggle(chat: ChatPage, label: str) -> Locator:
    labels = [name for name, _ in toggles(chat)]
    assert label in labels, f"no choice {label!r} among {labels}"
    return chat.page.locator("#log .choices .choice").nth(labels.index(label))


def pressed(chat: ChatPage) -> list[str]:
    return [name for name, state in toggles(chat) if state == "true"]


@pytest.mark.parametrize(
    ("role", "width", "height"),
    [("work_seeker", 1280, 800), ("employer", 360, 740)],
    ids=["work_seeker-desktop", "employer-phone"],
)
def test_pick_two_priorities_a_third_is_refused_and_done_sends_them(
    new_chat, web_stack: Stack, axe_source: str, artifacts: Path, role: str, width: int, height: int
) -> None:
    content = load_content()
    step = content.step("priorities")
    label = {o.value: o.label for o in step.options}
    chat = new_chat(width, height).open()
    reach(chat, "priorities", role)
    assert chat.last_bot_text() == prompt("priorities", role)

    # One toggle button per factor, none chosen; Done waits for a choice; the hint says how many and how to send.
    assert toggles(chat) == [(o.label, "false") for o in step.options]
    done = chat.page.get_by_role("button", name="Done", exact=True)
    assert done.is_disabled()
    group = chat.page.get_by_role("group", name="Choices")
    hint = chat.page.locator("#log .choices .choices-hint")
    assert hint.text_content() == "Choose up to 2, then press Done."
    assert group.get_attribute("aria-describedby") == hint.get_attribute("id")
    assert_no_violations(chat, axe_source)

    # Keyboard: Space presses a toggle and presses it again to let go; a click works as well.
    toggle(chat, label[PICKS[0]]).focus()
    chat.page.keyboard.press("Space")
    assert pressed(chat) == [label[PICKS[0]]] and done.is_enabled()
    chat.page.keyboard.press("Space")
    assert pressed(chat) == [] and done.is_disabled()
    chat.page.keyboard.press("Enter")
    assert pressed(chat) == [label[PICKS[0]]]
    toggle(chat, label[PICKS[1]]).click()
    in_order = [o.label for o in step.options if o.value in PICKS]
    assert pressed(chat) == in_order
    assert chat.page.get_by_role("button", pressed=True).count() == 2

    # A third is refused, politely and out loud (a status region), and nothing is sent.
    posts = chat.api_posts
    toggle(chat, label[REFUSED]).click()
    assert pressed(chat) == in_order
    note = chat.page.locator("#log .choices .choices-note")
    assert note.get_attribute("role") == "status"
    assert note.text_content() == (
        "Sorry, you can choose up to 2. To choose this one, first press one of your choices again to remove it."
    )
    assert chat.api_posts == posts
    assert_no_violations(chat, axe_source)
    assert overflow(chat) <= 0
    if width == 360:
        # On the phone the note is on screen, above the composer, and Done fits across it.
        assert chat.page.evaluate(
            """() => {
                const note = document.querySelector("#log .choices .choices-note").getBoundingClientRect();
                const composer = document.getElementById("composer").getBoundingClientRect();
                return note.top >= 0 && note.bottom <= Math.min(window.innerHeight, composer.top);
            }"""
        ), "the note is off screen or under the composer"
        box = done.bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width
        chat.page.screenshot(path=str(artifacts / PHONE_SCREENSHOT))  # the phone's view: toggles, the note and Done

    # A reply that could not be sent leaves the same choices chosen, to press Done again.
    texts = chat.user_texts()
    chat.page.route("**/chat/api/message", lambda route: route.fulfill(status=502, json={"error": "unavailable"}))
    done.click()
    chat.wait_reply()
    assert chat.status().startswith("Sorry, the chat can't be reached right now.")
    assert chat.user_texts() == texts and pressed(chat) == in_order and done.is_enabled()
    chat.page.unroute("**/chat/api/message")
    posts = chat.api_posts

    # Done sends the picks as one reply, in the order shown; the engine saves both and asks the next question.
    done.click()
    chat.wait_reply()
    answer = ", ".join(in_order)
    assert chat.user_texts()[-1] == answer
    assert chat.api_posts == posts + 1
    saved = saved_run(web_stack, chat.sender)
    values = ",".join(o.value for o in step.options if o.value in PICKS)
    assert values == "pay,culture"
    assert saved["answers"]["priorities"] == (answer, values)
    following = saved["step_id"]  # the next question this role is asked (the activity may gain questions)
    assert content.step_index(following) > content.step_index("priorities")
    assert chat.last_bot_text() == prompt(following, role)
    assert chat.page.locator("#log .choices .choices-done").count() == 0  # no Done left over
    assert [e for e in chat.errors if "status of 502" not in e] == [] and chat.dialogs == []  # only the refused send
