"""The participant's own copy of their summary: a page and its PDF at an unguessable link that expires."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Mapping

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route
from starlette.templating import Jinja2Templates

from bot import pdf
from bot.content import load_content
from bot.content.language_spans import plain_text
from bot.content.loader import available_languages
from bot.content.model import Content
from bot.settings import get_settings
from bot.store import repository as repo
from bot.store import summary_links
from bot.store.db import session_scope
from bot.store.models import ActivityRun, Participant, utcnow
from bot.web.chat_routes import SECURITY_HEADERS, STATIC_DIR, WEB_DIR, page_language

templates = Jinja2Templates(directory=str(WEB_DIR / "templates"))
# The page is someone's own words: never cached, never indexed, never sent on as a referrer.
HEADERS = {**SECURITY_HEADERS, "Cache-Control": "no-store", "X-Robots-Tag": "noindex, nofollow"}


@dataclass(frozen=True)
class FactorLine:
    name: str
    rating: str  # the rating's label, or the "skipped" wording
    rating_value: str  # strength, stressor, both, or "" when skipped
    words: str | None  # exactly as typed; None when skipped or not answered
    note: str  # "(skipped)" or "(no answer)" when there are no words


@dataclass(frozen=True)
class Found:
    language: str
    audience: str
    body: Mapping[str, Any]
    expires_at: datetime


def _participant_language(participant: Participant | None) -> str:
    language = participant.language if participant is not None else None
    return str(language) if language in available_languages() else "en"


def _found(token: str) -> Found | str | None:
    """The summary a token names; the participant's language when the link has ended; None when there is no such link."""
    with session_scope() as session:
        link = summary_links.find(session=session, token=token)
        run = session.get(ActivityRun, link.run_id) if link is not None else None
        summary = repo.latest_summary(session=session, run=run) if run is not None else None
        if link is None or run is None or summary is None:
            return None
        language = _participant_language(session.get(Participant, run.participant_id))
        if link.expires_at <= utcnow():
            return language
        return Found(
            language=language, audience=str(run.role or ""), body=dict(summary.body), expires_at=link.expires_at
        )


ABOUT_LABELS = {
    "work_sought": "work_sought",
    "business_name": "business",
    "hiring_role": "hiring_role",
    "barriers": "barriers",
}


def factor_lines(content: Content, body: Mapping[str, Any]) -> list[FactorLine]:
    """Each factor of the summary in the participant's language (names from the content, words as typed)."""
    names = {f.id: f.name for f in content.factors}
    ratings = content.rating_labels()
    skipped = plain_text(content.message("summary_skipped"))
    lines = []
    for factor in body.get("factors") or []:
        value = str(factor.get("rating") or "")
        words = factor.get("reflection")
        note = (
            ""
            if words is not None
            else (skipped if factor.get("reflection_skipped") else plain_text(content.message("summary_not_answered")))
        )
        lines.append(
            FactorLine(
                name=names.get(str(factor.get("id")), str(factor.get("name") or "")),
                rating=ratings.get(value, skipped),
                rating_value=value if value in ratings else "",
                words=None if words is None else str(words),
                note=note,
            )
        )
    return lines


def _context(found: Found, token: str, *, for_pdf: bool) -> dict[str, Any]:
    content = load_content(found.language)
    names = {f.id: f.name for f in content.factors}
    body = found.body
    audience = found.audience if found.audience in ("work_seeker", "employer") else "work_seeker"
    return {
        "lang": found.language,
        "m": lambda key, **values: plain_text(content.message(key, **values)),
        "how": plain_text(content.message(f"keep_how_{audience}")),
        "factors": factor_lines(content, body),
        "priorities": [names[p] for p in body.get("priorities") or [] if p in names],
        "clarity_before": body.get("clarity_before"),
        "clarity_after": body.get("clarity_after"),
        "confidence_before": body.get("confidence_before"),
        "confidence_after": body.get("confidence_after"),
        # their words outside the six factors: (the summary's label for it, the words), answered ones only
        "about": [
            (plain_text(content.message(f"summary_{ABOUT_LABELS[key]}")), str(words))
            for key, words in (body.get("about") or {}).items()
            if words and key in ABOUT_LABELS
        ],
        "closing": body.get("closing"),
        "until": found.expires_at.date().isoformat(),
        "pdf_path": f"{summary_links.PATH}/{token}/summary.pdf",
        "for_pdf": for_pdf,
    }


def _ended(request: Request, found: str | None) -> Response:
    """404 for a link that does not exist, 410 for one that has ended: a friendly page either way."""
    language = found if found is not None else page_language(request)[0]
    content = load_content(language if language in available_languages() else "en")
    key = "keep_not_found" if found is None else "keep_expired"
    return templates.TemplateResponse(
        request,
        "summary_ended.html",
        {
            "lang": content.language,
            "title": plain_text(content.message(f"{key}_title")),
            "text": plain_text(content.message(key, days=get_settings().summary_link_days)),
        },
        status_code=404 if found is None else 410,
        headers={**HEADERS, "Content-Language": content.language},
    )


async def summary_page(request: Request) -> Response:
    """The summary page: what the participant said, how to use it, and the PDF link."""
    token = str(request.path_params["token"])
    found = await run_in_threadpool(_found, token)
    if not isinstance(found, Found):
        return _ended(request, found)
    headers = {**HEADERS, "Content-Language": found.language}
    return templates.TemplateResponse(request, "summary.html", _context(found, token, for_pdf=False), headers=headers)


async def summary_pdf(request: Request) -> Response:
    """The same summary as a PDF to save or print (drawn on the server, nothing fetched from elsewhere)."""
    token = str(request.path_params["token"])
    found = await run_in_threadpool(_found, token)
    if not isinstance(found, Found):
        return _ended(request, found)
    html = templates.get_template("summary.html").render(**_context(found, token, for_pdf=True))
    data = await run_in_threadpool(pdf.html_to_pdf, html, static={"/static": STATIC_DIR})
    filename = "magnetic-factors-summary.pdf" if found.language == "en" else "resume-facteurs-magnetiques.pdf"
    return Response(
        data,
        media_type=pdf.MEDIA_TYPE,
        headers={**HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'},
    )


routes: list[BaseRoute] = [
    Route(summary_links.PATH + "/{token}", summary_page, methods=["GET"], name="summary_page"),
    Route(summary_links.PATH + "/{token}/summary.pdf", summary_pdf, methods=["GET"], name="summary_pdf"),
]
