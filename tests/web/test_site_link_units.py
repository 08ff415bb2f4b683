"""A site's web chat link without a browser: /s/<code> pages, the site carried by the proxy, the channel's link rule."""

from __future__ import annotations

import json

import httpx
import pytest
from starlette.applications import Starlette
from starlette.testclient import TestClient

from bot.chat_request import ChatRequest, Refusal, read_chat_request
from bot.content import load_content
from bot.store import repository as repo
from bot.store import site_entry
from bot.store.db import session_scope
from bot.store.models import Site
from bot.web import chat_routes
from bot.web.site_links import routes as site_routes
from bot.web.site_links import site_url

SENDER = "0123456789abcdef0123456789abcdef"


@pytest.fixture
def client(db_url: str) -> TestClient:
    with session_scope() as session:
        repo.get_or_create_site(session=session, code="halifax", name="NSW Halifax")
    return TestClient(Starlette(routes=site_routes))


def test_a_site_link_opens_the_chat_page_with_the_site(client: TestClient) -> None:
    response = client.get("/s/HALIFAX")
    assert response.status_code == 200
    assert 'data-site="halifax"' in response.text  # the stored code, whatever the case of the link
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_site_link_honours_the_language_it_carries(client: TestClient) -> None:
    response = client.get("/s/halifax?lang=fr")
    assert '<html lang="fr">' in response.text and "data-lang-asked" in response.text


@pytest.mark.parametrize(("path", "language"), [("/s/sydney", "en"), ("/s/sydney?lang=fr", "fr"), ("/s/a%20b", "en")])
def test_an_unknown_site_is_a_friendly_404(client: TestClient, path: str, language: str) -> None:
    response = client.get(path)
    content = load_content(language)
    assert response.status_code == 404
    assert "data-site" not in response.text
    assert content.message("site_not_found") in response.text.replace("&#39;", "'")
    assert f'href="/?lang={language}"' in response.text


def test_the_proxy_forwards_the_site_only_when_there_is_one() -> None:
    seen: list[httpx.Request] = []

    def rasa(request: httpx.Request) -> httpx.Response:
        seen.append(request)
        return httpx.Response(200, json=[{"text": "Hi"}])

    proxy = chat_routes.ChatProxy(rasa_url="http://rasa.test", transport=httpx.MockTransport(rasa))
    client = TestClient(Starlette(routes=[chat_routes.Route("/m", proxy.handle, methods=["POST"])]))
    client.post("/m", json={"sender": SENDER, "message": "hi", "site": "halifax"})
    client.post("/m", json={"sender": SENDER, "message": "hi"})
    assert [json.loads(r.content) for r in seen] == [
        {"sender": SENDER, "message": "hi", "site": "halifax"},
        {"sender": SENDER, "message": "hi"},
    ]
    refused = client.post("/m", json={"sender": SENDER, "message": "hi", "site": "../etc"})
    assert (refused.status_code, refused.json()) == (400, {"error": "bad_site"})


@pytest.mark.parametrize(
    ("body", "read"),
    [
        ({"sender": SENDER, "message": "hi", "site": "truro-north"}, ChatRequest(SENDER, "hi", "truro-north")),
        ({"sender": SENDER, "message": "hi"}, ChatRequest(SENDER, "hi")),
        ({"sender": SENDER, "message": "hi", "site": 5}, Refusal(400, "bad_site")),
        ({"sender": SENDER, "message": "hi", "site": "x" * 65}, Refusal(400, "bad_site")),
    ],
)
def test_the_site_field_of_a_chat_request(body: dict[str, object], read: object) -> None:
    assert read_chat_request(body) == read


def test_the_channel_links_a_new_participant_and_never_moves_one_who_has_a_site(db_url: str) -> None:
    with session_scope() as session:
        repo.get_or_create_site(session=session, code="halifax", name="NSW Halifax")
        repo.get_or_create_site(session=session, code="truro", name="NSW Truro")
        assert site_entry.link_site_by_code(session=session, channel="webchat", external_id=SENDER, code="Halifax")
        assert site_entry.link_site_by_code(session=session, channel="webchat", external_id=SENDER, code="truro")
        assert not site_entry.link_site_by_code(session=session, channel="webchat", external_id="b" * 32, code="nope")
        assert repo.find_identity(session=session, channel="webchat", external_id="b" * 32) is None
    with session_scope() as session:
        identity = repo.find_identity(session=session, channel="webchat", external_id=SENDER)
        assert session.get(Site, identity.participant.site_id).code == "halifax"


def test_site_urls() -> None:
    assert site_url("https://works.example.ca/", "halifax") == "https://works.example.ca/s/halifax"
    assert site_url("https://works.example.ca", "halifax", "fr") == "https://works.example.ca/s/halifax?lang=fr"
