"""Shared counters for failed logins and rate limits."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from events_app import clock, db, throttle

START = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)
WINDOW = timedelta(minutes=15)


async def test_a_key_is_blocked_after_the_limit_until_the_block_ends() -> None:
    key = throttle.hashed("login", "Iemand@Example.org")
    with clock.frozen(START):
        verdicts = [await throttle.hit(key, limit=3, window=WINDOW, block=WINDOW) for _ in range(4)]
        assert [v.allowed for v in verdicts] == [True, True, True, False]
        assert verdicts[-1].retry_after == 15 * 60
        assert await throttle.blocked_for(key) == 15 * 60
        # Still blocked: trying again does not count and does not lengthen the block.
        again = await throttle.hit(key, limit=3, window=WINDOW, block=WINDOW)
        assert not again.allowed and again.retry_after == 15 * 60
    with clock.frozen(START + WINDOW + timedelta(seconds=1)):
        assert await throttle.blocked_for(key) == 0
        assert (await throttle.hit(key, limit=3, window=WINDOW, block=WINDOW)).hits == 1


async def test_the_window_starts_again_and_reset_forgets() -> None:
    with clock.frozen(START):
        for _ in range(3):
            await throttle.hit("register:10.0.0.1", limit=3, window=WINDOW)
        blocked = await throttle.hit("register:10.0.0.1", limit=3, window=WINDOW)
        assert not blocked.allowed and blocked.retry_after == 15 * 60
        other = await throttle.hit("register:10.0.0.2", limit=3, window=WINDOW)
        assert other.allowed
        await throttle.reset("register:10.0.0.2")
        assert (await throttle.hit("register:10.0.0.2", limit=3, window=WINDOW)).hits == 1
    with clock.frozen(START + WINDOW):
        assert (await throttle.hit("register:10.0.0.1", limit=3, window=WINDOW)).allowed


async def test_concurrent_hits_are_all_counted() -> None:
    with clock.frozen(START):
        verdicts = await asyncio.gather(
            *(throttle.hit("login:x", limit=10, window=WINDOW) for _ in range(20))
        )
    assert sorted(v.hits for v in verdicts if v.allowed) == list(range(1, 11))
    assert sum(not v.allowed for v in verdicts) == 10


async def test_prune_keeps_fresh_and_blocked_keys() -> None:
    with clock.frozen(START):
        await throttle.hit("old", limit=5, window=WINDOW)
    with clock.frozen(START + timedelta(days=2)):
        await throttle.hit("fresh", limit=5, window=WINDOW)
        assert await throttle.prune() == 1
        assert (await throttle.hit("fresh", limit=5, window=WINDOW)).hits == 2


async def test_a_hit_in_a_transaction_that_is_rolled_back_does_not_count() -> None:
    # A registration counts its mail first and may then find the date full: nothing was sent,
    # so nothing may be counted.
    key = throttle.hashed("mail", "iemand@example.org")
    with clock.frozen(START):
        assert (await throttle.hit(key, limit=5, window=WINDOW)).hits == 1
        with pytest.raises(RuntimeError):
            async with db.transaction():
                assert (await throttle.hit(key, limit=5, window=WINDOW)).hits == 2
                raise RuntimeError("the date turned out to be full")
        assert (await throttle.hit(key, limit=5, window=WINDOW)).hits == 2


async def test_a_block_without_its_own_length_ends_with_the_window() -> None:
    key = "register:192.0.2.7"
    with clock.frozen(START):
        verdicts = [await throttle.hit(key, limit=2, window=WINDOW) for _ in range(3)]
        assert [v.allowed for v in verdicts] == [True, True, False]
        assert verdicts[-1].retry_after == 15 * 60
    with clock.frozen(START + timedelta(minutes=5)):
        later = await throttle.hit(key, limit=2, window=WINDOW)
        assert not later.allowed and later.retry_after == 10 * 60  # not lengthened
    with clock.frozen(START + WINDOW):
        assert (await throttle.hit(key, limit=2, window=WINDOW)).allowed
