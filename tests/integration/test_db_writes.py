"""Writes sent together: what nothing reads back before the commit goes in one round trip on
PostgreSQL, and runs as it comes on SQLite; either way all of it commits, or none of it."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from events_app import db
from events_app.tables import Throttle

_ROW = "INSERT INTO throttle (key, hits, window_start) VALUES ({}, {}, {})"
_ADD = "UPDATE throttle SET hits = hits + {} WHERE key = {}"
AT = datetime(2026, 12, 3, 12, tzinfo=UTC)


async def _hits() -> dict[str, int]:
    return {row["key"]: row["hits"] for row in await Throttle.select(Throttle.key, Throttle.hits)}


async def test_writes_land_together_when_sent() -> None:
    await Throttle.insert(Throttle(key="a", hits=1, window_start=AT))
    async with db.transaction():
        writes = db.Writes()
        await writes.add(_ADD, 5, "a")
        await writes.add(_ROW, "b", 2, AT)
        await writes.add(_ROW, "c", 3, AT)
        if db.is_postgres():  # held back until sent: one statement
            assert await _hits() == {"a": 1}
        await writes.send()
        assert await _hits() == {"a": 6, "b": 2, "c": 3}
        await writes.send()  # nothing left to send
    assert await _hits() == {"a": 6, "b": 2, "c": 3}


async def test_a_failing_write_takes_the_others_with_it() -> None:
    await Throttle.insert(Throttle(key="a", hits=1, window_start=AT))
    with pytest.raises(Exception) as failed:
        async with db.transaction():
            writes = db.Writes()
            await writes.add(_ROW, "b", 2, AT)
            await writes.add(_ADD, 1, "a")
            await writes.add(_ROW, "a", 9, AT)  # the key is taken
            await writes.send()
    assert db.is_unique_violation(failed.value)
    assert await _hits() == {"a": 1}
