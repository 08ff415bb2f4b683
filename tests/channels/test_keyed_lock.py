"""KeyedLocks: one key's holders run one at a time and in arrival order; other keys are not held up; idle keys vanish."""

from __future__ import annotations

import asyncio

from bot.channels.keyed_lock import KeyedLocks


async def test_one_keys_holders_run_in_order_and_other_keys_run_meanwhile() -> None:
    locks = KeyedLocks()
    events: list[str] = []
    release = asyncio.Event()

    async def hold(key: str, name: str, wait: bool) -> None:
        async with locks.hold(key):
            events.append(f"{name} in")
            if wait:
                await release.wait()
            events.append(f"{name} out")

    first = asyncio.create_task(hold("+1902", "a1", True))
    await asyncio.sleep(0)
    second = asyncio.create_task(hold("+1902", "a2", False))
    other = asyncio.create_task(hold("+1782", "b", False))
    await other
    assert events == ["a1 in", "b in", "b out"] and len(locks) == 1
    release.set()
    await asyncio.gather(first, second)
    assert events == ["a1 in", "b in", "b out", "a1 out", "a2 in", "a2 out"]
    assert len(locks) == 0


async def test_a_holder_that_raises_releases_the_key() -> None:
    locks = KeyedLocks()
    try:
        async with locks.hold("chat"):
            raise RuntimeError("boom")
    except RuntimeError:
        pass
    async with locks.hold("chat"):
        assert len(locks) == 1
    assert len(locks) == 0
