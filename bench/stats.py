"""Small statistics helpers for the load test and the benchmark: percentiles, memory and CPU time of process trees."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Optional, Sequence


def percentile(values: Sequence[float], p: float) -> Optional[float]:
    """The p-th percentile (0..100) by linear interpolation, None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100.0
    low = int(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


def children(pid: int) -> list[int]:
    """Direct children of ``pid`` (Linux /proc)."""
    found = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            found += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            continue
    return found


def process_tree(pids: Iterable[int]) -> set[int]:
    """The given processes and all their descendants that are still alive."""
    seen: set[int] = set()
    stack = [p for p in pids if Path(f"/proc/{p}").exists()]
    while stack:
        pid = stack.pop()
        if pid in seen:
            continue
        seen.add(pid)
        stack += children(pid)
    return seen


def rss_bytes(pid: int) -> int:
    """Resident memory of one process (VmRSS), 0 if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def tree_rss(pids: Iterable[int]) -> int:
    """Summed resident memory of the processes and their descendants."""
    return sum(rss_bytes(p) for p in process_tree(pids))


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system, all threads) one process has used so far, 0 if it is gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime (fields 14 and 15 of stat)


def tree_cpu_seconds(pids: Iterable[int]) -> float:
    """Summed CPU time of the processes and their descendants: unlike latency, barely moved by other load."""
    return sum(cpu_seconds(p) for p in process_tree(pids))


def cpu_count() -> int:
    return os.cpu_count() or 1
