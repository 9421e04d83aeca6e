"""Per-process caches for feeds: whole rendered feeds, and rendered VEVENT fragments.

Why a cache is safe here: every request first reads the feed's version from the database
(:mod:`events_app.feeds.queries`), and an entry is only used when its version is equal.  So
a process never serves a feed older than the last committed change, and several processes
need no shared store or invalidation messages; each renders a changed feed once.

Memory is bounded twice: by the number of entries and by the bytes they hold (a feed of every
organisation can be megabytes).  The least recently used entries go first.
"""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import threading
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any, Generic, TypeVar

from events_app.calendar.ics import EventFragment

__all__ = [
    "FeedEntry",
    "LruCache",
    "Served",
    "clear",
    "feed_cache",
    "fragment_cache",
    "get_or_render",
    "make_entry",
    "served_cache",
    "single_flight",
    "version_cache",
]

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
T = TypeVar("T")

MAX_FEEDS = 4096  # personal feeds are small: the byte budget is the real bound
MAX_FEED_BYTES = 64 * 1024 * 1024
MAX_FRAGMENTS = 20_000
MAX_FRAGMENT_BYTES = 32 * 1024 * 1024
GZIP_LEVEL = 6  # about as small as 9 for calendar text, several times faster
GZIP_FROM = 1024  # bytes; smaller bodies are sent as they are


class LruCache(Generic[K, V]):
    """A small LRU map bounded by entries and by the summed ``size`` of its values."""

    def __init__(self, max_entries: int, max_bytes: int, size: Callable[[V], int]) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._size = size
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()  # renders run in worker threads
        self.bytes = 0
        self.hits = 0
        self.misses = 0

    def get(self, key: K) -> V | None:
        with self._lock:
            value = self._items.get(key)
            if value is None:
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
            return value

    def put(self, key: K, value: V) -> None:
        size = self._size(value)
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.bytes -= self._size(old)
            if size > self.max_bytes:
                return  # larger than the whole budget: serve it, do not keep it
            self._items[key] = value
            self.bytes += size
            while len(self._items) > self.max_entries or self.bytes > self.max_bytes:
                _, evicted = self._items.popitem(last=False)
                self.bytes -= self._size(evicted)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
            self.bytes = 0

    def __len__(self) -> int:
        return len(self._items)


@dataclass(slots=True)
class FeedEntry:
    """One rendered feed at one version, with everything a conditional GET needs."""

    version: tuple[object, ...]
    body: bytes
    etag: str  # strong, quoted; the gzip variant appends "-gz" inside the quotes
    last_modified: datetime
    last_modified_http: str
    filename: str | None = None  # for downloads (Content-Disposition)
    gzipped: bytes | None = field(default=None, repr=False)
    # Answers as sent (status, encoded headers, body) per kind of request: the web layer's
    # fast lane fills it.
    encoded_answers: dict[Hashable, tuple[int, list[tuple[bytes, bytes]], bytes]] = field(
        default_factory=dict, repr=False
    )

    @property
    def gzip_etag(self) -> str:
        return self.etag[:-1] + '-gz"'

    @property
    def size(self) -> int:
        return len(self.body) + len(self.gzipped or b"") + 200


def make_entry(
    version: tuple[object, ...], body: bytes, last_modified: datetime, filename: str | None = None
) -> FeedEntry:
    """Hash and compress the body once per render: every later poll costs neither.  (Nearly
    every calendar client asks for gzip; mtime 0 keeps the compressed bytes stable.)"""
    digest = hashlib.sha256(body).hexdigest()[:32]
    stamp = last_modified.astimezone(UTC).replace(microsecond=0)
    return FeedEntry(
        version=version,
        body=body,
        etag=f'"{digest}"',
        last_modified=stamp,
        last_modified_http=format_datetime(stamp, usegmt=True),
        filename=filename,
        gzipped=gzip.compress(body, GZIP_LEVEL, mtime=0) if len(body) >= GZIP_FROM else None,
    )


feed_cache: LruCache[Hashable, FeedEntry] = LruCache(
    MAX_FEEDS, MAX_FEED_BYTES, lambda entry: entry.size
)
fragment_cache: LruCache[Hashable, EventFragment] = LruCache(
    MAX_FRAGMENTS, MAX_FRAGMENT_BYTES, lambda fragment: len(fragment.data) + 150
)
# The version last read per feed, with the database snapshot it was read at (PostgreSQL).
version_cache: LruCache[Hashable, tuple[str, Any]] = LruCache(MAX_FEEDS, 1 << 62, lambda _: 1)


@dataclass(slots=True)
class Served:
    """What one address (path and query) was last answered with, and the database snapshot
    and cutoff that answer was current at: while both are the same, so is the answer."""

    snapshot: str
    cutoff: datetime
    entry: FeedEntry
    private: bool


# Per address as asked for; bounded by bytes too (an entry may outlive feed_cache's copy).
served_cache: LruCache[Hashable, Served] = LruCache(
    MAX_FEEDS, MAX_FEED_BYTES, lambda served: served.entry.size
)
_pending: dict[Hashable, asyncio.Future[Any]] = {}


async def single_flight(key: Hashable, work: Callable[[], Awaitable[T]]) -> T:
    """Run ``work`` once for every caller that asks for the same key meanwhile: after a
    change, 32 polls arriving together cause one query and one render, not 32."""
    pending = _pending.get(key)
    if pending is not None:
        try:
            result: T = await asyncio.shield(pending)
            return result
        except asyncio.CancelledError:
            if not pending.cancelled():
                raise  # this request itself was cancelled
        # The request doing the work went away: do it here instead.
    future: asyncio.Future[T] = asyncio.get_running_loop().create_future()
    _pending[key] = future
    try:
        result = await work()
    except asyncio.CancelledError:
        future.cancel()
        raise
    except Exception as exc:
        future.set_exception(exc)
        future.exception()  # retrieved: nobody may be waiting for it
        raise
    finally:
        if _pending.get(key) is future:
            del _pending[key]
    future.set_result(result)
    return result


async def get_or_render(
    key: Hashable, version: tuple[object, ...], render: Callable[[], Awaitable[FeedEntry]]
) -> FeedEntry:
    """The cached entry when its version is current, else one shared render."""
    entry = feed_cache.get(key)
    if entry is not None and entry.version == version:
        return entry

    async def render_and_keep() -> FeedEntry:
        fresh = await render()
        feed_cache.put(key, fresh)
        return fresh

    return await single_flight(("render", key, version), render_and_keep)


def clear() -> None:
    """Forget everything (tests, benchmarks)."""
    feed_cache.clear()
    fragment_cache.clear()
    version_cache.clear()
    served_cache.clear()
