"""Staff page routes, all under /staff on the same Starlette app as the web chat."""

from __future__ import annotations

from starlette.routing import BaseRoute, Mount, Route
from starlette.staticfiles import StaticFiles

from bot.staff import (
    views_admin,
    views_auth,
    views_follow_up,
    views_handoff,
    views_match_record,
    views_person,
    views_queue,
    views_reports,
    views_rights,
    views_sites,
)
from bot.staff.pages import STATIC

HANDOFF = "/handoffs/{handoff_id:int}"
PARTICIPANT = "/admin/participants/{public_id}"
SITE = "/sites/{code}"

routes: list[BaseRoute] = [
    Mount(
        "/staff",
        routes=[
            Route("/", views_queue.queue_page, name="staff_queue"),
            Route("/login", views_auth.login, methods=["GET", "POST"], name="staff_login"),
            Route("/logout", views_auth.logout, methods=["POST"], name="staff_logout"),
            Route("/export.csv", views_queue.queue_export, name="staff_export"),
            Route(HANDOFF, views_handoff.handoff_page, name="staff_handoff"),
            Route(HANDOFF + "/print", views_handoff.handoff_print, name="staff_handoff_print"),
            Route(HANDOFF + "/summary.pdf", views_handoff.handoff_pdf, name="staff_handoff_pdf"),
            Route(HANDOFF + "/claim", views_handoff.handoff_claim, methods=["POST"], name="staff_handoff_claim"),
            Route(HANDOFF + "/status", views_handoff.handoff_status, methods=["POST"], name="staff_handoff_status"),
            Route(
                HANDOFF + "/notes",
                views_follow_up.keeping_drafts(views_handoff.handoff_note),
                methods=["POST"],
                name="staff_handoff_note",
            ),
            Route(HANDOFF + "/assign", views_follow_up.handoff_assign, methods=["POST"], name="staff_handoff_assign"),
            Route(HANDOFF + "/due", views_follow_up.handoff_due, methods=["POST"], name="staff_handoff_due"),
            Route(
                HANDOFF + "/outcome", views_follow_up.handoff_outcome, methods=["POST"], name="staff_handoff_outcome"
            ),
            # the match record both practitioners share (issue 17)
            Route(HANDOFF + "/matches", views_match_record.match_start, methods=["POST"], name="staff_match_start"),
            Route("/matches/{match_id:int}", views_match_record.match_update, methods=["POST"], name="staff_match"),
            # one person's summaries (the other handoffs of this one's participant in the account's scope)
            Route(HANDOFF + "/person", views_person.person_page, name="staff_handoff_person"),
            Route("/stats", views_admin.stats_page, name="staff_stats"),
            Route("/reports", views_reports.reports_page, name="staff_reports"),
            Route("/reports.csv", views_reports.reports_csv, name="staff_reports_csv"),
            Route("/reports.xlsx", views_reports.reports_xlsx, name="staff_reports_xlsx"),
            Route("/admin/participants", views_admin.participants_page, name="staff_participants"),
            Route("/admin/participants/{public_id}", views_admin.participant_page, name="staff_participant"),
            Route(
                "/admin/participants/{public_id}/delete",
                views_admin.participant_delete,
                methods=["POST"],
                name="staff_participant_delete",
            ),
            Route("/admin/audit", views_admin.audit_page, name="staff_audit"),
            # rights on request: a participant's data for their access request, and corrections on their behalf
            Route(HANDOFF + "/access", views_rights.handoff_access_page, name="staff_handoff_access"),
            Route(HANDOFF + "/access.json", views_rights.handoff_access_json, name="staff_handoff_access_json"),
            Route(HANDOFF + "/access.pdf", views_rights.handoff_access_pdf, name="staff_handoff_access_pdf"),
            Route(
                HANDOFF + "/correct",
                views_rights.handoff_correct,
                methods=["GET", "POST"],
                name="staff_handoff_correct",
            ),
            Route(PARTICIPANT + "/access", views_rights.participant_access_page, name="staff_participant_access"),
            Route(
                PARTICIPANT + "/access.json", views_rights.participant_access_json, name="staff_participant_access_json"
            ),
            Route(
                PARTICIPANT + "/access.pdf", views_rights.participant_access_pdf, name="staff_participant_access_pdf"
            ),
            # a site's entry points (web link, QR code, SMS keyword, Telegram start) and SMS invitations
            Route("/sites", views_sites.sites_page, name="staff_sites"),
            Route(SITE, views_sites.site_page, name="staff_site"),
            Route(SITE + "/qr.svg", views_sites.site_qr_svg, name="staff_site_qr_svg"),
            Route(SITE + "/qr.png", views_sites.site_qr_png, name="staff_site_qr_png"),
            Route(SITE + "/invite", views_sites.site_invite, methods=["GET", "POST"], name="staff_site_invite"),
            Mount("/static", app=StaticFiles(directory=str(STATIC)), name="staff_static"),
        ],
    )
]
