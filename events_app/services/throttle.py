"""Counters that every app process shares: failed logins, rate limits.

A key (``login:<sha256 of the address>``, ``register:<client address>``) counts hits in a fixed
window.  The row is locked while it is counted (``FOR UPDATE`` on PostgreSQL; SQLite's
transactions take the write lock up front), so two processes never lose a hit between them.
When the hits pass the limit the key is blocked for ``block`` (or until the window ends).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

from events_app import clock, db
from events_app.tables import Throttle

__all__ = ["Verdict", "blocked_for", "give_back", "hashed", "hit", "prune", "reset"]


@dataclass(frozen=True, slots=True)
class Verdict:
    allowed: bool
    hits: int
    retry_after: int  # seconds until the key may try again; 0 when allowed


def hashed(prefix: str, value: str) -> str:
    """A key that does not keep the value itself (no e-mail addresses in this table)."""
    return f"{prefix}:{hashlib.sha256(value.strip().lower().encode()).hexdigest()}"


def _seconds(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


async def hit(
    key: str, *, limit: int, window: timedelta, block: timedelta | None = None
) -> Verdict:
    """Count one hit for ``key``; not allowed once it has had more than ``limit`` in ``window``."""
    now = clock.now()
    async with db.transaction():
        await Throttle.insert(Throttle(key=key, hits=0, window_start=now)).on_conflict(
            target=Throttle.key, action="DO NOTHING"
        )
        query = Throttle.select(
            Throttle.hits, Throttle.window_start, Throttle.blocked_until
        ).where(Throttle.key == key)
        if db.is_postgres():
            query = query.lock_rows("UPDATE")
        row = (await query)[0]
        now = clock.now()  # the lock may have been a wait: count from when it was granted
        blocked_until: datetime | None = row["blocked_until"]
        if blocked_until is not None and blocked_until > now:
            return Verdict(False, row["hits"], _seconds(blocked_until, now))
        window_start: datetime = row["window_start"]
        hits: int = row["hits"]
        if window_start + window <= now or blocked_until is not None:  # a block that has ended
            window_start, hits = now, 0
        hits += 1
        blocked_until = None
        if hits > limit:
            blocked_until = now + block if block is not None else window_start + window
        await Throttle.update(
            {
                Throttle.hits: hits,
                Throttle.window_start: window_start,
                Throttle.blocked_until: blocked_until,
            }
        ).where(Throttle.key == key)
    if blocked_until is not None:
        return Verdict(False, hits, _seconds(blocked_until, now))
    return Verdict(True, hits, 0)


async def blocked_for(key: str) -> int:
    """Seconds ``key`` must still wait (0 when it may go on), without counting a hit."""
    rows = await Throttle.select(Throttle.blocked_until).where(Throttle.key == key)
    now = clock.now()  # after reading: a block written meanwhile is not counted from earlier
    until = rows[0]["blocked_until"] if rows else None
    return _seconds(until, now) if until is not None and until > now else 0


async def reset(key: str) -> None:
    """Forget ``key`` (after a successful login)."""
    async with db.transaction():
        await Throttle.delete().where(Throttle.key == key)


async def give_back(key: str) -> None:
    """Undo one hit that turned out not to count (a hit taken before knowing the outcome)."""
    async with db.transaction():
        await Throttle.update({Throttle.hits: Throttle.hits - 1}).where(
            (Throttle.key == key) & (Throttle.hits > 0) & Throttle.blocked_until.is_null()
        )


async def prune(older_than: timedelta = timedelta(days=1)) -> int:
    """Delete counters nobody has touched for a while (run by the retention job)."""
    now = clock.now()
    cutoff = now - older_than
    async with db.transaction():
        gone = (
            await Throttle.delete()
            .where(
                (Throttle.window_start < cutoff)
                & (Throttle.blocked_until.is_null() | (Throttle.blocked_until < now))
            )
            .returning(Throttle.id)
        )
    return len(gone)
