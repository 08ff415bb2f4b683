"""The numbers of the match record: matches started in a period at some sites, and how far they went."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.store.match_models import (
    ENDED,
    HIRED,
    INTERVIEWING,
    INTRODUCED,
    RETAINED_1M,
    RETAINED_3M,
    STAGES,
    Match,
    MatchEvent,
)

FORWARD = tuple(s for s in STAGES if s != ENDED)  # suggested ... retained_3m: reaching one means passing the earlier


@dataclass(frozen=True)
class MatchFigures:
    """Matches started in the period, and of those how many reached each stage (at any time since), or ended."""

    suggested: int = 0
    introduced: int = 0
    interviewing: int = 0
    hired: int = 0
    retained_1m: int = 0
    retained_3m: int = 0
    ended: int = 0

    @property
    def hire_rate(self) -> float | None:
        """Hired out of introduced."""
        return self.hired / self.introduced if self.introduced else None

    @property
    def retained_3m_rate(self) -> float | None:
        """Still there at three months out of hired."""
        return self.retained_3m / self.hired if self.hired else None


def match_figures(*, session: Session, start: Any, end: Any, site_ids: tuple[int, ...] | None) -> MatchFigures:
    """The figures of the matches created in [start, end) at ``site_ids`` (None: every site)."""
    statement = (
        select(Match.id, Match.stage, MatchEvent.stage)
        .join(MatchEvent, MatchEvent.match_id == Match.id)
        .where(Match.created_at >= start, Match.created_at < end)
    )
    if site_ids is not None:
        statement = statement.where(Match.site_id.in_(site_ids))
    furthest: dict[int, int] = {}
    ended: set[int] = set()
    for match_id, current, stage in session.execute(statement).all():
        furthest.setdefault(match_id, 0)
        if stage in FORWARD:
            furthest[match_id] = max(furthest[match_id], FORWARD.index(stage))
        if current == ENDED:
            ended.add(match_id)

    def reached(stage: str) -> int:
        return sum(1 for index in furthest.values() if index >= FORWARD.index(stage))

    return MatchFigures(
        suggested=len(furthest),
        introduced=reached(INTRODUCED),
        interviewing=reached(INTERVIEWING),
        hired=reached(HIRED),
        retained_1m=reached(RETAINED_1M),
        retained_3m=reached(RETAINED_3M),
        ended=len(ended),
    )
