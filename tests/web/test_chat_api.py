"""The web chat's server side: the same-origin proxy (with a fake Rasa) and the real Rasa webchat channel."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.request
from pathlib import Path

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.activity import resume_codes
from bot.channels.webchat import channel as webchat
from bot.content import load_content
from bot.web import chat_routes
from bot.web.app import create_app
from tests.support.stack import Stack

SENDER = "0123456789abcdef0123456789abcdef"
CHAT_JS = Path(chat_routes.STATIC_DIR) / "chat" / "chat.js"


def proxy_client(handler) -> tuple[TestClient, list[httpx.Request]]:
    """A test client for the proxy route whose Rasa is ``handler``; returns the requests Rasa received."""
    seen: list[httpx.Request] = []

    def record(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return handler(request)

    proxy = chat_routes.ChatProxy(rasa_url="http://rasa.test", transport=httpx.MockTransport(record))
    app = Starlette(routes=[chat_routes.Route("/chat/api/message", proxy.handle, methods=["POST"])])
    return TestClient(app), seen


def test_proxy_forwards_to_the_webchat_webhook_and_returns_the_replies() -> None:
    replies = [{"text": "Is it OK?", "buttons": [{"title": "Yes", "payload": "Yes"}]}]
    client, seen = proxy_client(lambda request: httpx.Response(200, json=replies))
    response = client.post("/chat/api/message", json={"sender": SENDER, "message": "hi \U0001f600"})
    assert (response.status_code, response.json()) == (200, replies)
    assert response.headers["content-security-policy"].startswith("default-src 'self'")
    assert response.headers["cache-control"] == "no-store"
    assert [str(r.url) for r in seen] == ["http://rasa.test/webhooks/webchat/webhook"]
    assert json.loads(seen[0].content) == {"sender": SENDER, "message": "hi \U0001f600"}


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"sender": "not-hex", "message": "hi"}, 400, "bad_sender"),
        ({"sender": SENDER.upper(), "message": "hi"}, 400, "bad_sender"),
        ({"sender": SENDER}, 400, "bad_message"),
        ({"sender": SENDER, "message": 5}, 400, "bad_message"),
        (["hi"], 400, "bad_request"),
        ({"sender": SENDER, "message": "x" * 10_001}, 413, "too_long"),
    ],
)
def test_proxy_refuses_bad_requests_without_calling_rasa(body, status: int, error: str) -> None:
    client, seen = proxy_client(lambda request: httpx.Response(200, json=[]))
    response = client.post("/chat/api/message", json=body)
    assert (response.status_code, response.json()) == (status, {"error": error})
    assert seen == []


def test_proxy_refuses_non_json_invalid_json_and_huge_bodies() -> None:
    client, seen = proxy_client(lambda request: httpx.Response(200, json=[]))
    form = client.post("/chat/api/message", data={"sender": SENDER, "message": "hi"})
    assert (form.status_code, form.json()) == (415, {"error": "json_only"})
    broken = client.post("/chat/api/message", content=b"{not json", headers={"Content-Type": "application/json"})
    assert (broken.status_code, broken.json()) == (400, {"error": "bad_json"})
    huge = client.post(
        "/chat/api/message", content=b"{" + b" " * (64 * 1024) + b"}", headers={"Content-Type": "application/json"}
    )
    assert (huge.status_code, huge.json()) == (413, {"error": "too_long"})
    assert seen == []


def test_proxy_answers_unavailable_when_rasa_fails() -> None:
    def down(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    handlers = (
        down,
        lambda r: httpx.Response(500, json={"error": "failed"}),
        lambda r: httpx.Response(200, text="<html>"),
        lambda r: httpx.Response(200, json=[]),
    )  # no reply at all: an action failed inside Rasa
    for handler in handlers:
        client, _ = proxy_client(handler)
        response = client.post("/chat/api/message", json={"sender": SENDER, "message": "hi"})
        assert (response.status_code, response.json()) == (502, {"error": "unavailable"})


def test_page_and_static_files_are_served_with_the_strict_policy() -> None:
    client = TestClient(create_app())
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-security-policy"] == chat_routes.SECURITY_HEADERS["Content-Security-Policy"]
    html = page.text
    assert 'role="log"' in html and 'aria-live="polite"' in html and '<label for="message">Your message</label>' in html
    # Everything the page loads is on its own origin: no CDN, no web fonts.
    assert re.findall(r'(?:src|href)="([^"]+)"', html) == [
        f"/static/chat/icon.svg?v={chat_routes.ASSET_VERSION}",
        f"/static/chat/chat.css?v={chat_routes.ASSET_VERSION}",
        f"/static/chat/chat.js?v={chat_routes.ASSET_VERSION}",
        "#message",
    ]
    script = client.get("/static/chat/chat.js")
    assert script.status_code == 200 and script.headers["x-content-type-options"] == "nosniff"
    assert script.headers["cache-control"] == "no-cache"


def test_page_script_never_writes_html() -> None:
    source = CHAT_JS.read_text()
    for sink in ("innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"):
        assert sink not in source


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ([], 400, "bad_request"),
        ({"sender": "A" * 32, "message": "hi"}, 400, "bad_sender"),
        ({"sender": "a" * 32, "message": 7}, 400, "bad_message"),
        ({"sender": "a" * 32, "message": "x" * 10_001}, 413, "too_long"),
        ({"sender": "a" * 32, "message": "\ud800"}, 400, "bad_text"),
    ],
)
def test_proxy_and_channel_refuse_the_same_bodies_with_the_same_codes(body: object, status: int, code: str) -> None:
    proxy_error = chat_routes.validate(body)
    channel_error = webchat.parse_request(body)
    assert not isinstance(proxy_error, dict) and (proxy_error.status_code, json.loads(proxy_error.body)) == (
        status,
        {"error": code},
    )
    assert not isinstance(channel_error, tuple) and (channel_error.status, json.loads(channel_error.body)) == (
        status,
        {"error": code},
    )
    assert chat_routes.validate({"sender": "a" * 32, "message": "x" * 10_000}) == {
        "sender": "a" * 32,
        "message": "x" * 10_000,
    }
    assert webchat.parse_request({"sender": "a" * 32, "message": "x" * 10_000}) == ("a" * 32, "x" * 10_000)


def test_the_page_script_and_the_engine_agree_on_resume_code_letters() -> None:
    letters = re.search(r"CODE_PATTERN = /\^\\s\*\(\[([A-Z]+)\]\{4\}\)", CHAT_JS.read_text())
    assert letters is not None and letters.group(1) == resume_codes._CODE_LETTERS


def test_channel_reduces_rasa_messages_to_what_the_page_shows() -> None:
    collected = [
        {
            "recipient_id": SENDER,
            "text": "Pick one",
            "buttons": [{"title": "Yes", "payload": "Yes", "type": "postback"}],
        },
        {"recipient_id": SENDER, "custom": {"type": "mf_summary", "text": "Summary"}},
        {"recipient_id": SENDER, "image": "http://example.com/x.png"},
    ]
    assert webchat.to_page_messages(collected) == [
        {"text": "Pick one", "buttons": [{"title": "Yes", "payload": "Yes"}]},
        {"custom": {"type": "mf_summary", "text": "Summary"}},
    ]


INTRO_2 = "At the end you choose. Service en FRANÇAIS: écrivez FRANÇAIS."
INTRO_2_PARTS = [{"text": "At the end you choose. "}, {"text": "Service en FRANÇAIS: écrivez FRANÇAIS.", "lang": "fr"}]


async def test_channel_keeps_a_messages_language_parts_as_rasa_hands_them_over() -> None:
    """Rasa passes the action's extra field to the output channel with the message (BotUttered metadata)."""
    collector = webchat.WebChatCollector()
    await collector.send_response(SENDER, {"text": INTRO_2, "parts": INTRO_2_PARTS, "timestamp": 1.0})
    await collector.send_response(
        SENDER, {"text": INTRO_2, "buttons": [{"title": "Yes", "payload": "Yes"}], "parts": INTRO_2_PARTS}
    )
    await collector.send_response(SENDER, {"text": "First.\n\nSecond."})
    assert webchat.to_page_messages(collector.messages) == [
        {"text": INTRO_2, "parts": INTRO_2_PARTS},
        {"text": INTRO_2, "buttons": [{"title": "Yes", "payload": "Yes"}], "parts": INTRO_2_PARTS},
        {"text": "First."},
        {"text": "Second."},
    ]


@pytest.mark.parametrize(
    "parts",
    [
        [{"text": "At the end you choose. "}],  # not the whole text
        [{"text": INTRO_2, "lang": "français"}],  # not a language code
        [{"text": INTRO_2, "lang": "<b>"}],
        [{"lang": "fr"}],
        "At the end",
        [],
    ],
)
def test_channel_drops_parts_that_do_not_match_the_text(parts: object) -> None:
    assert webchat.to_page_messages([{"recipient_id": SENDER, "text": INTRO_2, "parts": parts}]) == [{"text": INTRO_2}]


def test_proxy_passes_the_parts_on_with_the_messages_language() -> None:
    replies = [{"text": INTRO_2, "parts": INTRO_2_PARTS}]
    client, _ = proxy_client(lambda request: httpx.Response(200, json=replies, headers={"Content-Language": "en"}))
    response = client.post("/chat/api/message", json={"sender": SENDER, "message": "hi"})
    assert response.json() == [{"text": INTRO_2, "parts": INTRO_2_PARTS, "lang": "en"}]


# ---- the real Rasa server ----------------------------------------------------------------------
def post_rasa(stack: Stack, data: bytes) -> tuple[int, object]:
    request = urllib.request.Request(
        f"{stack.rasa_url}/webhooks/webchat/webhook", data=data, headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=60) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.mark.e2e
def test_rasa_webchat_channel_answers_and_refuses_bad_requests(web_stack: Stack) -> None:
    status, replies = post_rasa(web_stack, json.dumps({"sender": SENDER, "message": "hi"}).encode())
    assert status == 200
    assert replies[-1]["buttons"] == [{"title": "Yes", "payload": "Yes"}, {"title": "No", "payload": "No"}]
    assert all(set(r) <= {"text", "buttons", "custom", "parts"} for r in replies)
    # intro_2 ends with a passage in French: plain text, and the passage marked in its parts.
    intro_2 = load_content().plain_message("intro_2")
    french = "Service en FRANÇAIS: écrivez FRANÇAIS."
    assert [(r["text"], r.get("parts")) for r in replies if "parts" in r] == [
        (intro_2, [{"text": intro_2.removesuffix(french)}, {"text": french, "lang": "fr"}])
    ]
    assert post_rasa(web_stack, b"{oops") == (400, {"error": "bad_json"})
    assert post_rasa(web_stack, json.dumps({"sender": "+15551234567", "message": "hi"}).encode()) == (
        400,
        {"error": "bad_sender"},
    )
    assert post_rasa(web_stack, json.dumps({"sender": SENDER, "message": None}).encode()) == (
        400,
        {"error": "bad_message"},
    )
    assert post_rasa(web_stack, json.dumps({"sender": SENDER, "message": "y" * 10_001}).encode()) == (
        413,
        {"error": "too_long"},
    )
    # Still serving after all that.
    status, replies = post_rasa(web_stack, json.dumps({"sender": SENDER, "message": "Yes"}).encode())
    assert status == 200 and replies[-1]["buttons"] == [
        {"title": "Looking for work", "payload": "Looking for work"},
        {"title": "Hiring", "payload": "Hiring"},
    ]
