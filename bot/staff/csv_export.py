"""CSV export of a practitioner's queue, safe to open in a spreadsheet (cells through bot.store.csv_cells.safe_cell)."""
from __future__ import annotations

import csv
import io
from typing import Iterable, Sequence

from bot.staff.formatting import channel_label, status_label, summary_view
from bot.store.csv_cells import safe_cell
from bot.store.export import iso
from bot.store.models import Handoff

BASE_COLUMNS = (
    "handoff_id",
    "received_at",
    "status",
    "audience",
    "site",
    "assigned_to",
    "channel",
    "clarity_before",
    "clarity_after",
    "priorities",
)


def columns(factors: Sequence[tuple[str, str]]) -> list[str]:
    return [*BASE_COLUMNS, *(f"{name} - {part}" for _, name in factors for part in ("rating", "their words"))]


def queue_csv(handoffs: Iterable[Handoff], factors: Sequence[tuple[str, str]]) -> str:
    """One row per handoff: its status and its summary; ``factors`` are (id, name) pairs, one column pair each."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(columns(factors))
    for handoff in handoffs:
        view = summary_view(handoff.summary.body if handoff.summary else {})
        by_id = {f.id: f for f in view.factors}
        row: list[object] = [
            handoff.id,
            iso(handoff.created_at),
            status_label(handoff.status),
            "Work seeker" if handoff.audience == "case_manager" else "Employer",
            handoff.site.name if handoff.site else "",
            handoff.assigned_to.display_name if handoff.assigned_to else "",
            channel_label(handoff.run.channel) if handoff.run else "",
            view.clarity_before,
            view.clarity_after,
            "; ".join(view.priorities),
        ]
        for factor_id, _ in factors:
            factor = by_id.get(factor_id)
            if factor is None:
                row += ["", ""]
            else:
                row += [factor.rating, factor.words if factor.words is not None else factor.note]
        writer.writerow([safe_cell(v) for v in row])
    return out.getvalue()
