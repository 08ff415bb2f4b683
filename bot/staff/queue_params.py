"""The queue page's query parameters: read, checked, turned into a store query, and written back into links."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from datetime import date, datetime, time, timedelta, timezone
from typing import Any, Mapping
from urllib.parse import urlencode

from bot.staff import wording
from bot.staff.formatting import display_zone
from bot.store.models import CASE_MANAGER, EES, HANDOFF_STATUSES
from bot.store.queue_query import DUE_FILTERS, SORTS, QueueQuery, Reference, parse_reference
from bot.store.staff_repository import Scope

AUDIENCES = (CASE_MANAGER, EES)
MAX_PAGE = 100_000
MAX_TEXT = 128
EARLIEST_YEAR = 2000
LATEST_YEAR = 2999
NEVER = "never"


@dataclass(frozen=True)
class QueueParams:
    """What the address asks for, as text (links are rebuilt from it). A default value is left out of links."""

    q: str = ""
    status: str = ""
    audience: str = ""
    site: str = ""
    mine: str = ""
    new: str = ""
    from_: str = ""
    to: str = ""
    sort: str = "newest"
    page: int = 1
    since: str = ""  # the visit's "last visit" mark, carried by every link of the page so it stays the same
    due: str = ""  # "today" or "overdue": open follow-ups due today, or due before today

    @property
    def filtered(self) -> bool:
        """Whether anything narrows the queue (a search or a filter; sorting and pages do not)."""
        return any((self.q, self.status, self.audience, self.site, self.mine, self.new, self.from_, self.to, self.due))

    def link(self, **changes: Any) -> str:
        """The queue's address with ``changes`` (``from_`` for "from"); any filter change goes back to page 1."""
        if "page" not in changes:
            changes["page"] = 1
        target = replace(self, **changes)
        pairs = []
        for f in fields(target):
            value = getattr(target, f.name)
            if value != f.default:
                pairs.append((f.name.rstrip("_"), str(value)))
        return "/staff/?" + urlencode(pairs) if pairs else "/staff/"

    def export_link(self) -> str:
        """The CSV export of the same filters (every page)."""
        return "/staff/export.csv" + self.link(page=1).removeprefix("/staff/")


@dataclass(frozen=True)
class Parsed:
    """The checked parameters, what they ask the store, and any reason a typed value was refused (a 400)."""

    params: QueueParams
    reference: Reference | None
    created_from: datetime | None
    created_before: datetime | None
    since_given: bool  # the address carries the visit's mark (a link of the queue page), else this is a new visit
    since: datetime | None
    errors: list[str]


def _choice(value: str, allowed: tuple[str, ...], default: str = "") -> str:
    return value if value in allowed else default


def _page(value: str) -> int:
    return int(value) if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_PAGE else 1


def _day(value: str) -> date | None:
    """A YYYY-MM-DD date (what a date field sends) in a sane range, or None."""
    try:
        day = date.fromisoformat(value)
    except ValueError:
        return None
    return day if len(value) == 10 and EARLIEST_YEAR <= day.year <= LATEST_YEAR else None


def utc_start_of(day: date) -> datetime:
    """Midnight at the start of ``day`` in the staff time zone, as naive UTC (what the database stores)."""
    local = datetime.combine(day, time(0), tzinfo=display_zone())
    return local.astimezone(timezone.utc).replace(tzinfo=None)


def since_text(value: datetime | None) -> str:
    """The last-visit mark as links carry it ("never" for a first visit)."""
    return value.isoformat(timespec="microseconds") if value is not None else NEVER


def _since(value: str) -> tuple[bool, datetime | None]:
    """(whether the address carries a valid mark, the mark); anything else is as if there were none."""
    if value == NEVER:
        return True, None
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        return False, None
    if parsed.tzinfo is None and EARLIEST_YEAR <= parsed.year <= LATEST_YEAR:
        return True, parsed
    return False, None


MIN_WORDS_SEARCH = 2  # a search in the participants' words needs this many characters


def parse(query: Mapping[str, str], *, both_audiences: bool, is_admin: bool) -> Parsed:
    """Read the queue's parameters: a bad choice falls back to its default; a bad typed value is an error to show."""

    def text(name: str) -> str:
        return query.get(name, "").strip()[:MAX_TEXT]

    errors: list[str] = []
    q = text("q")
    reference = parse_reference(q) if q else None
    if q and reference is None:  # not a reference: a name, business or job in the participant's words
        reference = Reference(words=q) if len(q) >= MIN_WORDS_SEARCH and not q.startswith("#") else None
    if q and reference is None:
        errors.append(wording.text("queue.error_reference"))
    dates: dict[str, date | None] = {}
    for name, key in (("from", "queue.error_from"), ("to", "queue.error_to")):
        dates[name] = _day(text(name)) if text(name) else None
        if text(name) and dates[name] is None:
            errors.append(wording.text(key))
    start, end = dates["from"], dates["to"]
    if start is not None and end is not None and start > end:
        errors.append(wording.text("queue.error_dates_order"))
    since_given, since = _since(text("since"))
    params = QueueParams(
        q=q,
        status=_choice(text("status"), HANDOFF_STATUSES),
        audience=_choice(text("audience"), AUDIENCES) if both_audiences else "",
        site=text("site") if is_admin else "",
        mine="1" if text("mine") == "1" else "",
        new="1" if text("new") == "1" else "",
        from_=text("from"),
        to=text("to"),
        sort=_choice(text("sort"), SORTS, "newest"),
        page=_page(text("page")),
        since=since_text(since) if since_given else "",
        due=_choice(text("due"), DUE_FILTERS),
    )
    return Parsed(
        params=params,
        reference=reference,
        created_from=utc_start_of(start) if start is not None else None,
        created_before=utc_start_of(end + timedelta(days=1)) if end is not None else None,
        since_given=since_given,
        since=since,
        errors=errors,
    )


def staff_today() -> date:
    """The day it is now in the staff time zone (what "due today" and "overdue" are counted against)."""
    return datetime.now(timezone.utc).astimezone(display_zone()).date()


def store_query(
    parsed: Parsed,
    *,
    scope: Scope,
    me_id: int,
    since: datetime | None,
    page: bool = True,
    today: date | None = None,
) -> QueueQuery:
    """The store's query for these parameters, in ``scope``, with ``since`` as the last-visit mark."""
    p = parsed.params
    return QueueQuery(
        scope=scope,
        status=p.status or None,
        audience=p.audience or None,
        assigned_to_id=me_id if p.mine else None,
        reference=parsed.reference,
        created_from=parsed.created_from,
        created_before=parsed.created_before,
        since=since,
        only_new=bool(p.new),
        sort=p.sort,
        page=p.page if page else 1,
        due=p.due or None,
        today=today if today is not None else staff_today(),
    )
