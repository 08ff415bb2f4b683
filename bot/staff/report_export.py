"""The site report as a table of figures (what the page shows), and that same table as CSV and as XLSX."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, Sequence

from bot.staff import wording
from bot.store.csv_cells import safe_cell
from bot.store.reports import Figures, Report

COUNT, PERCENT, HOURS, SCORE = "count", "percent", "hours", "score"
# Every row of the report, in order: its key (a stable identifier for scripts) and what kind of number it holds.
ROWS: tuple[tuple[str, str], ...] = (
    ("declined", COUNT),
    ("started", COUNT),
    ("completed", COUNT),
    ("shared", COUNT),
    ("contacted", COUNT),
    ("followed_up", COUNT),
    ("withdrawn", COUNT),
    ("decline_rate", PERCENT),
    ("completion_rate", PERCENT),
    ("share_rate", PERCENT),
    ("contact_median_hours", HOURS),
    ("contact_basis", COUNT),
    ("clarity_pairs", COUNT),
    ("clarity_before_mean", SCORE),
    ("clarity_after_mean", SCORE),
    ("clarity_before_median", SCORE),
    ("clarity_after_median", SCORE),
    ("clarity_improved", COUNT),
    ("clarity_improved_rate", PERCENT),
    ("confidence_pairs", COUNT),
    ("confidence_before_mean", SCORE),
    ("confidence_after_mean", SCORE),
    ("confidence_improved", COUNT),
    ("confidence_improved_rate", PERCENT),
    ("closing_asked", COUNT),
    ("positive_change", COUNT),
    ("positive_change_rate", PERCENT),
)
FUNNEL = ("started", "completed", "shared", "contacted", "followed_up")
# The match record's rows (both sides together: a match is one work seeker and one employer).
MATCH_ROWS: tuple[tuple[str, str], ...] = (
    ("suggested", COUNT),
    ("introduced", COUNT),
    ("interviewing", COUNT),
    ("hired", COUNT),
    ("retained_1m", COUNT),
    ("retained_3m", COUNT),
    ("ended", COUNT),
    ("hire_rate", PERCENT),
    ("retained_3m_rate", PERCENT),
)
XLSX_FORMATS = {COUNT: "0", PERCENT: "0.0%", HOURS: "0.0", SCORE: "0.00"}
XLSX_MEDIA_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@dataclass(frozen=True)
class Cell:
    """One figure: its value (rounded as shown; a percentage as a fraction; None when there is no data) and kind."""

    value: float | int | None
    kind: str

    @property
    def text(self) -> str:
        if self.value is None:
            return wording.text("reports.no_data")
        if self.kind == PERCENT:
            return f"{self.value * 100:.1f}%"
        if self.kind == HOURS:
            return f"{self.value:.1f}"
        if self.kind == SCORE:
            return f"{self.value:.2f}"
        return str(self.value)


@dataclass(frozen=True)
class FigureRow:
    key: str
    label: str
    cells: tuple[Cell, ...]  # one per audience, in the report's order


@dataclass(frozen=True)
class ReportMeta:
    """What the report is of: the site's name, the period's dates and when it was produced, in the staff time zone."""

    site_name: str
    start: date
    end: date  # the last day included
    zone: str
    generated_at: datetime  # local, naive


def _value(figures: Figures, key: str) -> float | int | None:
    if key == "contact_median_hours":
        minutes = figures.contact_median_minutes
        return None if minutes is None else round(minutes / 60, 1)
    if key == "contact_basis":
        return figures.contacted
    value = getattr(figures, key)
    if isinstance(value, float):
        return round(value, 3 if key.endswith("_rate") else 2)
    return value  # type: ignore[no-any-return]


def audience_labels(report: Report) -> list[str]:
    return [wording.text(f"reports.{audience or 'both'}") for audience, _ in report.by_audience]


def figure_rows(report: Report) -> list[FigureRow]:
    """The report's figures, a row per figure and a cell per audience: the page's table and the exports' body."""
    return [
        FigureRow(
            key=key,
            label=wording.text(f"reports.rows.{key}"),
            cells=tuple(Cell(_value(figures, key), kind) for _, figures in report.by_audience),
        )
        for key, kind in ROWS
    ]


def match_rows(report: Report) -> list[FigureRow]:
    """The matches started in the period and how far they went: one cell each (keys prefixed ``matches_``)."""
    rows = []
    for key, kind in MATCH_ROWS:
        value = getattr(report.matches, key)
        rows.append(
            FigureRow(
                key=f"matches_{key}",
                label=wording.text(f"reports.match_rows.{key}"),
                cells=(Cell(round(value, 3) if isinstance(value, float) else value, kind),),
            )
        )
    return rows


def _header_rows(meta: ReportMeta) -> list[list[Any]]:
    zone = meta.zone
    return [
        [wording.text("reports.export.title")],
        [wording.text("reports.export.site"), meta.site_name],
        [wording.text("reports.export.from", zone=zone), meta.start],
        [wording.text("reports.export.to", zone=zone), meta.end],
        [wording.text("reports.export.generated", zone=zone), meta.generated_at],
        [],
    ]


def _definitions() -> list[str]:
    return [wording.text(f"reports.definitions.{k}") for k in ("started", "audience", "contacted", "followed_up")] + [
        wording.text(f"reports.definitions.{k}") for k in ("clarity", "positive_change", "matches", "no_data")
    ]


def report_csv(report: Report, meta: ReportMeta) -> str:
    """The report as CSV: what it covers, then the figures table as on the page, then the definitions."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")

    def write(row: Sequence[Any]) -> None:
        writer.writerow([safe_cell(_csv_text(v)) for v in row])

    for row in _header_rows(meta):
        write(row)
    write([wording.text("reports.export.key"), wording.text("reports.figure"), *audience_labels(report)])
    for figure in figure_rows(report):
        write([figure.key, figure.label, *(c.text for c in figure.cells)])
    write([])
    write([wording.text("reports.matches_heading")])
    for figure in match_rows(report):
        write([figure.key, figure.label, *(c.text for c in figure.cells)])
    write([])
    write([wording.text("reports.definitions_heading")])
    for line in _definitions():
        write([line])
    return out.getvalue()


def _csv_text(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return value


def report_xlsx(report: Report, meta: ReportMeta) -> bytes:
    """The report as an Excel workbook: the same rows as the CSV, numbers as numbers with their display format."""
    from openpyxl import Workbook  # imported when a workbook is asked for: most requests never need it
    from openpyxl.styles import Font

    book = Workbook()
    sheet = book.active
    sheet.title = "Report"
    for row in _header_rows(meta):
        sheet.append([_xlsx_text(v) for v in row])
    sheet["A1"].font = Font(bold=True, size=14)
    for cell, number_format in (("B3", "yyyy-mm-dd"), ("B4", "yyyy-mm-dd"), ("B5", "yyyy-mm-dd hh:mm")):
        sheet[cell].number_format = number_format
    sheet.append(
        [_xlsx_text(v) for v in (wording.text("reports.export.key"), wording.text("reports.figure"))]
        + [_xlsx_text(v) for v in audience_labels(report)]
    )
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for figure in figure_rows(report):
        sheet.append([_xlsx_text(figure.key), _xlsx_text(figure.label), *(_xlsx_cell(c) for c in figure.cells)])
        for cell, source in zip(sheet[sheet.max_row][2:], figure.cells, strict=True):
            if source.value is not None:
                cell.number_format = XLSX_FORMATS[source.kind]
    sheet.append([])
    sheet.append([_xlsx_text(wording.text("reports.matches_heading"))])
    for figure in match_rows(report):
        (source,) = figure.cells
        sheet.append([_xlsx_text(figure.key), _xlsx_text(figure.label), _xlsx_cell(source)])
        if source.value is not None:
            sheet.cell(sheet.max_row, 3).number_format = XLSX_FORMATS[source.kind]
    sheet.append([])
    sheet.append([_xlsx_text(wording.text("reports.definitions_heading"))])
    for line in _definitions():
        sheet.append([_xlsx_text(line)])
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 62
    for column in ("C", "D", "E"):
        sheet.column_dimensions[column].width = 16
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _xlsx_cell(cell: Cell) -> Any:
    return cell.value if cell.value is not None else _xlsx_text(cell.text)


def _xlsx_text(value: Any) -> Any:
    """Dates and numbers as they are; text through the CSV rule, so a text cell is never read as a formula."""
    if isinstance(value, (date, datetime, int, float)) or value is None:
        return value
    return safe_cell(value)
