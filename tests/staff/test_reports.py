"""The site report on a hand-built data set: every figure exact, the period's edges in Atlantic time, CSV and XLSX."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy.orm import Session

from bot.staff.charts import Series, bar_chart
from bot.staff.report_export import ReportMeta, figure_rows, report_csv, report_xlsx
from bot.staff.views_reports import Period
from bot.store import staff_stats
from bot.store.reports import Figures, ReportQuery, figures, site_report
from tests.staff.report_seed import seed_march
from tests.staff.seed import add_site

MARCH = Period(start=date(2026, 3, 1), end=date(2026, 3, 31))


@pytest.fixture
def march(session: Session) -> ReportQuery:
    halifax = add_site(session, "default", "Halifax Works")
    truro = add_site(session, "truro", "Truro Works")
    seed_march(session, halifax, truro)
    start, end = MARCH.bounds()
    return ReportQuery(start=start, end=end, site_ids=(halifax.id,), include_unassigned=True)


BOTH = Figures(
    declined=2, started=7, completed=5, shared=4, withdrawn=1, contacted=3, followed_up=1,
    contact_median_minutes=120.0, clarity_pairs=4, clarity_before_mean=3.0, clarity_after_mean=3.25,
    clarity_before_median=3.0, clarity_after_median=3.5, clarity_improved=3,
    confidence_pairs=2, confidence_before_mean=2.5, confidence_after_mean=3.5, confidence_improved=1,
    closing_asked=4, positive_change=2,
)  # fmt: skip
SEEKERS = Figures(
    declined=0, started=4, completed=3, shared=2, withdrawn=0, contacted=2, followed_up=1,
    contact_median_minutes=240.0, clarity_pairs=2, clarity_before_mean=1.5, clarity_after_mean=3.5,
    clarity_before_median=1.5, clarity_after_median=3.5, clarity_improved=2,
    confidence_pairs=2, confidence_before_mean=2.5, confidence_after_mean=3.5, confidence_improved=1,
    closing_asked=2, positive_change=1,
)  # fmt: skip
EMPLOYERS = Figures(
    declined=1, started=3, completed=2, shared=2, withdrawn=1, contacted=1, followed_up=0,
    contact_median_minutes=30.0, clarity_pairs=2, clarity_before_mean=4.5, clarity_after_mean=3.0,
    clarity_before_median=4.5, clarity_after_median=3.0, clarity_improved=1,
    confidence_pairs=0, confidence_before_mean=None, confidence_after_mean=None, confidence_improved=0,
    closing_asked=2, positive_change=1,
)  # fmt: skip
NOTHING = Figures(
    declined=0, started=0, completed=0, shared=0, withdrawn=0, contacted=0, followed_up=0,
    contact_median_minutes=None, clarity_pairs=0, clarity_before_mean=None, clarity_after_mean=None,
    clarity_before_median=None, clarity_after_median=None, clarity_improved=0,
)  # fmt: skip


def test_the_period_is_whole_days_in_atlantic_time_across_the_change_to_daylight_time() -> None:
    assert MARCH.bounds() == (datetime(2026, 3, 1, 4, 0), datetime(2026, 4, 1, 3, 0))
    assert Period(start=date(2026, 1, 15), end=date(2026, 1, 15)).bounds() == (
        datetime(2026, 1, 15, 4, 0),
        datetime(2026, 1, 16, 4, 0),
    )


@pytest.mark.parametrize(("audience", "expected"), [(None, BOTH), ("work_seeker", SEEKERS), ("employer", EMPLOYERS)])
def test_every_figure_of_each_audience(
    session: Session, march: ReportQuery, audience: str | None, expected: Figures
) -> None:
    assert figures(session=session, query=march, audience=audience) == expected


def test_rates_and_no_data(session: Session, march: ReportQuery) -> None:
    both = figures(session=session, query=march, audience=None)
    assert (both.decline_rate, both.completion_rate, both.share_rate, both.clarity_improved_rate) == (
        2 / 9,
        5 / 7,
        4 / 5,
        3 / 4,
    )
    seekers = figures(session=session, query=march, audience="work_seeker")
    assert seekers.decline_rate == 0.0  # four answered the consent question, none said no: a true 0%
    empty = ReportQuery(start=datetime(2025, 2, 1, 4), end=datetime(2025, 3, 1, 4), site_ids=march.site_ids)
    nothing = figures(session=session, query=empty, audience=None)
    assert nothing == NOTHING
    assert (nothing.decline_rate, nothing.completion_rate, nothing.share_rate, nothing.clarity_improved_rate) == (
        None,
    ) * 4


def test_sites_declines_and_the_edges(session: Session, march: ReportQuery) -> None:
    truro_only = ReportQuery(start=march.start, end=march.end, site_ids=(2,))
    truro = figures(session=session, query=truro_only, audience=None)
    assert (truro.started, truro.shared, truro.contacted, truro.contact_median_minutes) == (1, 1, 1, 1.0)
    # without the unassigned participant (u1, an employer who started)
    strict = figures(session=session, query=ReportQuery(start=march.start, end=march.end, site_ids=(1,)), audience=None)
    assert (strict.started, strict.declined) == (6, 2)
    everywhere = figures(
        session=session, query=ReportQuery(start=march.start, end=march.end, site_ids=None), audience=None
    )
    assert (everywhere.started, everywhere.completed, everywhere.shared, everywhere.contacted) == (8, 6, 5, 4)
    # one more day each side takes in the two runs just outside March (Halifax time)
    wider = Period(start=date(2026, 2, 28), end=date(2026, 4, 1)).bounds()
    assert (
        figures(
            session=session, query=ReportQuery(*wider, site_ids=(1,), include_unassigned=True), audience=None
        ).started
        == 9
    )


def test_the_numbers_page_no_longer_counts_declined_consent_as_started(session: Session, march: ReportQuery) -> None:
    stats = staff_stats.site_stats(session=session, site_ids=[1], include_unassigned=True)
    # every Halifax run of any date but the two that declined: h1-h6, pending, u1, out_before, out_after
    assert stats.started == 10


def _meta() -> ReportMeta:
    return ReportMeta(
        site_name="=Halifax Works", start=date(2026, 3, 1), end=date(2026, 3, 31), zone="America/Halifax",
        generated_at=datetime(2026, 4, 2, 9, 30),
    )  # fmt: skip


NO_DATA = "No data"
EXPECTED_TABLE = [
    ["declined", "Declined consent (not counted as started)", "2", "0", "1"],
    ["started", "Started (gave consent)", "7", "4", "3"],
    ["completed", "Completed", "5", "3", "2"],
    ["shared", "Shared with a practitioner", "4", "2", "2"],
    ["contacted", "Contacted by a practitioner", "3", "2", "1"],
    ["followed_up", "Followed up", "1", "1", "0"],
    ["withdrawn", "Shares later withdrawn by the participant", "1", "0", "1"],
    ["decline_rate", "Decline rate (declined, of all who answered the consent question)", "22.2%", "0.0%", "25.0%"],
    ["completion_rate", "Completion rate (completed, of started)", "71.4%", "75.0%", "66.7%"],
    ["share_rate", "Share rate (shared, of completed)", "80.0%", "66.7%", "100.0%"],
    ["contact_median_hours", "Median hours from handoff to first contact", "2.0", "4.0", "0.5"],
    ["contact_basis", "Handoffs that median is based on", "3", "2", "1"],
    ["clarity_pairs", "Completed with clarity before and after", "4", "2", "2"],
    ["clarity_before_mean", "Clarity before, mean (1-5)", "3.00", "1.50", "4.50"],
    ["clarity_after_mean", "Clarity after, mean (1-5)", "3.25", "3.50", "3.00"],
    ["clarity_before_median", "Clarity before, median (1-5)", "3.00", "1.50", "4.50"],
    ["clarity_after_median", "Clarity after, median (1-5)", "3.50", "3.50", "3.00"],
    ["clarity_improved", "Clearer after than before", "3", "2", "1"],
    ["clarity_improved_rate", "Clearer after than before (share of those with both)", "75.0%", "100.0%", "50.0%"],
    [
        "confidence_pairs",
        "Work seekers: completed with 'sure of a good match' before and after",
        "2",
        "2",
        "0",
    ],
    ["confidence_before_mean", "Sure of a good match before, mean (1-5)", "2.50", "2.50", NO_DATA],
    ["confidence_after_mean", "Sure of a good match after, mean (1-5)", "3.50", "3.50", NO_DATA],
    ["confidence_improved", "Surer after than before", "1", "1", "0"],
    ["confidence_improved_rate", "Surer after than before (share of those with both)", "50.0%", "50.0%", NO_DATA],
    ["closing_asked", "Completed and asked what changed for them", "4", "2", "2"],
    ["positive_change", "Described a positive change", "2", "1", "1"],
    ["positive_change_rate", "Described a positive change (share of those asked)", "50.0%", "50.0%", "50.0%"],
]


def test_figure_rows_are_the_table_the_page_shows(session: Session, march: ReportQuery) -> None:
    rows = figure_rows(site_report(session=session, query=march))
    assert [[r.key, r.label, *(c.text for c in r.cells)] for r in rows] == EXPECTED_TABLE


def test_csv_has_the_period_in_atlantic_time_the_table_and_no_formula(session: Session, march: ReportQuery) -> None:
    text = report_csv(site_report(session=session, query=march), _meta())
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[:7] == [
        ["Magnetic Factors report"],
        ["Site", "'=Halifax Works"],  # a formula-looking name is neutralised
        ["From (date, America/Halifax)", "2026-03-01"],
        ["To (date, America/Halifax)", "2026-03-31"],
        ["Produced (America/Halifax)", "2026-04-02 09:30"],
        [],
        ["key", "Figure", "Both audiences", "Work seekers", "Employers"],
    ]
    assert rows[7:34] == EXPECTED_TABLE
    assert rows[34:37] == [
        [],
        ["Matches started in this period (both sides together)"],
        ["matches_suggested", "Matches started", "0"],
    ]
    assert rows[44:45] == [["matches_retained_3m_rate", "Still there at 3 months, of hired", "No data"]]
    assert rows[45:47] == [[], ["What the figures mean"]]
    assert len(rows) == 55


def test_xlsx_holds_the_same_cells_as_numbers(session: Session, march: ReportQuery) -> None:
    report = site_report(session=session, query=march)
    sheet = load_workbook(io.BytesIO(report_xlsx(report, _meta()))).active
    values = list(sheet.iter_rows(values_only=True))
    assert values[1][:2] == ("Site", "'=Halifax Works")
    assert values[2][:2] == ("From (date, America/Halifax)", datetime(2026, 3, 1))
    assert values[3][:2] == ("To (date, America/Halifax)", datetime(2026, 3, 31))
    assert values[4][:2] == ("Produced (America/Halifax)", datetime(2026, 4, 2, 9, 30))
    assert values[6] == ("key", "Figure", "Both audiences", "Work seekers", "Employers")
    assert values[7] == ("declined", "Declined consent (not counted as started)", 2, 0, 1)
    assert values[14] == ("decline_rate", EXPECTED_TABLE[7][1], 0.222, 0.0, 0.25)
    assert values[17] == ("contact_median_hours", EXPECTED_TABLE[10][1], 2.0, 4.0, 0.5)
    assert values[21] == ("clarity_after_mean", EXPECTED_TABLE[14][1], 3.25, 3.5, 3.0)
    assert sheet["C15"].number_format == "0.0%" and sheet["C18"].number_format == "0.0"
    for row_number, expected in enumerate(EXPECTED_TABLE, start=8):
        assert [xlsx_text(sheet.cell(row_number, col)) for col in range(1, 6)] == expected


def test_xlsx_says_no_data_where_there_is_none(session: Session, march: ReportQuery) -> None:
    empty = ReportQuery(start=datetime(2025, 2, 1, 4), end=datetime(2025, 3, 1, 4), site_ids=march.site_ids)
    sheet = load_workbook(io.BytesIO(report_xlsx(site_report(session=session, query=empty), _meta()))).active
    assert [c.value for c in sheet[16]] == ["completion_rate", EXPECTED_TABLE[8][1], "No data", "No data", "No data"]
    assert [c.value for c in sheet[9]] == ["started", "Started (gave consent)", 0, 0, 0]


def xlsx_text(cell) -> str:  # noqa: ANN001 - an openpyxl cell
    """A cell as a spreadsheet shows it, by its number format (the page's text)."""
    value = cell.value
    if isinstance(value, str):
        return value
    if cell.number_format == "0.0%":
        return f"{value * 100:.1f}%"
    if cell.number_format == "0.00":
        return f"{value:.2f}"
    if cell.number_format == "0.0":
        return f"{value:.1f}"
    return str(value)


def test_charts_are_inline_svg_without_style_and_with_a_name() -> None:
    svg = str(
        bar_chart(
            chart_id="c1", title="Funnel <chart>", description="Both: Started 3.", categories=("Started", "Done"),
            series=(Series("Both", (3.0, 1.0)),), value_format="{:.0f}",
        )
    )  # fmt: skip
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    assert 'role="img"' in svg and 'aria-labelledby="c1-title c1-desc"' in svg
    assert '<title id="c1-title">Funnel &lt;chart&gt;</title><desc id="c1-desc">Both: Started 3.</desc>' in svg
    assert "style" not in svg and "<metadata" not in svg and "xlink" not in svg
    assert 'fill="#0b5cad"' in svg and ">Started</text>" in svg and ">3</text>" in svg
    assert 'clip-path="url(#c1-' in svg and "http" not in svg.replace("http://www.w3.org/2000/svg", "")
