"""One person's summaries linked together: the other handoffs of a handoff's participant that this account may see."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from bot.staff.access import QUEUE_ROLES, scope_for
from bot.staff.pages import StaffRequest, not_found, staff_page
from bot.staff.views_follow_up import handoff_in_scope
from bot.store import staff_repository as staff_repo
from bot.store.models import Handoff, Participant

BLOCK_LINKS = 5  # the handoff page links this many of the others; the person page lists them all


def summaries_of(sr: StaffRequest, participant: Participant) -> list[Handoff]:
    """The participant's handoffs in this account's scope (site and audience, as the queue), newest first.

    A handoff outside the scope is neither listed nor counted: the page must not tell that one exists.
    """
    return staff_repo.handoffs_of_participant(session=sr.db, participant_id=participant.id, scope=scope_for(sr.me))


def other_summaries(sr: StaffRequest, handoff: Handoff) -> dict[str, Any]:
    """What the handoff page's "Other summaries from this person" block shows (merged into its context)."""
    participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    others = [h for h in summaries_of(sr, participant) if h.id != handoff.id]
    return {"other_summaries": others[:BLOCK_LINKS], "other_summaries_count": len(others)}


@staff_page(QUEUE_ROLES)
def person_page(sr: StaffRequest) -> Response:
    """Every summary of the handoff's participant this account may see, with status, owner and due date of each."""
    handoff = handoff_in_scope(sr)
    if handoff is None:
        return not_found(sr)
    participant = staff_repo.participant_of_handoff(session=sr.db, handoff=handoff)
    handoffs = summaries_of(sr, participant)
    sr.audit("person_summaries_viewed", "participant", participant.public_id)  # ids only, as the access page
    return sr.page("person.html", handoff=handoff, participant=participant, handoffs=handoffs)
