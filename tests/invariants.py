"""The seat invariants, checked straight on the rows (for the concurrency tests)."""

from __future__ import annotations

from collections.abc import Iterable

from events_app import clock
from events_app.agenda.views import waiting_position
from events_app.domain.seats import effective_capacity
from events_app.tables import EventDate, Registration

__all__ = ["assert_seat_invariants"]


async def assert_seat_invariants(date_ids: Iterable[int] | None = None) -> None:
    """For every date (or the given ones): no more confirmed people than seats, the counters
    agree with the rows, nobody waits while a seat is free on a scheduled date ahead, and the
    waiting positions run 1, 2, 3 … without gaps."""
    query = EventDate.select(
        EventDate.id,
        EventDate.status,
        EventDate.starts_at,
        EventDate.capacity,
        EventDate.confirmed_count,
        EventDate.waiting_count,
        EventDate.series.capacity.as_alias("series_capacity"),
    )
    if date_ids is not None:
        query = query.where(EventDate.id.is_in(list(date_ids) or [0]))
    now = clock.now()
    for date in await query.order_by(EventDate.id):
        rows = await Registration.select(
            Registration.id, Registration.attendee, Registration.status
        ).where(Registration.event_date == date["id"])
        confirmed = [r for r in rows if r["status"] == Registration.Status.confirmed]
        waiting = [r for r in rows if r["status"] == Registration.Status.waiting]
        where = f"date {date['id']}"
        capacity = effective_capacity(date["capacity"], date["series_capacity"])
        if capacity is not None:
            assert len(confirmed) <= capacity, f"{where}: {len(confirmed)} on {capacity} seats"
        assert date["confirmed_count"] == len(confirmed), f"{where}: confirmed_count is off"
        assert date["waiting_count"] == len(waiting), f"{where}: waiting_count is off"
        people = [r["attendee"] for r in confirmed + waiting if r["attendee"] is not None]
        assert len(people) == len(set(people)), f"{where}: someone holds two places"
        if waiting and date["status"] == EventDate.Status.scheduled and date["starts_at"] > now:
            assert capacity is not None and len(confirmed) >= capacity, (
                f"{where}: people wait while a seat is free"
            )
        positions = sorted([await waiting_position(r["id"]) or 0 for r in waiting])
        assert positions == list(range(1, len(waiting) + 1)), f"{where}: waiting gaps {positions}"
