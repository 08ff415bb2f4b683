"""What a PDF says, read with pypdf: its text, language and title. A line break may fall anywhere a line can wrap
(after a space, after "/"), so texts are compared with their whitespace taken out (``squeezed``)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pypdf


@dataclass(frozen=True)
class PdfText:
    text: str  # whitespace runs folded to one space
    language: str
    title: str
    tagged: bool
    pages: int


def read_pdf(data: bytes) -> PdfText:
    assert data.startswith(b"%PDF-"), data[:20]
    reader = pypdf.PdfReader(io.BytesIO(data))
    root = reader.trailer["/Root"]
    text = " ".join(" ".join(page.extract_text() or "" for page in reader.pages).split())
    mark_info = root.get("/MarkInfo") or {}
    return PdfText(
        text=text,
        language=str(root.get("/Lang") or ""),
        title=str((reader.metadata or {}).get("/Title") or ""),
        tagged=bool(mark_info.get("/Marked")),
        pages=len(reader.pages),
    )


def squeezed(text: str) -> str:
    """``text`` without any whitespace: where the lines of a PDF broke no longer matters."""
    return "".join(text.split())
