"""A site's entry points for staff to hand out (web link, QR code, SMS keyword, Telegram start), and SMS invitations."""

from __future__ import annotations

import io
import logging
from typing import Any, Optional
from urllib.parse import quote

import segno
from markupsafe import Markup, escape
from starlette.responses import HTMLResponse, Response

from bot.content.loader import available_languages
from bot.settings import get_settings
from bot.staff import invite_limits, wording
from bot.staff.access import WORK_ROLES
from bot.staff.formatting import local_time
from bot.staff.pages import SECURITY_HEADERS, StaffRequest, not_found, staff_page
from bot.staff.phone import e164
from bot.store import site_entry
from bot.store import staff_repository as staff_repo
from bot.store.models import ADMIN, CASE_MANAGER, EES, SITE_MANAGER, Practitioner, Site
from bot.web.site_links import site_url

logger = logging.getLogger(__name__)
SITE_PAGE_ROLES = (SITE_MANAGER, ADMIN)
INVITE_ROLES = WORK_ROLES  # Case Managers, EESs and site managers of the site; administrators for any site
SMS_CHANNEL = "twilio_sms"
QR_ERROR_LEVEL = "m"  # survives a smudge or a fold on a poster
QR_PAGE_SCALE = 6
QR_PNG_SCALE = 12  # about 5 cm at 300 dpi for a short link: sharp when printed
TELEGRAM_LINK = "https://t.me/{username}?start={code}"


def site_qr(url: str) -> segno.QRCode:
    """The QR code of a site's link: exactly ``url``, nothing added."""
    return segno.make(url, error=QR_ERROR_LEVEL)


def qr_svg_inline(url: str, label: str, svgclass: str = "site-qr") -> Markup:
    """The QR code as inline SVG, named for screen readers (segno writes the SVG; only the label is ours, escaped)."""
    svg = site_qr(url).svg_inline(scale=QR_PAGE_SCALE, dark="#000", light="#fff", svgclass=svgclass, lineclass=None)
    return Markup(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def telegram_start_url(username: str, code: str) -> str:
    """The bot's start link carrying a site's code: Telegram opens the bot and sends it "/start <code>"."""
    return TELEGRAM_LINK.format(username=quote(username, safe=""), code=quote(code, safe=""))


def _own_site(sr: StaffRequest, roles: tuple[str, ...]) -> Optional[Site]:
    """The site of the URL when the account may work with it: an administrator any, others their own only."""
    code = str(sr.request.path_params.get("code", ""))
    site = site_entry.find_site(session=sr.db, code=code)
    if site is None or sr.me.role not in roles:
        return None
    if sr.me.role != ADMIN and sr.me.site_id != site.id:
        return None
    return site


def entry_points(sr: StaffRequest, site: Site) -> dict[str, Any]:
    """Every way in to the site: web links (each language), the SMS keyword and number, the Telegram start."""
    settings = get_settings()
    base = settings.public_base_url
    url = site_url(base, str(site.code))
    invite = site_entry.site_link_invite(session=sr.db, site=site)
    username = settings.telegram_bot_username
    telegram_url = telegram_start_url(username, str(invite.code)) if username else ""
    telegram_qr = (
        qr_svg_inline(
            telegram_url, wording.text("sites.telegram_qr_label", site=site.name, url=telegram_url), "telegram-qr"
        )
        if telegram_url
        else ""
    )
    return {
        "site": site,
        "web_url": url,
        "language_urls": [(code, site_url(base, str(site.code), code)) for code in available_languages()],
        "qr_svg": qr_svg_inline(url, wording.text("sites.qr_label", site=site.name, url=url)),
        "keyword": site_entry.keyword_of(str(site.code)).upper(),
        "programme_number": settings.twilio_from_number,
        "telegram_code": invite.code,
        "telegram_url": telegram_url,  # "" until TELEGRAM_BOT_USERNAME is set
        "telegram_qr_svg": telegram_qr,
    }


@staff_page(SITE_PAGE_ROLES)
def sites_page(sr: StaffRequest) -> Response:
    """The sites this account can hand out entry points for: all for an administrator, else their own."""
    sites = staff_repo.visible_sites(session=sr.db, practitioner=sr.me)
    return sr.page("sites.html", sites=sites)


@staff_page(SITE_PAGE_ROLES)
def site_page(sr: StaffRequest) -> Response:
    """One site's entry points, print-friendly: web link, its QR code (with downloads), SMS keyword, Telegram start."""
    site = _own_site(sr, SITE_PAGE_ROLES)
    if site is None:
        return not_found(sr)
    return sr.page("site.html", **entry_points(sr, site))


def _qr_download(sr: StaffRequest, kind: str) -> Response:
    site = _own_site(sr, SITE_PAGE_ROLES)
    if site is None:
        return not_found(sr)
    url = site_url(get_settings().public_base_url, str(site.code))
    buffer = io.BytesIO()
    if kind == "svg":
        site_qr(url).save(buffer, kind="svg", scale=QR_PNG_SCALE, xmldecl=True, title=url)
        media = "image/svg+xml"
    else:
        site_qr(url).save(buffer, kind="png", scale=QR_PNG_SCALE)
        media = "image/png"
    headers = {**SECURITY_HEADERS, "Content-Disposition": f'attachment; filename="qr-{site.code}.{kind}"'}
    return Response(buffer.getvalue(), media_type=media, headers=headers)


@staff_page(SITE_PAGE_ROLES)
def site_qr_svg(sr: StaffRequest) -> Response:
    """The site link's QR code as an SVG file, for printing at any size."""
    return _qr_download(sr, "svg")


@staff_page(SITE_PAGE_ROLES)
def site_qr_png(sr: StaffRequest) -> Response:
    """The site link's QR code as a PNG file."""
    return _qr_download(sr, "png")


def _invite_context(sr: StaffRequest, site: Site, **extra: Any) -> dict[str, Any]:
    practitioners = site_entry.site_practitioners(session=sr.db, site=site)
    chosen = sr.me.id if sr.me.role in (CASE_MANAGER, EES) and sr.me.site_id == site.id else None
    return {
        "site": site,
        "languages": available_languages(),
        "practitioners": practitioners,
        "number": "",
        "language": available_languages()[0],
        "practitioner_id": chosen,
        "error": "",
        "sent": False,
        "limited": False,
        **extra,
    }


@staff_page(INVITE_ROLES)
def site_invite(sr: StaffRequest) -> Response:
    """Invite a known client: their phone number gets an SMS invitation, linking them to the site (and a practitioner)."""
    site = _own_site(sr, INVITE_ROLES)
    if site is None:
        return not_found(sr)
    if sr.request.method != "POST":
        return sr.page("site_invite.html", **_invite_context(sr, site))
    typed = sr.field("number")
    language = sr.field("language")
    number = e164(typed)
    practitioner = _chosen_practitioner(sr, site)
    if number is None or language not in available_languages() or isinstance(practitioner, bool):
        key = "sites.invite_bad_number" if number is None else "sites.invite_bad_choice"
        context = _invite_context(sr, site, number=typed[:32], language=language, error=wording.text(key))
        return sr.page("site_invite.html", status_code=400, **context)
    refused = invite_limits.refusal(session=sr.db, practitioner=sr.me, channel=SMS_CHANNEL, number=number)
    if refused is not None:
        return _limited(sr, site, refused, typed=typed, language=language, practitioner=practitioner)
    invitation = site_entry.invite_number(
        session=sr.db,
        channel=SMS_CHANNEL,
        number=number,
        site=site,
        language=language,
        invited_by=sr.me,
        practitioner=practitioner,
    )
    site_entry.enqueue_invitation(session=sr.db, invitation=invitation, channel=SMS_CHANNEL, number=number)
    sr.audit("client_invited", "site_invitation", invitation.id)
    logger.info("site %s: invitation %s queued by practitioner %s", site.id, invitation.id, sr.me.id)
    return sr.page("site_invite.html", **_invite_context(sr, site, sent=True))


def _limited(
    sr: StaffRequest,
    site: Site,
    refused: invite_limits.Refusal,
    *,
    typed: str,
    language: str,
    practitioner: Practitioner | None,
) -> HTMLResponse:
    """429: the invitation form as it was typed, with the reason and when to try again; audited with ids only."""
    if refused.reason == invite_limits.HOUR:
        sr.audit("invitation_limited_hourly", "practitioner", sr.me.id)
        error = wording.text("sites.invite_limited_hour", limit=refused.limit, when=local_time(refused.until))
    else:
        sr.audit("invitation_limited_number", "channel_identity", refused.identity_id)
        error = wording.text("sites.invite_limited_number")
    logger.info("site %s: invitation refused (%s limit) for practitioner %s", site.id, refused.reason, sr.me.id)
    context = _invite_context(
        sr,
        site,
        number=typed[:32],
        language=language,
        practitioner_id=practitioner.id if practitioner is not None else None,
        error=error,
        limited=True,
    )
    response = sr.page("site_invite.html", status_code=429, **context)
    response.headers["Retry-After"] = str(refused.retry_after_seconds)
    return response


def _chosen_practitioner(sr: StaffRequest, site: Site) -> Practitioner | None | bool:
    """The practitioner picked in the form (None for nobody); False for an id that is not one of the site's."""
    picked = sr.field("practitioner").strip()
    if not picked:
        return None
    found = [p for p in site_entry.site_practitioners(session=sr.db, site=site) if str(p.id) == picked]
    return found[0] if found else False
