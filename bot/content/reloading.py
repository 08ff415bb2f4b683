"""A file read again whenever it changes on disk, whose last good version is kept when an edit breaks it."""

from __future__ import annotations

import logging
import threading
from pathlib import Path
from typing import Callable, Generic, TypeVar

logger = logging.getLogger(__name__)
T = TypeVar("T")


class ReloadingFiles(Generic[T]):
    """Parsed files by path: parsed once per version (mtime and size), the last good one served after a broken edit.

    ``parse(path)`` reads and checks one file and raises one of ``errors`` when it is unusable. A file that has
    never parsed raises; one that parsed before logs the error type (never the text) and keeps its last version.
    """

    def __init__(self, parse: Callable[[Path], T], errors: tuple[type[BaseException], ...]) -> None:
        self._parse = parse
        self._errors = errors
        self._lock = threading.RLock()  # re-entrant: a parse may read another file of the same kind
        self._versions: dict[Path, tuple[tuple[int, int], T]] = {}

    def get(self, path: Path) -> T:
        with self._lock:
            known = self._versions.get(path)
            try:
                stat = path.stat()
                version = (stat.st_mtime_ns, stat.st_size)
                if known is not None and known[0] == version:
                    return known[1]
                value = self._parse(path)
            except (OSError, *self._errors) as exc:  # type: ignore[misc]  # mypy cannot see a starred tuple of types
                if known is None:
                    raise
                logger.error(
                    "%s rejected, still using the previous version (%s: %s)", path.name, type(exc).__name__, exc
                )
                return known[1]
            self._versions[path] = (version, value)
            return value
