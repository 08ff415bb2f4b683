"""What a deliverer returns or raises: the provider's id for a delivery, or a failure worth (or not worth) retrying."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Callable, Optional


@dataclass(frozen=True)
class Delivered:
    """The provider accepted the message."""

    provider_id: Optional[str] = None


class DeliveryFailed(Exception):
    """The provider refused or could not be reached; ``permanent`` when a retry cannot help."""

    def __init__(self, error: str, *, permanent: bool = False) -> None:
        super().__init__(error)
        self.error = error
        self.permanent = permanent


class NotYet(Exception):
    """Not now (e.g. outside the hours the bot may write): try again at ``until`` (naive UTC), no attempt counted."""

    def __init__(self, until: datetime) -> None:
        super().__init__(until.isoformat())
        self.until = until


class NothingToDeliver(Exception):
    """What the message was about no longer exists (e.g. the participant was erased): cancel it."""


# A deliverer takes the message's id, its payload and the worker's clock reading, and delivers it (blocking), or
# raises one of the above.
Deliverer = Callable[[int, dict[str, Any], datetime], Delivered]
