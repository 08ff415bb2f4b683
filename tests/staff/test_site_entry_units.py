"""Site entry points without a browser: phone numbers read as E.164, the QR code segno draws of exactly the link."""

from __future__ import annotations

import pytest
import segno

from bot.staff.phone import e164
from bot.staff.views_sites import qr_svg_inline, site_qr
from bot.store.site_entry import keyword_of


@pytest.mark.parametrize(
    ("typed", "number"),
    [
        ("(902) 555-0123", "+19025550123"),
        ("902.555.0123", "+19025550123"),
        ("1 902 555 0123", "+19025550123"),
        ("+1-902-555-0123", "+19025550123"),
        ("+44 20 7946 0958", "+442079460958"),
        ("555-0123", None),
        ("+1 102 555 0123", None),
        ("902 055 0123", None),
        ("902-555-012a", None),
        ("", None),
        ("9" * 30, None),
    ],
)
def test_phone_numbers(typed: str, number: str | None) -> None:
    assert e164(typed) == number


def test_the_qr_code_is_segnos_of_exactly_the_url() -> None:
    url = "https://works.example.ca/s/halifax"
    assert site_qr(url).designator == segno.make(url, error="m").designator
    assert site_qr(url).matrix == segno.make(url, error="m").matrix
    svg = str(qr_svg_inline(url, 'QR <"code">'))
    assert svg.startswith('<svg role="img" aria-label="QR &lt;&#34;code&#34;&gt;" ')
    assert "<script" not in svg


@pytest.mark.parametrize(("code", "keyword"), [("halifax", "halifax"), ("Truro-North", "truro north"), ("a_b", "a b")])
def test_keywords_come_from_the_site_code(code: str, keyword: str) -> None:
    assert keyword_of(code) == keyword
