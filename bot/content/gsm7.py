"""GSM-7 alphabet checks, SMS segment counting and a safe conversion of any text to GSM-7."""

from __future__ import annotations

import unicodedata

# GSM 03.38 basic character set and its extension table (extension characters cost two septets).
BASIC = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
EXTENDED = set("^{}\\[~]|€\f")
SINGLE_SEGMENT = 160
MULTI_SEGMENT = 153  # each part of a concatenated SMS loses 7 septets to its header
MAX_BODY = 1600  # Twilio's limit for one outgoing message body

# Common characters phones and keyboards produce that have a plain GSM-7 equivalent.
REPLACEMENTS = {
    "\u2018": "'",
    "\u2019": "'",
    "\u201a": "'",
    "\u201b": "'",
    "\u2032": "'",
    "`": "'",
    "´": "'",
    "\u201c": '"',
    "\u201d": '"',
    "\u201e": '"',
    "\u2033": '"',
    "«": '"',
    "»": '"',
    "\u2013": "-",
    "\u2014": "-",
    "\u2012": "-",
    "\u2015": "-",
    "\u2212": "-",
    "\u2010": "-",
    "\u2011": "-",
    "\u2026": "...",
    "\u00a0": " ",
    "\u2009": " ",
    "\u202f": " ",
    "\u200b": "",
    "\t": " ",
    "\u2022": "-",
    "·": "-",
}


def is_gsm7(text: str) -> bool:
    """True when every character is in the GSM-7 basic or extension table."""
    return all(ch in BASIC or ch in EXTENDED for ch in text)


def septets(text: str) -> int:
    """Length in GSM-7 septets (extension characters count twice)."""
    return sum(2 if ch in EXTENDED else 1 for ch in text)


def encoding(text: str) -> str:
    """The encoding an SMS of ``text`` goes out in: GSM-7, or UCS-2 when one character is outside it."""
    return "GSM-7" if is_gsm7(text) else "UCS-2"


def segments(text: str) -> int:
    """How many SMS segments ``text`` takes (GSM-7 if possible, else UCS-2)."""
    if not text:
        return 1
    if is_gsm7(text):
        length, single, multi = septets(text), SINGLE_SEGMENT, MULTI_SEGMENT
    else:
        length, single, multi = len(text.encode("utf-16-le")) // 2, 70, 67
    return 1 if length <= single else -(-length // multi)


def to_sms(text: str) -> str:
    """``text`` as SMS sends it: look-alikes replaced and emoji dropped, but letters never changed.

    A letter GSM-7 lacks (ê, ç, œ, a name in another script) is kept, so the message goes as UCS-2
    rather than with its accents stripped; only compatibility forms (ﬁ, full-width letters) become their plain letters.
    """
    out: list[str] = []
    for ch in text:
        if ch in BASIC or ch in EXTENDED:
            out.append(ch)
        elif ch in REPLACEMENTS:
            out.append(REPLACEMENTS[ch])
        else:
            decomposed = unicodedata.normalize("NFKD", ch)
            plain = not any(unicodedata.combining(c) for c in decomposed) and all(
                c in BASIC or c in EXTENDED for c in decomposed
            )
            if plain:
                out.append(decomposed)
            elif unicodedata.category(ch)[0] in "LN":
                out.append(ch)
    return "".join(out)


def to_gsm7(text: str) -> str:
    """A GSM-7 version of ``text``: known look-alikes replaced, accents kept where GSM-7 has them, the rest dropped."""
    out: list[str] = []
    for ch in text:
        if ch in BASIC or ch in EXTENDED:
            out.append(ch)
            continue
        if ch in REPLACEMENTS:
            out.append(REPLACEMENTS[ch])
            continue
        decomposed = unicodedata.normalize("NFKD", ch)
        base = "".join(c for c in decomposed if not unicodedata.combining(c))
        if base and all(c in BASIC or c in EXTENDED for c in base):
            out.append(base)
    return "".join(out)
