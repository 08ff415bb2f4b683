"""The site report for a period: funnel, time to first contact, clarity, rates, charts, and its CSV and XLSX downloads."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from markupsafe import Markup
from starlette.responses import Response

from bot.settings import get_settings
from bot.staff import wording
from bot.staff.access import STATS_ROLES
from bot.staff.charts import Series, bar_chart
from bot.staff.formatting import display_zone, local_time
from bot.staff.pages import StaffRequest, not_found, staff_page
from bot.staff.report_export import (
    FUNNEL,
    XLSX_MEDIA_TYPE,
    ReportMeta,
    audience_labels,
    figure_rows,
    match_rows,
    report_csv,
    report_xlsx,
)
from bot.store import staff_repository as staff_repo
from bot.store.models import ADMIN, Site
from bot.store.reports import Report, ReportQuery, site_report

ALL_SITES = "all"


@dataclass(frozen=True)
class Period:
    """The dates asked for (inclusive, in the staff time zone) and the UTC instants they span."""

    start: date
    end: date

    def bounds(self) -> tuple[datetime, datetime]:
        """[first moment of start, first moment after end) in naive UTC, as the database stores times."""
        zone = display_zone()

        def utc(day: date) -> datetime:
            return datetime.combine(day, time(0), tzinfo=zone).astimezone(timezone.utc).replace(tzinfo=None)

        return utc(self.start), utc(self.end + timedelta(days=1))


def this_month() -> Period:
    today = datetime.now(display_zone()).date()
    return Period(start=today.replace(day=1), end=today)


def _period(sr: StaffRequest) -> Period | None:
    """The from/to dates of the query string (this month when neither is given); None when they are not valid."""
    params = sr.request.query_params
    start, end = params.get("from", "").strip(), params.get("to", "").strip()
    if not start and not end:
        return this_month()
    try:
        period = Period(start=date.fromisoformat(start), end=date.fromisoformat(end))
    except ValueError:
        return None
    return period if period.start <= period.end else None


@dataclass(frozen=True)
class Choice:
    """Whose report: one site, or every site (site None, administrators only)."""

    site: Site | None
    code: str


def _choice(sr: StaffRequest) -> Choice | None:
    """The site asked for, if this account may see it (None: answer 404, as for any page that is not theirs)."""
    code = sr.request.query_params.get("site", "").strip()
    if sr.me.role == ADMIN:
        if code in ("", ALL_SITES):
            return Choice(site=None, code=ALL_SITES)
        site = staff_repo.find_site(session=sr.db, code=code)
        return Choice(site=site, code=site.code) if site is not None else None
    sites = staff_repo.visible_sites(session=sr.db, practitioner=sr.me)  # a site manager: their own site only
    if not sites or code not in ("", sites[0].code):
        return None
    return Choice(site=sites[0], code=sites[0].code)


def _report(sr: StaffRequest, choice: Choice, period: Period) -> tuple[Report, ReportMeta]:
    start, end = period.bounds()
    if choice.site is None:
        query = ReportQuery(start=start, end=end, site_ids=None)
        name = wording.text("reports.all_sites")
    else:
        unassigned = choice.site.code == get_settings().default_site_code  # as the numbers page counts them
        query = ReportQuery(start=start, end=end, site_ids=(choice.site.id,), include_unassigned=unassigned)
        name = choice.site.name
    now = datetime.now(display_zone())
    meta = ReportMeta(
        site_name=name,
        start=period.start,
        end=period.end,
        zone=str(display_zone()),
        generated_at=now.replace(tzinfo=None),
    )
    return site_report(session=sr.db, query=query), meta


def _charts(report: Report) -> dict[str, Any]:
    """The funnel and clarity charts and the tables behind them (the same numbers)."""
    audiences = audience_labels(report)
    stages = tuple(wording.text(f"reports.rows.{key}") for key in FUNNEL)
    funnel_series = tuple(
        Series(label, tuple(float(getattr(figures, key)) for key in FUNNEL))
        for label, (_, figures) in zip(audiences, report.by_audience, strict=True)
    )
    funnel_rows = [(stage, [int(s.values[i]) for s in funnel_series]) for i, stage in enumerate(stages)]
    funnel = bar_chart(
        chart_id="chart-funnel",
        title=wording.text("reports.funnel_title"),
        description=_describe(stages, funnel_series, "{:.0f}"),
        categories=stages,
        series=funnel_series,
        value_format="{:.0f}",
    )
    with_clarity = [
        (label, figures)
        for label, (_, figures) in zip(audiences, report.by_audience, strict=True)
        if figures.clarity_pairs
    ]
    clarity: Markup | None = None
    if with_clarity:
        names = tuple(label for label, _ in with_clarity)
        clarity_series = (
            Series(wording.text("reports.before_mean"), tuple(f.clarity_before_mean or 0.0 for _, f in with_clarity)),
            Series(wording.text("reports.after_mean"), tuple(f.clarity_after_mean or 0.0 for _, f in with_clarity)),
        )
        clarity = bar_chart(
            chart_id="chart-clarity",
            title=wording.text("reports.clarity_title"),
            description=_describe(names, clarity_series, "{:.2f}"),
            categories=names,
            series=clarity_series,
            value_format="{:.2f}",
            limit=5.4,
        )
    return {
        "funnel_chart": funnel,
        "funnel_rows": funnel_rows,
        "clarity_chart": clarity,
        "clarity_rows": [
            (label, f"{f.clarity_before_mean:.2f}", f"{f.clarity_after_mean:.2f}", f.clarity_pairs)
            for label, f in with_clarity
        ],
    }


def _describe(categories: tuple[str, ...], series: tuple[Series, ...], value_format: str) -> str:
    """The chart's numbers in a sentence per series, for its <desc>."""
    return " ".join(
        f"{one.name}: "
        + ", ".join(f"{c} {value_format.format(v)}" for c, v in zip(categories, one.values, strict=True))
        + "."
        for one in series
    )


def _query_string(choice: Choice, period: Period) -> str:
    return f"site={choice.code}&from={period.start.isoformat()}&to={period.end.isoformat()}"


@staff_page(STATS_ROLES)
def reports_page(sr: StaffRequest) -> Response:
    """The report of one site (or every site, for administrators) over a period, by audience, with charts."""
    choice = _choice(sr)
    if choice is None:
        return not_found(sr)
    period = _period(sr)
    context: dict[str, Any] = {
        "choice": choice,
        "sites": staff_repo.list_sites(session=sr.db) if sr.me.role == ADMIN else [],
        "zone": str(display_zone()),
        "ALL_SITES": ALL_SITES,
    }
    if period is None:
        fallback = this_month()
        return sr.page(
            "reports.html",
            status_code=400,
            error=True,
            period=fallback,
            report=None,
            values=sr.request.query_params,
            **context,
        )
    report, meta = _report(sr, choice, period)
    return sr.page(
        "reports.html",
        error=False,
        period=period,
        values={"from": period.start.isoformat(), "to": period.end.isoformat()},
        report=report,
        meta=meta,
        generated=local_time(datetime.now(timezone.utc).replace(tzinfo=None)),
        audiences=audience_labels(report),
        rows=figure_rows(report),
        match_rows=match_rows(report),
        query=_query_string(choice, period),
        **_charts(report),
        **context,
    )


def _download(sr: StaffRequest, kind: str) -> Response:
    choice = _choice(sr)
    if choice is None:
        return not_found(sr)
    period = _period(sr)
    if period is None:
        return sr.page(
            "error.html",
            status_code=400,
            title=wording.text("reports.title"),
            message=wording.text("reports.bad_dates"),
        )
    report, meta = _report(sr, choice, period)
    sr.audit(f"report_{kind}_downloaded", "report", f"{choice.code}:{period.start}:{period.end}"[:64])
    name = f"magnetic-factors-report-{re.sub(r'[^A-Za-z0-9_-]', '-', choice.code)}-{period.start}-{period.end}.{kind}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if kind == "csv":
        body = report_csv(report, meta).encode("utf-8-sig")  # the BOM makes spreadsheets read UTF-8
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(report_xlsx(report, meta), media_type=XLSX_MEDIA_TYPE, headers=headers)


@staff_page(STATS_ROLES)
def reports_csv(sr: StaffRequest) -> Response:
    """The report as CSV (counts only, formulas neutralised, dates in the staff time zone); the download is audited."""
    return _download(sr, "csv")


@staff_page(STATS_ROLES)
def reports_xlsx(sr: StaffRequest) -> Response:
    """The report as an Excel workbook (the same rows as the CSV); the download is audited."""
    return _download(sr, "xlsx")
