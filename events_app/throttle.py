"""Counters that every app process shares: failed logins, rate limits.

A key (``login:<sha256 of the address>``, ``register:<client address>``) counts hits in a fixed
window, with one upsert that locks the row while it counts, so two processes never lose a hit
between them.
When the hits pass the limit the key is blocked for ``block`` (or until the window ends).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from events_app import clock, db
from events_app.tables import Throttle

__all__ = ["Hit", "Verdict", "blocked_for", "give_back", "hashed", "hit", "prune", "reset"]


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


# One statement counts the hit: the upsert locks the row for as long as it runs (to the end of
# the caller's transaction, when there is one), so concurrent hits are counted one after the
# other, never lost.  A running block keeps the row as it is; a window (or block) that has
# ended starts again at this hit.
_HIT = """
INSERT INTO throttle (key, hits, window_start, blocked_until) VALUES ({}, 1, {}, NULL)
ON CONFLICT (key) DO UPDATE SET
  hits = CASE
    WHEN throttle.blocked_until > {} THEN throttle.hits
    WHEN throttle.blocked_until IS NOT NULL OR throttle.window_start <= {} THEN 1
    ELSE throttle.hits + 1 END,
  window_start = CASE
    WHEN throttle.blocked_until > {} THEN throttle.window_start
    WHEN throttle.blocked_until IS NOT NULL OR throttle.window_start <= {} THEN {}
    ELSE throttle.window_start END,
  blocked_until = CASE WHEN throttle.blocked_until > {} THEN throttle.blocked_until END
RETURNING hits, window_start, blocked_until
"""


@dataclass(frozen=True, slots=True)
class Hit:
    """One hit, as a statement to run (alone, or as part of a larger one) and settle after."""

    key: str
    limit: int
    window: timedelta
    block: timedelta | None
    now: datetime

    @property
    def sql(self) -> str:
        return _HIT

    @property
    def values(self) -> tuple[object, ...]:
        now, stale = self.now, self.now - self.window
        return (self.key, now, now, stale, now, stale, now, now)

    async def settle(self, raw: dict[str, Any]) -> Verdict:
        """The verdict from the statement's row; starts the block when this hit passed the
        limit (one more statement, then only)."""
        row = db.typed(raw, {"window_start": datetime, "blocked_until": datetime})
        blocked_until: datetime | None = row["blocked_until"]
        if blocked_until is not None:
            # Counted from now, after the statement: a block that another hit started while
            # this one waited for the row must not seem longer than it is.
            waited = max(self.now, clock.now())
            return Verdict(False, row["hits"], _seconds(blocked_until, waited))
        hits: int = row["hits"]
        if hits <= self.limit:
            return Verdict(True, hits, 0)
        window_start: datetime = row["window_start"]
        if self.block is not None:
            blocked_until = self.now + self.block
        else:
            blocked_until = window_start + self.window
        await Throttle.update({Throttle.blocked_until: blocked_until}).where(
            (Throttle.key == self.key) & Throttle.blocked_until.is_null()
        )
        return Verdict(False, hits, _seconds(blocked_until, self.now))


async def hit(
    key: str, *, limit: int, window: timedelta, block: timedelta | None = None
) -> Verdict:
    """Count one hit for ``key``; not allowed once it has had more than ``limit`` in ``window``.

    Joins the caller's transaction (the row then stays locked until it ends), else runs on its
    own: one statement, plus one more only when this hit starts a block.
    """
    counted = Hit(key, limit, window, block, clock.now())
    [row] = await db.execute(counted.sql, *counted.values)
    return await counted.settle(row)


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
