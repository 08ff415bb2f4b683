"""The web chat page in French, in real headless Chromium against the real web app, Rasa and action server: a whole
activity per role, every message marked with its language, axe-core clean, and the visible switch each way."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.content import load_content
from bot.content.language_spans import split_languages
from bot.web import chat_routes
from bot.web.app import create_app
from tests.support.activity import expected_prompt
from tests.support.french import ASKED, FACTORS, RATINGS, REFLECTIONS_FR, french_script
from tests.support.stack import Stack
from tests.web.chat import ChatPage, saved_records

SENDER = "0123456789abcdef0123456789abcdef"
FACTOR_IDS = ("skills", "capacity", "pay", "arrangements", "values", "culture")
STRINGS = json.loads((chat_routes.STATIC_DIR / "chat" / "strings.json").read_text(encoding="utf-8"))


def assert_no_violations(chat: ChatPage, axe_source: str) -> None:
    violations = chat.run_axe(axe_source)
    assert violations == [], "axe-core found accessibility problems:\n" + "\n".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {v['targets']}" for v in violations
    )


def page_words(lang: str) -> dict[str, str]:
    words = STRINGS[lang]
    return {key: words[key] for key in ("title", "heading", "start", "send", "message_label", "forget_button")}


# ---- without a browser -------------------------------------------------------------------------
def test_the_page_speaks_every_language_with_the_same_words() -> None:
    assert list(STRINGS) == ["en", "fr"]
    assert set(STRINGS["fr"]) == set(STRINGS["en"])
    assert all(value.strip() for words in STRINGS.values() for value in words.values())
    assert (STRINGS["en"]["switch_to"], STRINGS["fr"]["switch_to"]) == ("fr", "en")


@pytest.mark.parametrize(
    ("query", "accept", "lang"),
    [
        ("", "", "en"),
        ("", "fr-CA,fr;q=0.9,en;q=0.8", "fr"),
        ("", "en-CA,en;q=0.9,fr;q=0.8", "en"),
        ("", "es-MX, fr;q=0.5", "fr"),
        ("?lang=fr", "en-US", "fr"),
        ("?lang=en", "fr-CA", "en"),
        ("?lang=xx", "fr;q=0", "en"),
    ],
)
def test_the_page_is_served_in_the_language_the_link_or_browser_asks_for(query: str, accept: str, lang: str) -> None:
    page = TestClient(create_app()).get(f"/{query}", headers={"Accept-Language": accept} if accept else {})
    assert page.status_code == 200 and page.headers["content-language"] == lang
    html = page.text
    assert f'<html lang="{lang}">' in html
    other = STRINGS[lang]["switch_to"]
    assert f'<span lang="{other}">{STRINGS[other]["language_name"]}</span>' in html
    assert f"<title>{STRINGS[lang]['title']}</title>" in html
    assert ("data-lang-asked" in html) == bool(query and query != "?lang=xx")


def test_proxy_marks_each_reply_with_the_language_rasa_says_it_is_in() -> None:
    replies = [
        {"text": "Êtes-vous d'accord?", "buttons": [{"title": "Oui", "payload": "Oui"}]},
        {"custom": {"type": "mf_summary"}},
    ]
    for header, expected in (
        ({"Content-Language": "fr"}, "fr"),
        ({}, None),
        ({"Content-Language": "fr, en<script>"}, None),
    ):
        proxy = chat_routes.ChatProxy(
            rasa_url="http://rasa.test",
            transport=httpx.MockTransport(lambda r, h=header: httpx.Response(200, json=replies, headers=h)),
        )
        client = TestClient(Starlette(routes=[chat_routes.Route("/chat/api/message", proxy.handle, methods=["POST"])]))
        response = client.post("/chat/api/message", json={"sender": SENDER, "message": "Bonjour"})
        assert response.status_code == 200
        assert response.json() == ([{**r, "lang": expected} for r in replies] if expected else replies)
        assert response.headers.get("content-language") == expected


# ---- the whole activity in French, in Chromium -------------------------------------------------
@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.slow
@pytest.mark.parametrize("role", ["work_seeker", "employer"])
def test_whole_activity_in_french_on_the_page(new_chat, web_stack: Stack, axe_source: str, role: str) -> None:
    fr = load_content("fr")
    chat = new_chat()
    if role == "work_seeker":
        chat.page.goto(f"{web_stack.web_url}/?lang=fr")  # a French link from the site
        chat.page.wait_for_selector("#composer")
    else:
        chat.open()  # an English page: the visible switch before the first message changes the page only
        assert chat.switch() == {"text": "Français", "lang": "fr", "hidden": False}
        chat.switch_language()
        assert chat.api_posts == 0
    assert chat.html_lang() == "fr"
    assert chat.page_texts() == page_words("fr")
    assert chat.switch() == {"text": "English", "lang": "en", "hidden": False}
    assert_no_violations(chat, axe_source)

    script = french_script(role)
    chat.press_start()  # "Commencer" greets the bot in French, so it starts in French
    assert chat.user_texts() == [STRINGS["fr"]["greeting"]] == [script[0].text]
    texts = chat.bot_texts()
    assert (texts[0], texts[-1]) == (fr.message("intro_1"), expected_prompt("consent", None, fr))
    asked_role = None
    for turn in script[1:]:
        chat.answer(turn.text)
        if turn.question_id == "clarity_before":
            asked_role = role
        expected = (
            expected_prompt(turn.question_id, asked_role, fr)
            if turn.question_id
            else fr.message("contact_question", practitioner=fr.practitioner(role))  # shared: how to reach them
        )
        assert chat.last_bot_text() == expected, f"after {turn.text!r}"
        if chat.choice_labels():
            assert chat.choices_lang() == "fr"
        if turn.question_id == "review":
            summary = chat.page.locator("#log .summary").last
            assert summary.get_attribute("lang") == "fr"
            assert summary.locator("h3").text_content() == fr.message("summary_title")
            assert summary.locator("h4").all_text_contents() == [fr.factor(f).name for f in FACTOR_IDS]
            about = ("work_sought", "barriers") if role == "work_seeker" else ("business", "hiring_role")
            assert summary.locator("dt").all_text_contents() == [
                fr.message(f"summary_{k}")
                for k in (*about, "strengths", "stressors", "both", "unsure", "priorities", "closing")
            ]
            assert summary.locator(".clarity").text_content() == fr.message("summary_clarity", before=2, after=4)
            assert summary.locator("blockquote").all_text_contents() == [REFLECTIONS_FR[role][f] for f in FACTOR_IDS]
            assert_no_violations(chat, axe_source)

    assert chat.html_lang() == "fr"
    assert set(chat.bot_langs()) == {"fr"} and set(chat.user_langs()) == {"fr"}
    assert (
        chat.page.evaluate("() => document.querySelectorAll('#log .msg.bot .visually-hidden')[0].textContent")
        == STRINGS["fr"]["helper_said"]
    )
    saved = saved_records(web_stack, chat.sender)
    assert (saved["language"], saved["status"], saved["role"]) == ("fr", "completed", role)
    expected = []
    for asked, given in zip(script[:-1], script[1:], strict=True):
        expected.append((asked.question_id, given.text, given.value, "webchat"))
        factor = (asked.question_id or "").removesuffix("_reflection")
        if factor in FACTORS and factor not in ASKED:  # the rating its words stated, saved with them
            expected.append((f"{factor}_rating", given.text, RATINGS[factor], "webchat"))
    assert saved["answers"] == expected
    assert saved["consents"] == [
        ("participate", True, fr.step("consent").prompt_for(None), "oui", "webchat"),
        ("share", True, fr.step("share").prompt_for(role), "Oui", "webchat"),
    ]
    assert saved["summary_text"].startswith(fr.message("summary_title") + "\n") and all(
        f.name in saved["summary_text"] for f in fr.factors
    )
    assert_no_violations(chat, axe_source)
    assert chat.foreign_requests() == [] and chat.errors == [] and chat.dialogs == []


@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.slow
def test_visible_switch_each_way_mid_activity_keeps_every_answer(
    chat: ChatPage, web_stack: Stack, axe_source: str
) -> None:
    en, fr = load_content("en"), load_content("fr")
    chat.open()
    assert chat.html_lang() == "en" and chat.page_texts() == page_words("en")
    chat.start()
    for label in ("Yes", "Looking for work", "3", "4"):
        chat.click_choice(label)
    chat.type_message("Warehouse")
    chat.type_message("Forklift and Excel")
    assert chat.last_bot_text() == expected_prompt("skills_rating", "work_seeker", en)

    # English -> French at a choice: the bot confirms and asks the same question in French; the page follows.
    assert chat.switch() == {"text": "Français", "lang": "fr", "hidden": False}
    before = len(chat.bot_langs())
    chat.switch_language()
    assert chat.user_texts()[-1] == "français"
    assert chat.bot_texts()[-2:] == [fr.message("language_set"), expected_prompt("skills_rating", "work_seeker", fr)]
    langs = chat.bot_langs()
    assert set(langs[:before]) == {"en"} and set(langs[before:]) == {"fr"}
    assert chat.user_langs()[-1] == "fr" and set(chat.user_langs()[:-1]) == {"en"}
    assert chat.html_lang() == "fr" and chat.page_texts() == page_words("fr")
    assert chat.switch() == {"text": "English", "lang": "en", "hidden": False}
    assert chat.choices_lang() == "fr"
    stressor = next(o.label for o in fr.step("skills_rating").options if o.value == "stressor")
    chat.click_choice(stressor)
    assert chat.last_bot_text() == expected_prompt("capacity_reflection", "work_seeker", fr)
    assert_no_violations(chat, axe_source)  # both languages on the page, each marked

    # French -> English at a free-text question: the switch is a request, never taken as the answer.
    before = len(chat.bot_langs())
    chat.switch_language()
    assert chat.bot_texts()[-2:] == [
        en.message("language_set"),
        expected_prompt("capacity_reflection", "work_seeker", en),
    ]
    assert set(chat.bot_langs()[before:]) == {"en"} and chat.user_langs()[-1] == "en"
    assert chat.html_lang() == "en" and chat.page_texts() == page_words("en")
    assert chat.switch() == {"text": "Français", "lang": "fr", "hidden": False}
    chat.type_message("Trente heures par semaine, de jour")
    assert chat.last_bot_text() == expected_prompt("capacity_rating", "work_seeker", en)

    saved = saved_records(web_stack, chat.sender)
    assert saved["language"] == "en"
    assert [(q, text, value) for q, text, value, _ in saved["answers"]] == [
        ("consent", "Yes", "yes"),
        ("role", "Looking for work", "work_seeker"),
        ("clarity_before", "3", "3"),
        ("confidence_before", "4", "4"),
        ("work_sought", "Warehouse", None),
        ("skills_reflection", "Forklift and Excel", None),
        ("skills_rating", stressor, "stressor"),
        ("capacity_reflection", "Trente heures par semaine, de jour", None),
    ]

    # A reload keeps every message's language and the page's.
    langs, users = chat.bot_langs(), chat.user_langs()
    chat.reload()
    assert (chat.bot_langs(), chat.user_langs(), chat.html_lang()) == (langs, users, "en")
    assert chat.errors == [] and chat.foreign_requests() == []


# ---- a passage in the other language, read in its own voice ----------------------------------------------------------
@pytest.mark.e2e
@pytest.mark.browser
@pytest.mark.parametrize("page_lang", ["en", "fr"])
def test_a_passage_in_the_other_language_is_a_span_with_its_own_lang(
    new_chat, web_stack: Stack, axe_source: str, page_lang: str
) -> None:
    content = load_content(page_lang)
    other = "fr" if page_lang == "en" else "en"
    expected = [(lang or page_lang, text) for text, lang in split_languages(content.message("intro_2"))]
    foreign = [[lang, text] for lang, text in expected if lang == other]
    assert foreign, "intro_2 is expected to carry a passage in the other language"
    chat = new_chat()
    chat.page.goto(f"{web_stack.web_url}/?lang={page_lang}")
    chat.page.wait_for_selector("#composer")
    chat.press_start()
    intro_2 = [m for m in chat.foreign_passages() if m[1] == content.plain_message("intro_2")]
    assert intro_2 == [[page_lang, content.plain_message("intro_2"), foreign]]
    # the other messages carry no such passage
    others = [m for m in chat.foreign_passages() if m[1] != content.plain_message("intro_2")]
    assert others and all(lang == page_lang and spans == [] for lang, _, spans in others)
    assert_no_violations(chat, axe_source)
    chat.reload()  # the saved conversation is drawn again from the browser's storage, passages marked as before
    assert [m for m in chat.foreign_passages() if m[1] == content.plain_message("intro_2")] == intro_2
