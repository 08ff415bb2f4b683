"""Rights on request: a participant's data for their access request (JSON, page, PDF) and staff corrections."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any, Mapping

from starlette.responses import Response

from bot import pdf
from bot.activity.summary import summary_text
from bot.content import load_content
from bot.content.model import Content
from bot.staff import wording
from bot.staff.access import ADMIN_ROLES, QUEUE_ROLES, WORK_ROLES, scope_for
from bot.staff.formatting import local_time, summary_language, summary_view
from bot.staff.pages import STATIC, StaffRequest, not_found, redirect, staff_page
from bot.store import access_request, corrections
from bot.store import staff_repository as staff_repo
from bot.store.models import ADMIN, Handoff, Participant, utcnow

MAX_WORDS_CHARS = 5000
MAX_REASON_CHARS = 1000
JSON_TYPE = "application/json; charset=utf-8"


def _handoff(sr: StaffRequest) -> Handoff | None:
    """The handoff named in the path, only if it is in this practitioner's scope."""
    try:
        handoff_id = int(sr.request.path_params["handoff_id"])
    except (KeyError, ValueError):
        return None
    return staff_repo.find_handoff(session=sr.db, handoff_id=handoff_id, scope=scope_for(sr.me))


def _admin_participant(sr: StaffRequest) -> Participant | None:
    return staff_repo.find_participant(session=sr.db, public_id=str(sr.request.path_params.get("public_id", "")))


def _whose(sr: StaffRequest, *, by_handoff: bool) -> tuple[Participant, dict[str, Any]] | None:
    """The participant the path names and their data as this account may export it (None: not found / not theirs).

    From a handoff, a practitioner gets what was handed off to their site and team; an administrator, everything.
    """
    if by_handoff:
        handoff = _handoff(sr)
        if handoff is None:
            return None
        participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    else:
        found = _admin_participant(sr)
        if found is None:
            return None
        participant = found
    scope = None if sr.me.role == ADMIN else scope_for(sr.me)
    return participant, access_request.gather(session=sr.db, participant=participant, scope=scope)


def _iso_time(value: str | None) -> str:
    """A stored ISO time as the staff pages show times (local), '' for None."""
    return local_time(datetime.fromisoformat(value).replace(tzinfo=None)) if value else ""


def _readable_context(participant: Participant, data: Mapping[str, Any]) -> dict[str, Any]:
    """What access.html needs besides the data: names of factors, ratings and questions in the participant's words."""
    content = load_content(summary_language(participant.language))
    factors = {f.id: f.name for f in content.factors}
    ratings = content.rating_labels()

    def question(question_id: str, factor: str | None) -> str:
        if factor and factor in factors:
            kind = "rating" if question_id.endswith("_rating") else "reflection"
            return wording.text(f"rights.question_{kind}", factor=factors[factor])
        key = f"labels.question.{question_id}"
        return wording.load().texts.get(key, question_id)

    def value_of(field: str, value: str | None) -> str:
        if value is None:
            return wording.text("rights.nothing")
        return ratings.get(value, value) if field == corrections.RATING else value

    return {
        "data": data,
        "participant": participant,
        "at": _iso_time,
        "question": question,
        "factor_name": lambda factor_id: factors.get(factor_id, factor_id),
        "value_of": value_of,
        "label": wording.label,  # a stored code's label, the code itself when it has none
    }


def _filename(participant: Participant, extension: str) -> str:
    return f"magnetic-factors-data-{participant.public_id[:8]}.{extension}"


def _json(sr: StaffRequest, by_handoff: bool) -> Response:
    found = _whose(sr, by_handoff=by_handoff)
    if found is None:
        return not_found(sr)
    participant, data = found
    sr.audit("access_export_json_downloaded", "participant", participant.public_id)
    return Response(
        json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False),
        media_type=JSON_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_filename(participant, "json")}"'},
    )


def _page(sr: StaffRequest, by_handoff: bool) -> Response:
    found = _whose(sr, by_handoff=by_handoff)
    if found is None:
        return not_found(sr)
    participant, data = found
    sr.audit("access_export_viewed", "participant", participant.public_id)
    return sr.page("access.html", base_path=sr.request.url.path, **_readable_context(participant, data))


def _pdf(sr: StaffRequest, by_handoff: bool) -> Response:
    found = _whose(sr, by_handoff=by_handoff)
    if found is None:
        return not_found(sr)
    participant, data = found
    sr.audit("access_export_pdf_downloaded", "participant", participant.public_id)
    html = sr.html("access.html", for_pdf=True, base_path="", **_readable_context(participant, data))
    return Response(
        pdf.html_to_pdf(html, static={"/staff/static": STATIC}),
        media_type=pdf.MEDIA_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{_filename(participant, "pdf")}"'},
    )


@staff_page(QUEUE_ROLES)
def handoff_access_json(sr: StaffRequest) -> Response:
    """The participant's data as JSON, for their access request (what this account may see of it)."""
    return _json(sr, by_handoff=True)


@staff_page(QUEUE_ROLES)
def handoff_access_page(sr: StaffRequest) -> Response:
    """The participant's data as a readable page to give them (with its PDF)."""
    return _page(sr, by_handoff=True)


@staff_page(QUEUE_ROLES)
def handoff_access_pdf(sr: StaffRequest) -> Response:
    """The readable page of the participant's data as a PDF file."""
    return _pdf(sr, by_handoff=True)


@staff_page(ADMIN_ROLES)
def participant_access_json(sr: StaffRequest) -> Response:
    """Everything held about the participant, as JSON (administrators)."""
    return _json(sr, by_handoff=False)


@staff_page(ADMIN_ROLES)
def participant_access_page(sr: StaffRequest) -> Response:
    """Everything held about the participant, as a readable page (administrators)."""
    return _page(sr, by_handoff=False)


@staff_page(ADMIN_ROLES)
def participant_access_pdf(sr: StaffRequest) -> Response:
    """Everything held about the participant, as a PDF (administrators)."""
    return _pdf(sr, by_handoff=False)


# ---- corrections ------------------------------------------------------------------------------------------------
def _correct_form(
    sr: StaffRequest, handoff: Handoff, content: Content, *, error: str = "", status_code: int = 200
) -> Response:
    participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    body = handoff.summary.body if handoff.summary else {}
    return sr.page(
        "correct.html",
        status_code=status_code,
        handoff=handoff,
        summary=summary_view(body, participant.language),
        ratings=content.rating_labels(),
        error=error,
        chosen={k: sr.field(k) for k in ("factor", "field", "words", "rating", "reason")},
        words_limit=MAX_WORDS_CHARS,
        reason_limit=MAX_REASON_CHARS,
    )


def _problem(sr: StaffRequest, body: Mapping[str, Any], content: Content) -> str:
    """What is wrong with the submitted correction, in the pages' words; '' when it can be saved."""
    factor, field = sr.field("factor"), sr.field("field")
    if field not in corrections.FIELDS:
        return wording.text("errors.correction_field")
    try:
        old = corrections.current_value(body, factor, field)
    except corrections.NoSuchFactor:
        return wording.text("errors.correction_factor")
    new = _new_value(sr, field)
    if field == corrections.REFLECTION and not 0 < len(new) <= MAX_WORDS_CHARS:
        return wording.text("errors.correction_words", limit=MAX_WORDS_CHARS)
    if field == corrections.RATING and new not in content.rating_labels():
        return wording.text("errors.correction_rating")
    if not 0 < len(_reason(sr)) <= MAX_REASON_CHARS:
        return wording.text("errors.correction_reason", limit=MAX_REASON_CHARS)
    if new == old:
        return wording.text("errors.correction_unchanged")
    return ""


def _new_value(sr: StaffRequest, field: str) -> str:
    if field == corrections.RATING:
        return sr.field("rating")
    return sr.field("words").replace("\r\n", "\n").strip()  # browsers send a textarea's line breaks as CRLF


def _reason(sr: StaffRequest) -> str:
    return sr.field("reason").replace("\r\n", "\n").strip()


@staff_page(WORK_ROLES)
def handoff_correct(sr: StaffRequest) -> Response:
    """Correct one factor's words or rating on the participant's request, with a reason; the old value is kept."""
    handoff = _handoff(sr)
    if handoff is None or handoff.summary is None:
        return not_found(sr)
    participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    content = load_content(summary_language(participant.language))
    if sr.request.method != "POST":
        return _correct_form(sr, handoff, content)
    problem = _problem(sr, handoff.summary.body or {}, content)
    if problem:
        return _correct_form(sr, handoff, content, error=problem, status_code=400)
    field = sr.field("field")
    new = _new_value(sr, field)
    corrections.correct(
        session=sr.db,
        summary=handoff.summary,
        practitioner=sr.me,
        factor=sr.field("factor"),
        field=field,
        new_value=new,
        reason=_reason(sr),
        rating_label=content.rating_labels().get(new) if field == corrections.RATING else None,
        marked_on=local_time(utcnow())[:10],
        text_of=lambda body: summary_text(content, body),
    )
    sr.audit("answer_corrected", "handoff", handoff.id)  # ids only: which correction is in answer_corrections
    return redirect(f"/staff/handoffs/{handoff.id}")
