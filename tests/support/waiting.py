"""Waiting for a condition in tests: poll it with a deadline instead of sleeping a fixed time."""

from __future__ import annotations

import time
from typing import Callable, TypeVar

T = TypeVar("T")


def wait_until(condition: Callable[[], T], timeout: float = 20, interval: float = 0.1) -> T:
    """Call ``condition`` until it returns something true, at most ``timeout`` seconds; its last value either way.

    It does not fail by itself: the caller asserts on what it returns (or checks again), so a failure names the
    condition in the caller's own words.
    """
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() >= deadline:
            return value
        time.sleep(interval)
