"""Locking what a registration changes: the series of a whole-series registration, then the
request's dates, all in one statement in id order.

Two requests for the same dates in different orders therefore cannot deadlock, and the dates
stay locked only for the seat, the rows and the mail.  On PostgreSQL the same statement reads
the dates' series seats, the person's registrations and ids for new registrations, so a
registration needs no further read before its writes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app import db
from events_app.registration.request import version_sql
from events_app.tables import Series

__all__ = ["lock", "lock_series"]


async def lock_series(series_id: int) -> None:
    """Lock the series row before its dates (the order organisers' changes and the
    materialiser keep): a whole-series registration and a change of the series' dates then
    happen one after the other."""
    query = Series.select(Series.id).where(Series.id == series_id)
    if db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    await query


# The dates of the request locked in id order, each with its series' seats and waiting list,
# the person's registration for it (if any) and, on PostgreSQL, an id for a new registration.
_LOCK_SQL = """
SELECT o.id, o.status, o.starts_at, o.capacity, o.confirmed_count, o.series,
       s.capacity AS series_capacity, s.waitlist, {version} AS version,
       r.id AS registration, r.status AS registration_status, {new_id} AS new_registration
FROM event_date o
JOIN series s ON s.id = o.series
LEFT JOIN registration r ON r.event_date = o.id AND r.attendee = {{}}
WHERE o.id IN ({ids})
ORDER BY o.id
{lock}
"""
_LOCK_TYPES = {"starts_at": datetime, "waitlist": bool}


async def lock(dates: list[dict[str, Any]], attendee_id: int) -> dict[int, dict[str, Any]]:
    """Lock the dates (see the module doc) and read what a registration decides by.

    A row locked after waiting for another writer is its newest version, but the series and
    the registration joined to it are as the statement first saw them.  Whatever that writer
    did to a seat or a place in the queue changed the date's counters, and every change of a
    series' seats or waiting list also writes a new version of its future dates (see
    ``series_details``); so where a date's version is not the one read at the start of the
    transaction, its series and the person's registration for it are read again, in a
    statement of their own that sees what that writer committed.  A capacity changed
    meanwhile must neither leave this person waiting beside a free seat nor overbook; a
    registration brought back or cancelled meanwhile must not be brought back twice (two seats
    for one person) nor taken for one that still holds its seat.
    """
    ids = sorted({row["id"] for row in dates})
    postgres = db.is_postgres()
    sql = _LOCK_SQL.format(
        version=version_sql(),
        new_id="nextval(pg_get_serial_sequence('registration', 'id'))" if postgres else "NULL",
        ids=db.placeholders(len(ids)),
        lock="FOR NO KEY UPDATE OF o" if postgres else "",
    )
    rows = await db.execute(sql, attendee_id, *ids)
    locked = {row["id"]: db.typed(row, _LOCK_TYPES) for row in rows}
    seen = {row["id"]: row["version"] for row in dates}
    changed = [row for row in locked.values() if row["version"] != seen[row["id"]]]
    if changed:
        await _read_again(changed, attendee_id)
    return locked


_READ_AGAIN = """
SELECT o.id, s.capacity AS series_capacity, s.waitlist,
       r.id AS registration, r.status AS registration_status
FROM event_date o
JOIN series s ON s.id = o.series
LEFT JOIN registration r ON r.event_date = o.id AND r.attendee = {{}}
WHERE o.id IN ({ids})
"""


async def _read_again(changed: list[dict[str, Any]], attendee_id: int) -> None:
    """The series' seats and the person's registrations of dates that changed meanwhile, as
    committed now (the dates stay locked)."""
    sql = _READ_AGAIN.format(ids=db.placeholders(len(changed)))
    fresh = {
        row["id"]: db.typed(row, {"waitlist": bool})
        for row in await db.execute(sql, attendee_id, *(row["id"] for row in changed))
    }
    for row in changed:
        row.update(
            {
                key: fresh[row["id"]][key]
                for key in ("series_capacity", "waitlist", "registration", "registration_status")
            }
        )
