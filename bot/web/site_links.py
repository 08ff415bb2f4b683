"""A site's own web chat link, /s/<site code>: the chat page that links a participant with no site to that site."""

from __future__ import annotations

from typing import Optional

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

from bot.chat_request import SITE_PATTERN
from bot.content import load_content
from bot.content.language_spans import plain_text
from bot.content.loader import available_languages
from bot.store import site_entry
from bot.store.db import session_scope
from bot.web.chat_routes import NO_STORE, SECURITY_HEADERS, page_language, render_chat, templates

PATH = "/s"


def site_code_of(code: str) -> Optional[str]:
    """The stored code of the site ``code`` names (case-insensitive), or None when there is no such site (blocking)."""
    if not SITE_PATTERN.fullmatch(code):
        return None
    with session_scope() as session:
        site = site_entry.find_site(session=session, code=code)
        return str(site.code) if site is not None else None


def not_found(request: Request) -> Response:
    """A friendly 404 in the page's language, with a way to start the chat anyway (without a site)."""
    language = page_language(request)[0]
    content = load_content(language if language in available_languages() else "en")
    context = {
        "lang": content.language,
        "title": plain_text(content.message("site_not_found_title")),
        "text": plain_text(content.message("site_not_found")),
        "start": plain_text(content.message("site_not_found_start")),
        "start_url": f"/?lang={content.language}",
    }
    headers = {**SECURITY_HEADERS, **NO_STORE, "Content-Language": content.language}
    return templates.TemplateResponse(request, "site_not_found.html", context, status_code=404, headers=headers)


async def site_chat_page(request: Request) -> Response:
    """The chat page for one site (?lang=fr honoured as on /), or a friendly 404 for a site that does not exist."""
    code = await run_in_threadpool(site_code_of, str(request.path_params.get("code", "")))
    if code is None:
        return not_found(request)
    return render_chat(request, site_code=code)


def site_url(base_url: str, code: str, language: Optional[str] = None) -> str:
    """The absolute web chat link of a site, for posters and QR codes."""
    url = f"{base_url.rstrip('/')}{PATH}/{code}"
    return f"{url}?lang={language}" if language else url


routes: list[BaseRoute] = [Route(PATH + "/{code}", site_chat_page, methods=["GET"], name="site_chat_page")]
