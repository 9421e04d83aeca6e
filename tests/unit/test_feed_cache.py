"""The feed caches: bounded, versioned, one render per (feed, version) under concurrency."""

from __future__ import annotations

import asyncio
import gzip
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import UTC, datetime

import pytest

from events_app.feeds import cache
from events_app.feeds.cache import LruCache, get_or_render, make_entry
from events_app.feeds.versions import Coalesced

STAMP = datetime(2026, 9, 1, 10, tzinfo=UTC)


def test_lru_is_bounded_by_entries_and_by_bytes() -> None:
    lru: LruCache[str, bytes] = LruCache(3, 100, len)
    for key in "abc":
        lru.put(key, b"x" * 10)
    assert lru.get("a") == b"x" * 10  # a is now the most recent
    lru.put("d", b"x" * 10)
    assert lru.get("b") is None and len(lru) == 3
    lru.put("e", b"y" * 90)  # pushes out by size
    assert lru.bytes <= 100
    assert lru.get("e") == b"y" * 90
    lru.put("huge", b"z" * 101)  # bigger than the budget: not kept at all
    assert lru.get("huge") is None and lru.get("e") is not None


def test_entry_etag_and_gzip() -> None:
    entry = make_entry(("v", 1), b"BEGIN:VCALENDAR\r\n" * 200, STAMP)
    assert entry.etag.startswith('"') and len(entry.etag) == 34
    assert entry.gzip_etag == entry.etag[:-1] + '-gz"'
    assert entry.last_modified_http == "Tue, 01 Sep 2026 10:00:00 GMT"
    assert entry.gzipped is not None and gzip.decompress(entry.gzipped) == entry.body
    assert make_entry(("v", 1), b"tiny", STAMP).gzipped is None  # not worth it
    assert make_entry(("v", 2), entry.body, STAMP).etag == entry.etag  # bytes decide


async def test_one_render_per_version_even_when_asked_at_once() -> None:
    cache.clear()
    renders: list[int] = []

    async def render() -> cache.FeedEntry:
        renders.append(1)
        await asyncio.sleep(0.01)
        return make_entry((1,), b"body", STAMP)

    entries = await asyncio.gather(*(get_or_render("k", (1,), render) for _ in range(20)))
    assert len(renders) == 1 and len({id(e) for e in entries}) == 1
    await get_or_render("k", (1,), render)
    assert len(renders) == 1
    await get_or_render("k", (2,), render)  # a new version renders again
    assert len(renders) == 2
    cache.clear()


async def test_a_failed_render_is_not_cached() -> None:
    cache.clear()

    async def broken() -> cache.FeedEntry:
        raise RuntimeError("database went away")

    with pytest.raises(RuntimeError):
        await get_or_render("k", (1,), broken)

    async def fine() -> cache.FeedEntry:
        return make_entry((1,), b"ok", STAMP)

    assert (await get_or_render("k", (1,), fine)).body == b"ok"
    cache.clear()


class FakeDatabase:
    """Counts query starts; each query answers with its own number after a short wait."""

    def __init__(self) -> None:
        self.started = 0
        self.sessions = 0
        self.fail_next = False

    @asynccontextmanager
    async def session(self) -> AsyncIterator[Callable[[], Awaitable[str | None]]]:
        self.sessions += 1

        async def query() -> str | None:
            self.started += 1
            number = self.started
            await asyncio.sleep(0.002)
            if self.fail_next:
                self.fail_next = False
                raise ConnectionError("gone")
            return str(number)

        yield query
        await asyncio.sleep(0.002)  # returning the connection takes a moment too


async def test_coalesced_reads_start_after_every_caller_asked() -> None:
    database = FakeDatabase()
    reader = Coalesced(database.session)

    async def caller(delay: float) -> tuple[int, int]:
        await asyncio.sleep(delay)
        asked_after = database.started  # queries that had started before this call
        return asked_after, int(await reader.read() or 0)

    results = await asyncio.gather(*(caller(n * 0.0007) for n in range(60)))
    for asked_after, answered_by in results:
        assert answered_by > asked_after  # never a query that started before the call
    assert database.started < 30  # and far fewer queries than callers
    # Callers arriving while the connection is being returned are still answered.
    first = asyncio.ensure_future(reader.read())
    await asyncio.sleep(0.003)
    late = await asyncio.wait_for(reader.read(), timeout=1)
    assert late is not None and await first is not None


async def test_coalesced_errors_reach_the_waiting_callers_only() -> None:
    database = FakeDatabase()
    reader = Coalesced(database.session)
    database.fail_next = True
    with pytest.raises(ConnectionError):
        await reader.read()
    assert await reader.read() is not None
