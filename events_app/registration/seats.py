"""Taking and freeing seats, and promoting the waiting list, inside the caller's transaction.

Seats are counted in ``EventDate.confirmed_count`` and taken with one conditional UPDATE
(``… WHERE confirmed_count < capacity``), which is atomic on both databases: PostgreSQL holds
the row lock until commit, SQLite's ``BEGIN IMMEDIATE`` lets one writer in at a time.  A plain
"count, then insert" oversells on PostgreSQL (two transactions both count a free seat).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.domain import together
from events_app.domain.seats import effective_capacity
from events_app.mail import outbox
from events_app.tables import EventDate, Registration, Series

__all__ = [
    "capacity_of",
    "fill_free_seats",
    "lock_date",
    "lock_dates",
    "promote_event",
    "release_seat",
    "take_seat",
]


async def capacity_of(date_id: int) -> int | None:
    row = (
        await EventDate.select(
            EventDate.capacity, EventDate.series.capacity.as_alias("series_capacity")
        )
        .where(EventDate.id == date_id)
        .first()
    )
    if row is None:
        return None
    return effective_capacity(row["capacity"], row["series_capacity"])


_TAKE = "UPDATE event_date SET confirmed_count = confirmed_count + 1 WHERE id = {}"


async def take_seat(date_id: int, capacity: int | None) -> bool:
    """Take one seat if one is free; returns False when the date is full."""
    if capacity is None:
        rows = await EventDate.raw(_TAKE + " RETURNING id", date_id)
    else:
        rows = await EventDate.raw(
            _TAKE + " AND confirmed_count < {} RETURNING id", date_id, capacity
        )
    return bool(rows)


async def release_seat(date_id: int) -> None:
    await EventDate.update({EventDate.confirmed_count: EventDate.confirmed_count - 1}).where(
        (EventDate.id == date_id) & (EventDate.confirmed_count > 0)
    )


async def lock_date(date_id: int) -> dict[str, Any] | None:
    """Lock the date's row first, before any registration row (PostgreSQL; on SQLite the
    ``BEGIN IMMEDIATE`` transaction already excludes other writers).

    Every write that touches a date's seats calls this first, so all of them take their locks
    in the same order (date, then registrations) and cannot deadlock.  ``NO KEY UPDATE`` does
    not block the key-share locks that inserts referencing the date take.  The other days of
    an event registered as one are locked with it (see :func:`lock_dates`).
    """
    return (await lock_dates([date_id])).get(date_id)


async def lock_dates(date_ids: list[int]) -> dict[int, dict[str, Any]]:
    """Lock several dates at once, in id order (the one global order every writer keeps).

    One statement: PostgreSQL takes the row locks in the order of ``ORDER BY id``, so two
    units of work that need the same dates never hold one each and wait for the other.
    """
    if not date_ids:
        return {}
    ids = sorted(set(date_ids))
    marks = db.placeholders(len(ids))
    sql = _LOCK_DATES.format(ids=marks, lock=" FOR NO KEY UPDATE" if db.is_postgres() else "")
    rows = await EventDate.raw(sql, *ids, *ids)
    return {row["id"]: db.typed(row, {"starts_at": datetime}) for row in rows}


# The dates asked for and every other day of the events among them that are registered as one
# (a cancellation or a promotion on one day changes all of them), locked in id order.
_LOCK_DATES = """
SELECT id, status, starts_at, capacity, confirmed_count, series FROM event_date
WHERE id IN ({ids})
   OR series IN (SELECT o.series FROM event_date o JOIN series s ON s.id = o.series
                 WHERE o.id IN ({ids}) AND s.together)
ORDER BY id{lock}
"""


async def fill_free_seats(date_id: int) -> int:
    """Promote people from the waiting list while seats are free; returns how many moved up.

    Nobody is promoted onto a date that has started, been cancelled or skipped.  Each promoted
    person gets a mail (queued in this transaction).
    """
    locked = await lock_dates([date_id])
    event_date = locked.get(date_id)
    if event_date is None:
        return 0
    series = (
        await Series.select(Series.capacity, Series.organisation, Series.together)
        .where(Series.id == event_date["series"])
        .first()
    )
    assert series is not None
    if series["together"]:
        return await promote_event(event_date["series"], locked, series)
    if event_date["status"] != EventDate.Status.scheduled:
        return 0
    if event_date["starts_at"] <= clock.now():
        return 0
    capacity = effective_capacity(event_date["capacity"], series["capacity"])
    free = None if capacity is None else capacity - event_date["confirmed_count"]
    if free is not None and free <= 0:
        return 0
    query = (
        Registration.select(
            Registration.id, Registration.email, Registration.name, Registration.language
        )
        .where(
            (Registration.event_date == date_id)
            & (Registration.status == Registration.Status.waiting)
        )
        .order_by(Registration.waiting_since)
        .order_by(Registration.id)
    )
    if free is not None:
        query = query.limit(free)
    promoted = await query
    if not promoted:
        return 0
    now = clock.now()
    ids = [row["id"] for row in promoted]
    await Registration.update(
        {
            Registration.status: Registration.Status.confirmed,
            Registration.waiting_since: None,
            Registration.updated_at: now,
        }
    ).where(Registration.id.is_in(ids))
    await EventDate.update(
        {
            EventDate.confirmed_count: EventDate.confirmed_count + len(ids),
            EventDate.waiting_count: EventDate.waiting_count - len(ids),
        }
    ).where(EventDate.id == date_id)
    for row in promoted:
        await outbox.enqueue(
            "registration_promoted",
            to_email=row["email"],
            to_name=row["name"],
            language=row["language"],
            organisation_id=series["organisation"],
            date_id=date_id,
            registration_id=row["id"],
            dedupe_key=f"registration_promoted:{row['id']}:{now.isoformat()}",
        )
    return len(ids)


async def promote_event(
    series_id: int, locked: dict[int, dict[str, Any]], series: dict[str, Any]
) -> int:
    """Promote the first people waiting for an event registered as one, on all its days at
    once (its days are locked, see :func:`lock_dates`); returns how many people moved up.

    A seat is one across all days, so the fullest day says how many seats are free.  Nobody
    moves up once the first day has started.  Each person promoted gets one mail for all days.
    """
    days = [
        row
        for row in locked.values()
        if row["series"] == series_id and row["status"] == EventDate.Status.scheduled
    ]
    now = clock.now()
    event = [
        together.EventDay(
            d["starts_at"],
            d["confirmed_count"],
            effective_capacity(d["capacity"], series["capacity"]),
        )
        for d in days
    ]
    if not days or together.under_way(event, now):
        return 0
    free = together.free_places(event)
    if free is not None and free <= 0:
        return 0
    waiting = await Registration.select(
        Registration.id,
        Registration.event_date,
        Registration.attendee,
        Registration.email,
        Registration.name,
        Registration.language,
        Registration.waiting_since,
    ).where(
        Registration.event_date.is_in([d["id"] for d in days])
        & (Registration.status == Registration.Status.waiting)
    )
    people: dict[Any, list[dict[str, Any]]] = {}
    for row in sorted(waiting, key=lambda r: (r["waiting_since"], r["id"])):
        people.setdefault(row["attendee"] or row["email"], []).append(row)
    chosen = list(people.values())[:free] if free is not None else list(people.values())
    if not chosen:
        return 0
    ids = [row["id"] for rows in chosen for row in rows]
    await Registration.update(
        {
            Registration.status: Registration.Status.confirmed,
            Registration.waiting_since: None,
            Registration.updated_at: now,
        }
    ).where(Registration.id.is_in(ids))
    per_day: dict[int, int] = {}
    for rows in chosen:
        for row in rows:
            per_day[row["event_date"]] = per_day.get(row["event_date"], 0) + 1
    for day_id, moved in sorted(per_day.items()):
        await EventDate.update(
            {
                EventDate.confirmed_count: EventDate.confirmed_count + moved,
                EventDate.waiting_count: EventDate.waiting_count - moved,
            }
        ).where(EventDate.id == day_id)
    for rows in chosen:
        first = rows[0]
        await outbox.enqueue(
            "event_promoted",
            to_email=first["email"],
            to_name=first["name"],
            language=first["language"],
            organisation_id=series["organisation"],
            context={"registrations": [r["id"] for r in rows], "attendee": first["attendee"]},
            dedupe_key=f"event_promoted:{first['id']}:{now.isoformat()}",
        )
    return len(chosen)
