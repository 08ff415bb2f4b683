"""HTML to a tagged PDF (WeasyPrint, PDF/UA-1), fetching nothing but the app's own static files."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Mapping
from urllib.parse import unquote, urlsplit

MEDIA_TYPE = "application/pdf"


class NotFetched(ValueError):
    """A page asked for something other than one of the app's static files (a remote URL, a file elsewhere)."""


def _static_fetcher(static: Mapping[str, Path]) -> Any:
    """A WeasyPrint URL fetcher that serves ``/prefix/name`` from its folder and refuses everything else."""
    from weasyprint import default_url_fetcher

    folders = {prefix.rstrip("/") + "/": folder.resolve() for prefix, folder in static.items()}

    def fetch(url: str) -> dict[str, Any]:
        parts = urlsplit(url)
        if parts.scheme != "file":
            raise NotFetched(f"only local static files are read, not {parts.scheme}: URLs")
        path = unquote(parts.path)
        for prefix, folder in folders.items():
            if path.startswith(prefix):
                target = (folder / path[len(prefix) :]).resolve()
                if target.is_relative_to(folder) and target.is_file():
                    result: dict[str, Any] = default_url_fetcher(target.as_uri())
                    return result
        raise NotFetched("not one of the app's static files")

    return fetch


def html_to_pdf(html: str, *, static: Mapping[str, Path]) -> bytes:
    """The PDF of a page whose stylesheets are linked as ``/prefix/name`` with ``prefix`` a key of ``static``.

    Tagged (PDF/UA-1): the document's language and title come from the page's ``<html lang>`` and ``<title>``, so a
    screen reader reads a French summary in French. Scripts are never run.
    """
    from weasyprint import HTML  # imported on first use: it loads Pango, which only PDF requests need

    document = HTML(string=html, base_url="file:///", url_fetcher=_static_fetcher(static))
    pdf: bytes = document.write_pdf(pdf_variant="pdf/ua-1")
    return pdf
