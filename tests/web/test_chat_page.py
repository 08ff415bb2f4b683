"""The web chat page in real headless Chromium, against the real web app, Rasa server and action server."""

from __future__ import annotations

import struct
from pathlib import Path

import pytest

from tests.support.stack import Stack
from tests.web.chat import (
    ABOUT,
    CONTACT,
    ChatPage,
    Turn,
    activity_turns,
    code_in,
    message,
    participant_id,
    prompt,
    saved_run,
)

pytestmark = [pytest.mark.e2e, pytest.mark.browser, pytest.mark.slow]

RATING_VALUES = {"Strength": "strength", "Stressor": "stressor", "Both": "both", "Not sure": "unsure"}
RATINGS = {
    "work_seeker": {
        "skills": "Strength",
        "capacity": "Stressor",
        "pay": "Both",
        "arrangements": "Stressor",
        "values": "Strength",
        "culture": "Not sure",
    },
    "employer": {
        "skills": "Stressor",
        "capacity": "Not sure",
        "pay": "Strength",
        "arrangements": "Strength",
        "values": "Stressor",
        "culture": "Strength",
    },
}
REFLECTIONS = {
    "work_seeker": {
        "skills": "Forklift, Excel & customer service; I can help train people",
        "capacity": "About 30 hours a week, nothing too hectic",
        "pay": "At least $22/hour and a health plan",
        "arrangements": "Day shifts only,\nclose to the bus (route 1)",
        "values": "Being treated fairly, and honest managers",
        "culture": "Un milieu où je peux poser des questions sans être jugée",
    },
    "employer": {
        "skills": "Driver's licence on day one; we teach the rest",
        "capacity": "Busy weekends, we pair new people with a buddy",
        "pay": "$17/h + tips, free meals, 2 weeks off",
        "arrangements": "Weekday hours are flexible",
        "values": "Respect <b>and</b> honesty \U0001f4aa",
        "culture": "Family business \u2014 everyone pitches in \U0001f600",
    },
}
PRACTITIONER = {"work_seeker": "Case Manager", "employer": "Employer Engagement Specialist"}
CSP = "default-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"
PHONE_SCREENSHOT = "webchat-phone-360.png"


def expected_answers(role: str) -> dict[str, tuple[str, str | None]]:
    """Every saved answer as (verbatim text, normalised value) for a run of activity_turns."""
    role_label = {"work_seeker": "Looking for work", "employer": "Hiring"}[role]
    answers = {"consent": ("Yes", "yes"), "role": (role_label, role), "clarity_before": ("2", "2")}
    for factor, label in RATINGS[role].items():
        answers[f"{factor}_rating"] = (label, RATING_VALUES[label])
        answers[f"{factor}_reflection"] = (REFLECTIONS[role][factor], None)
    about = ABOUT[role]
    answers.update(
        {
            "priorities": ("3 4", "pay,arrangements"),
            "clarity_after": ("4", "4"),
            "closing_reflection": (about["closing"], None),
            "review": ("Looks right", "yes"),
            "share": ("Yes", "yes"),
            "contact": (CONTACT, "given"),
        }
    )
    if role == "work_seeker":
        answers.update(
            {
                "confidence_before": ("3", "3"),
                "work_sought": (about["work_sought"], None),
                "barriers": (about["barriers"], None),
                "confidence_after": ("4", "4"),
            }
        )
    else:
        answers.update({"business_name": (about["business_name"], None), "hiring_role": (about["hiring_role"], None)})
    return answers


def assert_no_violations(chat: ChatPage, axe_source: str) -> None:
    violations = chat.run_axe(axe_source)
    assert violations == [], "axe-core found accessibility problems:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in violations
    )


def overflow(chat: ChatPage) -> int:
    """How many CSS pixels the page is wider than the window (0: no sideways scrolling)."""
    return chat.page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def review_buttons_in_view(chat: ChatPage) -> bool:
    """Both review buttons lie inside the window and above the composer's top edge, as the page shows them now."""
    return bool(
        chat.page.evaluate(
            """() => {
                const composer = document.getElementById("composer").getBoundingClientRect();
                const buttons = [...document.querySelectorAll("#log .choices button")].slice(-2);
                return buttons.length === 2 && buttons.every((b) => {
                    const box = b.getBoundingClientRect();
                    return box.top >= 0 && box.bottom <= Math.min(window.innerHeight, composer.top);
                });
            }"""
        )
    )


def png_size(path: Path) -> tuple[int, int]:
    header = path.read_bytes()[:24]
    assert header[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", header[16:24])


def check_summary(chat: ChatPage, role: str) -> None:
    """One block per factor: the name, the rating written out (not colour only) and the participant's own words."""
    blocks = chat.page.eval_on_selector_all(
        "#log .summary .factor",
        "items => items.map(i => ({name: i.querySelector('h4').textContent, cls: i.className,"
        " rating: i.querySelector('.rating').lastChild.textContent, words: (i.querySelector('blockquote') || {}).textContent}))",
    )
    names = [
        "Skills & competencies",
        "Capacity & challenge",
        "Pay & benefits",
        "Work arrangements",
        "Values",
        "Culture",
    ]
    assert [b["name"] for b in blocks] == names
    for block, factor in zip(blocks, RATINGS[role], strict=True):
        label = RATINGS[role][factor]
        assert block["rating"] == label
        assert block["cls"] == f"factor rating-{RATING_VALUES[label]}"
        assert block["words"] == REFLECTIONS[role][factor]
    overview = chat.page.eval_on_selector_all("#log .summary dl > *", "nodes => nodes.map(n => n.textContent)")
    by_rating = {
        v: ", ".join(n for n, f in zip(names, RATINGS[role], strict=True) if RATING_VALUES[RATINGS[role][f]] == v)
        for v in ("strength", "stressor", "both", "unsure")
    }
    about = ABOUT[role]
    # their words outside the six factors first, then the ratings ("Both" and "Not sure" only when used)
    said = (
        ["Work you want", about["work_sought"], "Outside work", about["barriers"]]
        if role == "work_seeker"
        else ["Business", about["business_name"], "Hiring for", about["hiring_role"]]
    )
    rated = [
        item
        for label, value in (("Both", "both"), ("Not sure", "unsure"))
        if by_rating[value]
        for item in (label, by_rating[value])
    ]
    assert overview == [
        *said,
        "Strengths",
        by_rating["strength"],
        "Stressors",
        by_rating["stressor"],
        *rated,
        "Top priorities",
        "Pay & benefits, Work arrangements",
        "What changed",
        about["closing"],
    ]
    assert chat.page.locator("#log .summary .clarity").text_content() == "Clarity: 2 at the start, 4 now (out of 5)."
    confidence = chat.page.locator("#log .summary .confidence")
    if role == "work_seeker":
        assert confidence.text_content() == "Sure of a good match: 3 at the start, 4 now (out of 5)."
    else:
        assert confidence.count() == 0
    # The participant's markup is shown as text, never turned into elements.
    assert chat.page.locator("#log b, #log script, #log img").count() == 0
    # Their own copy: the link under the summary opens the page holding the same words, in a new tab.
    keep = chat.page.locator("#log .summary .keep a")
    assert keep.inner_text() == message("keep_button") and keep.get_attribute("target") == "_blank"
    with chat.page.context.expect_page() as opened:
        keep.click()
    copy = opened.value
    copy.wait_for_load_state()
    assert copy.url.startswith(f"{chat.stack.web_url}/summary/")
    assert copy.locator(".factors .words").all_inner_texts() == [REFLECTIONS[role][f] for f in RATINGS[role]]
    assert copy.locator(".how p").inner_text() == message(f"keep_how_{role}")
    copy.close()


@pytest.mark.parametrize(
    ("role", "width", "height"),
    [("work_seeker", 1280, 800), ("employer", 360, 740)],
    ids=["work_seeker-desktop", "employer-phone"],
)
def test_complete_activity_with_clicks_and_typing(
    new_chat, web_stack: Stack, axe_source: str, artifacts: Path, role: str, width: int, height: int
) -> None:
    chat = new_chat(width, height).open()
    chat.start()
    texts = chat.bot_texts()
    assert (texts[0], texts[-1]) == (message("intro_1"), prompt("consent", None))
    assert chat.choice_labels() == ["Yes", "No"]

    for turn in activity_turns(role, RATINGS[role], REFLECTIONS[role]):
        chat.do(turn)
        if turn.next_step:
            expected = prompt(turn.next_step, role)
        elif turn.text == CONTACT:  # how to reach them is saved; then the optional uses question
            expected = message(f"uses_offer_{role}")
        else:  # "thank you, it is shared", then how the practitioner can reach them
            expected = message("contact_question", practitioner=PRACTITIONER[role])
        assert chat.last_bot_text() == expected, f"after {turn.text!r}"
        if turn.next_step == "review":
            check_summary(chat, role)
            assert chat.choice_labels() == ["Looks right", "Change something"]
            assert_no_violations(chat, axe_source)
            if width == 360:
                assert overflow(chat) <= 0
                # Right after the summary, the review buttons are on screen, above the composer, with no scrolling.
                assert review_buttons_in_view(chat), "the review buttons are off screen or under the composer"
                assert not chat.page.locator("#message-help").is_visible()  # no "Press Enter" on a touch screen
                shot = artifacts / PHONE_SCREENSHOT
                chat.page.screenshot(path=str(shot), full_page=True)
                assert png_size(shot)[0] == 360
                for narrow, tall in ((320, 640), (640, 400)):  # the narrowest phones; 1280 x 800 at 200% zoom
                    chat.page.set_viewport_size({"width": narrow, "height": tall})
                    assert overflow(chat) <= 0, f"sideways scrolling at {narrow} px"
                chat.page.set_viewport_size({"width": width, "height": height})

    # The optional uses question comes last, one button per answer; a click answers it and no buttons remain.
    assert chat.choice_labels() == ["Yes, both", "Only matches", "Only research", "No"]
    chat.click_choice("Only research")
    assert chat.last_bot_text() == message("uses_research")
    assert chat.choice_labels() == []
    saved = saved_run(web_stack, chat.sender)
    assert saved["answers"] == expected_answers(role)
    assert saved["channels"] == {"webchat"}
    assert (saved["status"], saved["role"]) == ("completed", role)
    assert saved["handoff_audience"] == {"work_seeker": "case_manager", "employer": "ees"}[role]
    assert chat.foreign_requests() == []
    assert chat.errors == [] and chat.dialogs == []


def test_reload_midway_keeps_the_conversation_and_continues(chat: ChatPage, web_stack: Stack) -> None:
    turns = activity_turns("work_seeker", RATINGS["work_seeker"], REFLECTIONS["work_seeker"])
    chat.open()
    chat.start()
    for turn in turns[:6]:
        chat.do(turn)
    assert chat.last_bot_text() == prompt("skills_rating", "work_seeker")
    bot_before, user_before, sender = chat.bot_texts(), chat.user_texts(), chat.sender

    chat.reload()
    assert chat.bot_texts() == bot_before
    assert chat.user_texts() == user_before
    assert chat.sender == sender
    assert chat.choice_labels() == ["Strength", "Stressor", "Both", "Not sure"]
    assert chat.page.locator("#start").is_hidden()

    chat.do(turns[6])
    assert chat.last_bot_text() == prompt("capacity_reflection", "work_seeker")
    saved = saved_run(web_stack, sender)
    assert saved["answers"]["skills_reflection"] == (REFLECTIONS["work_seeker"]["skills"], None)
    assert saved["answers"]["skills_rating"] == ("Strength", "strength")
    assert (saved["status"], saved["step_id"]) == ("active", "capacity_reflection")


def test_resume_on_another_device_with_the_code(new_chat, web_stack: Stack) -> None:
    phone = new_chat(360, 740).open()
    phone.start()
    for turn in activity_turns("employer", RATINGS["employer"], REFLECTIONS["employer"])[:5]:
        phone.do(turn)
    assert phone.last_bot_text() == prompt("skills_reflection", "employer")
    phone.type_message("pause")
    code = code_in(phone.last_bot_text())
    assert code is not None
    assert phone.bot_texts()[-2:] == [message("paused"), message("resume_code", code=code, days=7)]

    laptop = new_chat().open()
    assert laptop.sender != phone.sender
    laptop.page.get_by_text("Continue with a code from another device").click()
    laptop.page.get_by_label("Resume code").fill(f" {code.lower().replace('-', ' ')} ")
    laptop.page.get_by_role("button", name="Continue", exact=True).click()
    laptop.wait_reply()
    assert laptop.user_texts() == [code]
    assert laptop.bot_texts() == [message("resume_code_ok"), prompt("skills_reflection", "employer")]
    laptop.type_message("Forklift ticket")
    assert laptop.last_bot_text() == prompt("skills_rating", "employer")
    assert participant_id(web_stack, laptop.sender) == participant_id(web_stack, phone.sender)
    saved = saved_run(web_stack, laptop.sender)
    assert saved["answers"]["hiring_role"] == (ABOUT["employer"]["hiring_role"], None)
    assert saved["answers"]["skills_reflection"] == ("Forklift ticket", None)
    assert saved["channels"] == {"webchat"}

    # The code works once; a malformed code is caught on the page and never sent.
    third = new_chat().open()
    third.page.get_by_text("Continue with a code from another device").click()
    third.page.get_by_label("Resume code").fill("KTPA-482")  # A: codes have no vowels
    third.page.get_by_role("button", name="Continue", exact=True).click()
    assert (
        third.page.locator("#resume-status").text_content()
        == "A code has 4 letters and 3 numbers, like KTPW-482. Please check it and try again."
    )
    assert third.api_posts == 0
    third.page.get_by_label("Resume code").fill(code)
    third.page.get_by_role("button", name="Continue", exact=True).click()
    third.wait_reply()
    assert third.bot_texts() == [message("resume_code_bad")]
    assert participant_id(web_stack, third.sender) != participant_id(web_stack, phone.sender)


def test_page_headers_no_third_party_requests_and_accessibility(chat: ChatPage, axe_source: str) -> None:
    chat.open()
    headers = chat.response.headers
    assert headers["content-security-policy"] == CSP
    assert (headers["x-content-type-options"], headers["referrer-policy"], headers["cache-control"]) == (
        "nosniff",
        "no-referrer",
        "no-store",
    )
    script = chat.page.request.get(chat.page.eval_on_selector("script[src]", "s => s.src"))
    assert script.ok and script.headers["content-security-policy"] == CSP
    assert chat.page.locator("#log").get_attribute("role") == "log"
    assert chat.page.locator("#log").get_attribute("aria-live") == "polite"
    assert_no_violations(chat, axe_source)

    chat.page.get_by_text("Continue with a code from another device").click()
    chat.page.get_by_text("Using a shared computer?").click()
    chat.page.get_by_role("button", name="Send").click()  # empty: shows the hint
    assert_no_violations(chat, axe_source)

    for width, height in ((320, 640), (640, 400)):  # 320 px phones; 1280 x 800 at 200% zoom
        chat.page.set_viewport_size({"width": width, "height": height})
        assert overflow(chat) <= 0, f"sideways scrolling at {width} px"
    assert chat.page.evaluate("() => getComputedStyle(document.getElementById('composer')).position") == "static"
    assert chat.foreign_requests() == []
    assert chat.errors == []


def test_keyboard_only(chat: ChatPage, web_stack: Stack) -> None:
    page = chat.open().page

    def focused() -> dict:
        return page.evaluate(
            "() => { const e = document.activeElement, s = getComputedStyle(e);"
            " return {id: e.id, text: e.lastChild ? e.lastChild.textContent : '', outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"
        )

    for _ in range(4):
        page.keyboard.press("Tab")
        if focused()["id"] == "start-button":
            break
    assert focused() == {"id": "start-button", "text": "Start", "outline": "solid", "width": 3.0}
    page.keyboard.press("Enter")
    chat.wait_reply()
    assert focused()["text"] == "Yes"  # focus moves to the first choice of the new question
    page.keyboard.press("Enter")
    chat.wait_reply()
    assert focused()["text"] == "Looking for work"
    page.keyboard.press("Enter")
    chat.wait_reply()
    assert focused()["text"] == "1"
    page.keyboard.press("Tab")
    assert focused() == {"id": "", "text": "2", "outline": "solid", "width": 3.0}
    page.keyboard.press("Enter")
    chat.wait_reply()
    page.keyboard.press("Enter")  # 1 at "how sure of a good match"
    chat.wait_reply()
    assert focused()["id"] == "message"  # a question without choices: back to the message box
    page.keyboard.type("Welding")
    page.keyboard.press("Shift+Enter")
    page.keyboard.type("and driving")
    page.keyboard.press("Enter")
    chat.wait_reply()
    assert chat.last_bot_text() == prompt("skills_reflection", "work_seeker")
    saved = saved_run(web_stack, chat.sender)
    assert saved["answers"]["clarity_before"] == ("2", "2")
    assert saved["answers"]["confidence_before"] == ("1", "1")
    assert saved["answers"]["work_sought"] == ("Welding\nand driving", None)


def test_empty_and_over_long_messages_are_caught_on_the_page(chat: ChatPage) -> None:
    chat.open()
    chat.start()
    posts = chat.api_posts
    box = chat.page.get_by_label("Your message")
    for blank in ("", "   \n  "):
        box.fill(blank)
        box.press("Enter")
        assert chat.status() == "Please type a message first, or pick one of the choices."
        assert box.get_attribute("aria-invalid") == "true"
        assert chat.page.evaluate("() => document.activeElement.id") == "message"
    chat.page.get_by_role("button", name="Send").click()
    assert chat.status() == "Please type a message first, or pick one of the choices."

    box.fill("a" * 5000)
    assert chat.page.locator("#message-count").text_content() == "5,000 of 4,000 characters"
    chat.page.get_by_role("button", name="Send").click()
    assert (
        chat.status()
        == "That's 5,000 characters. An answer can be up to 4,000: please make it shorter. Nothing was sent."
    )
    assert box.input_value() == "a" * 5000  # kept, so it can be shortened
    assert chat.api_posts == posts
    assert chat.user_texts() == ["Hi"]

    box.fill("Yes")
    assert box.get_attribute("aria-invalid") is None and chat.status() == ""
    box.press("Enter")
    chat.wait_reply()
    assert chat.last_bot_text() == prompt("role", None)


def test_server_copes_with_long_and_oversized_messages(chat: ChatPage, web_stack: Stack) -> None:
    chat.open()
    chat.start()
    chat.click_choice("Yes")
    api = f"{web_stack.web_url}/chat/api/message"
    reply = chat.page.request.post(api, data={"sender": chat.sender, "message": "b" * 5000})
    assert reply.status == 200
    assert reply.json() == [{"text": message("too_long", limit=4000), "lang": "en"}]  # every reply says its language
    oversized = chat.page.request.post(api, data={"sender": chat.sender, "message": "b" * 10_001})
    assert (oversized.status, oversized.json()) == (413, {"error": "too_long"})
    saved = saved_run(web_stack, chat.sender)
    assert "role" not in saved["answers"] and saved["step_id"] == "role"


def test_markup_and_emoji_are_shown_as_text_and_saved_verbatim(chat: ChatPage, web_stack: Stack) -> None:
    turns = activity_turns("work_seeker", RATINGS["work_seeker"], REFLECTIONS["work_seeker"])
    chat.open()
    chat.start()
    for turn in turns[:5]:
        chat.do(turn)
    markup = '<img src=x onerror="alert(1)"><b>bold</b> & <script>alert(2)</script> <a href="http://example.com">x</a>'
    chat.type_message(markup)
    assert chat.user_texts()[-1] == markup
    assert chat.page.locator("#log img, #log b, #log script, #log a").count() == 0
    assert chat.last_bot_text() == prompt("skills_rating", "work_seeker")
    chat.do(Turn("click", "Strength", "capacity_reflection"))
    chat.type_message("\U0001f600\U0001f389")
    assert chat.bot_texts()[-2:] == [message("no_words"), prompt("capacity_reflection", "work_seeker")]
    chat.type_message("Mornings \U0001f642 part time")
    assert chat.last_bot_text() == prompt("capacity_rating", "work_seeker")

    saved = saved_run(web_stack, chat.sender)
    assert saved["answers"]["skills_reflection"] == (markup, None)
    assert saved["answers"]["capacity_reflection"] == ("Mornings \U0001f642 part time", None)
    assert chat.dialogs == [] and chat.errors == []
    assert chat.foreign_requests() == []
    for name in ("web", "rasa", "actions"):  # participants' words never reach the logs
        assert "onerror" not in web_stack.log_text(name) and "Mornings" not in web_stack.log_text(name)


def test_clearing_the_chat_on_a_shared_computer(chat: ChatPage) -> None:
    chat.open()
    chat.start()
    old_sender = chat.sender
    chat.page.get_by_text("Using a shared computer?").click()
    chat.page.get_by_role("button", name="Clear this chat from this browser").click()
    assert chat.log_items() == 0
    assert chat.page.locator("#start").is_visible()
    assert chat.page.evaluate("() => document.activeElement.id") == "start-button"
    assert chat.sender != old_sender and chat.stored()["items"] == []
    chat.reload()
    assert chat.log_items() == 0


def test_a_failed_send_is_taken_back_and_can_be_retried(chat: ChatPage, web_stack: Stack) -> None:
    chat.open()
    chat.start()
    chat.page.route("**/chat/api/message", lambda route: route.fulfill(status=502, json={"error": "unavailable"}))
    chat.type_message("Yes")
    assert (
        chat.status()
        == "Sorry, the chat can't be reached right now. Your message was not sent: please try again in a moment."
    )
    assert chat.user_texts() == ["Hi"]
    assert chat.page.get_by_label("Your message").input_value() == "Yes"  # given back to try again
    assert chat.choice_labels() == ["Yes", "No"]
    assert [i["from"] for i in chat.stored()["items"]][-1] == "bot"

    chat.page.unroute("**/chat/api/message")
    chat.page.get_by_label("Your message").press("Enter")
    chat.wait_reply()
    assert chat.user_texts() == ["Hi", "Yes"]
    assert chat.last_bot_text() == prompt("role", None)
    assert saved_run(web_stack, chat.sender)["answers"]["consent"] == ("Yes", "yes")
