"""Phone numbers typed by staff, read as E.164: North American numbers (+1) in any usual writing, others with +."""

from __future__ import annotations

import re
from typing import Optional

_SEPARATORS = re.compile(r"[\s().\-]+")
_NANP = re.compile(r"[2-9]\d{2}[2-9]\d{6}")  # area code and exchange never start with 0 or 1
_E164 = re.compile(r"\+[2-9]\d{7,14}")


def e164(typed: str) -> Optional[str]:
    """``+19025550123`` for "(902) 555-0123", "1 902 555 0123" or "+1-902-555-0123"; a "+" number of another
    country as it is; None for anything else."""
    text = _SEPARATORS.sub("", typed.strip())
    if len(text) > 20:
        return None
    digits = text[1:] if text.startswith("+") else text
    if not digits.isdigit():
        return None
    if text.startswith("+") and not digits.startswith("1"):
        return text if _E164.fullmatch(text) else None
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"+1{digits}" if _NANP.fullmatch(digits) else None
