"""The queue of handed-off summaries (search, filters, sort, pages, new since the last visit) and its CSV export."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from starlette.responses import Response

from bot.content import load_content
from bot.staff import wording
from bot.staff.access import QUEUE_ROLES, scope_for, sees_both_audiences
from bot.staff.csv_export import queue_csv
from bot.staff.formatting import summary_view, zone_name
from bot.staff.pages import StaffRequest, staff_page
from bot.staff.queue_params import AUDIENCES, Parsed, parse, since_text, store_query
from bot.staff.wording import PAGE_LANGUAGE
from bot.store import follow_up, queue_query
from bot.store import staff_repository as staff_repo
from bot.store.contact import contact_of_run
from bot.store.models import ADMIN, HANDOFF_STATUSES, utcnow
from bot.store.queue_query import SORTS, QueuePage
from bot.store.staff_repository import Scope

PAGE_WINDOW = 2  # page links either side of the current page


def _parsed(sr: StaffRequest) -> tuple[Parsed, Scope, list[str]]:
    """The checked parameters, the scope they ask for, and every reason to refuse them (a 400)."""
    parsed = parse(sr.request.query_params, both_audiences=sees_both_audiences(sr.me), is_admin=sr.me.role == ADMIN)
    errors = list(parsed.errors)
    site_id = None
    if parsed.params.site:
        site = staff_repo.find_site(session=sr.db, code=parsed.params.site)
        if site is None:
            errors.append(wording.text("queue.error_site", code=parsed.params.site))
        else:
            site_id = site.id
    return parsed, scope_for(sr.me, site_id=site_id), errors


def page_numbers(page: int, pages: int) -> list[int | None]:
    """The page links to show: the first, the last and a few around ``page``; None marks a gap."""
    wanted = sorted({1, pages, *range(max(1, page - PAGE_WINDOW), min(pages, page + PAGE_WINDOW) + 1)})
    shown: list[int | None] = []
    for number in wanted:
        if shown and isinstance(shown[-1], int) and number > shown[-1] + 1:
            shown.append(None)
        shown.append(number)
    return shown


@staff_page(QUEUE_ROLES)
def queue_page(sr: StaffRequest) -> Response:
    """The practitioner's queue: one page of the summaries they may see, as the address's parameters ask."""
    parsed, scope, errors = _parsed(sr)
    previous: datetime | None = sr.me.last_queue_visit_at
    mark = parsed.since if parsed.since_given else previous  # links of the page keep the visit's mark
    sr.me.last_queue_visit_at = utcnow()
    params = replace(parsed.params, since=since_text(mark))
    if errors:
        result = QueuePage(rows=[], total=0, page=1, pages=1, per_page=queue_query.PER_PAGE)
    else:
        result = queue_query.queue_page(
            session=sr.db, query=store_query(parsed, scope=scope, me_id=sr.me.id, since=mark)
        )
    rows = [(r, summary_view(r.handoff.summary.body if r.handoff.summary else {}, r.language)) for r in result.rows]
    return sr.page(
        "queue.html",
        status_code=400 if errors else 200,
        p=params,
        result=result,
        rows=rows,
        errors=errors,
        mark=mark,
        statuses=HANDOFF_STATUSES,
        audiences=AUDIENCES,
        sorts=SORTS,
        page_numbers=page_numbers(result.page, result.pages),
        zone=zone_name(),
        both_audiences=sees_both_audiences(sr.me),
        sites=staff_repo.list_sites(session=sr.db) if sr.me.role == ADMIN else [],
        moves=follow_up.unseen_moves(session=sr.db, practitioner=sr.me),
    )


@staff_page(QUEUE_ROLES)
def queue_export(sr: StaffRequest) -> Response:
    """The same queue as CSV, every page (participants' words included, formulas neutralised), with each case's language."""
    parsed, scope, errors = _parsed(sr)
    if errors:
        return sr.page("error.html", status_code=400, title=wording.text("queue.title"), message=" ".join(errors))
    mark = parsed.since if parsed.since_given else sr.me.last_queue_visit_at
    query = store_query(parsed, scope=scope, me_id=sr.me.id, since=mark, page=False)
    found = queue_query.queue_rows(session=sr.db, query=query)
    factors = [(f.id, f.name) for f in load_content(PAGE_LANGUAGE).factors]  # columns named in the pages' language
    sr.audit("queue_exported", "queue", f"{len(found)} handoffs")
    handoffs = [r.handoff for r in found]
    languages = {r.handoff.id: r.language for r in found}
    contacts = {
        h.id: c
        for h in handoffs
        if (c := contact_of_run(session=sr.db, run_id=h.run_id, participant_id=h.run.participant_id)) is not None
    }
    return Response(
        queue_csv(handoffs, factors, languages, contacts).encode("utf-8-sig"),  # the BOM makes spreadsheets read UTF-8
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="magnetic-factors-queue.csv"'},
    )
