"""Who may see what: a practitioner's handoff scope and the role checks of each page."""

from __future__ import annotations

from bot.store.models import ADMIN, CASE_MANAGER, EES, SITE_MANAGER, Practitioner
from bot.store.staff_repository import Scope

ROLE_LABELS = {
    CASE_MANAGER: "Case Manager",
    EES: "Employer Engagement Specialist",
    SITE_MANAGER: "Site manager",
    ADMIN: "Administrator",
}
AUDIENCE_LABELS = {CASE_MANAGER: "Work seeker", EES: "Employer"}
QUEUE_ROLES = (CASE_MANAGER, EES, SITE_MANAGER, ADMIN)
WORK_ROLES = (CASE_MANAGER, EES, SITE_MANAGER, ADMIN)  # claim, note, change status
STATS_ROLES = (SITE_MANAGER, ADMIN)
ADMIN_ROLES = (ADMIN,)
NOBODY = Scope(site_ids=(), audience=None)


def scope_for(practitioner: Practitioner, *, site_id: int | None = None) -> Scope:
    """The handoffs ``practitioner`` may see; an admin may narrow to one site with ``site_id``."""
    if practitioner.role == ADMIN:
        return Scope(site_ids=(site_id,) if site_id is not None else None, audience=None)
    if practitioner.site_id is None:
        return NOBODY
    if practitioner.role == SITE_MANAGER:
        return Scope(site_ids=(practitioner.site_id,), audience=None)
    if practitioner.role in (CASE_MANAGER, EES):
        return Scope(site_ids=(practitioner.site_id,), audience=practitioner.role)
    return NOBODY


def sees_both_audiences(practitioner: Practitioner) -> bool:
    return practitioner.role in (SITE_MANAGER, ADMIN)
