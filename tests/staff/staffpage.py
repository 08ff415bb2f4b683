"""Driving the staff pages in a real browser: sign in, read the queue, post forms."""

from __future__ import annotations

from playwright.sync_api import APIResponse, Page


def sign_in(page: Page, base_url: str, email: str, password: str, path: str = "/staff/") -> None:
    """Open ``path``; being signed out, the app sends us to the sign-in form, then back to ``path``."""
    page.goto(base_url + path)
    page.fill("#email", email)
    page.fill("#password", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def queue_ids(page: Page, base_url: str, query: str = "") -> list[int]:
    """Handoff ids listed on the queue page, in page order."""
    page.goto(f"{base_url}/staff/{query}")
    return [int(x) for x in page.locator("tr[data-handoff]").evaluate_all("rows => rows.map(r => r.dataset.handoff)")]


def csrf_token(page: Page, base_url: str) -> str:
    """The session's CSRF token, read from the sign-out form of the queue page."""
    page.goto(f"{base_url}/staff/")
    return page.locator("input[name=csrf_token]").first.get_attribute("value") or ""


def post(page: Page, url: str, form: dict[str, str]) -> APIResponse:
    """POST a form with the browser's cookies (no redirects followed)."""
    return page.context.request.post(url, form=form, max_redirects=0)
