"""EventDate rows for a rolling horizon, so dates can carry registrations and overrides.

A series' rule is expanded (in wall-clock time, see :mod:`events_app.domain.recurrence`) and a
row is inserted for each slot that has none.  Rows are keyed by ``(series, rule_start)`` with a
unique index, so running this twice, or in two workers at once, never doubles a date; skipped
and cancelled rows keep their ``rule_start`` and so are never brought back.  Open-ended rules
stop at the horizon: ``settings.horizon_days`` from today, or from the series' first date when
that lies further ahead (so a course that starts in 14 months has its dates at once).
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from events_app import clock, db
from events_app.domain import recurrence
from events_app.registration import subscriptions
from events_app.settings import get_settings
from events_app.tables import EventDate, Series, SeriesSubscription

__all__ = [
    "horizon_for",
    "insert_dates",
    "materialise",
    "new_uid",
    "slot_values",
    "top_up_all",
]

log = logging.getLogger("events_app.materialise")
LOOK_BACK = timedelta(days=1)
BATCH = 500  # rows per INSERT: well under both databases' limit on bound parameters


def new_uid() -> str:
    """A calendar UID made once per date and never changed (no host name: domains move)."""
    return f"{uuid.uuid4().hex}@events-app"


def slot_values(slot: recurrence.Slot) -> dict[Any, Any]:
    """The columns that say when a date is."""
    return {
        EventDate.local_start: slot.local_start,
        EventDate.local_end: slot.local_end,
        EventDate.timezone: slot.tz,
        EventDate.starts_at: slot.starts_at,
        EventDate.ends_at: slot.ends_at,
    }


def horizon_for(first_start_utc: datetime) -> datetime:
    days = timedelta(days=get_settings().horizon_days)
    return max(clock.now(), first_start_utc) + days


async def insert_dates(
    series_id: int,
    slots: Sequence[recurrence.Slot],
    *,
    from_rule: bool,
    extra: dict[str, Any] | None = None,
) -> list[int]:
    """Insert one scheduled row per slot; subscribers of the series are registered for each."""
    if not slots:
        return []
    now = clock.now()
    ids: list[int] = []
    for start in range(0, len(slots), BATCH):
        rows = await EventDate.insert(
            *(
                EventDate(
                    series=series_id,
                    uid=new_uid(),
                    rule_start=slot.local_start if from_rule else None,
                    local_start=slot.local_start,
                    local_end=slot.local_end,
                    timezone=slot.tz,
                    starts_at=slot.starts_at,
                    ends_at=slot.ends_at,
                    status=EventDate.Status.scheduled,
                    created_at=now,
                    updated_at=now,
                    **(extra or {}),
                )
                for slot in slots[start : start + BATCH]
            )
        ).returning(EventDate.id)
        ids.extend(sorted(int(row["id"]) for row in rows))
    followed = await SeriesSubscription.exists().where(
        (SeriesSubscription.series == series_id) & SeriesSubscription.cancelled_at.is_null()
    )
    for date_id in ids if followed else ():
        await subscriptions.apply_subscriptions(date_id)
    return ids


async def _lock_series(series_id: int) -> dict[str, Any] | None:
    query = Series.select(
        Series.id,
        Series.status,
        Series.rrule,
        Series.first_start,
        Series.duration_minutes,
        Series.timezone,
        Series.materialised_until,
    ).where(Series.id == series_id)
    if db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    return await query.first()


async def materialise(series_id: int, until: datetime) -> int:
    """Make sure rows exist for every date of an active series up to ``until``; returns how
    many were added.  Joins the caller's transaction, or opens one."""
    async with db.transaction():
        series = await _lock_series(series_id)
        if series is None or series["status"] != Series.Status.active:
            return 0
        done = series["materialised_until"]
        lo = clock.now() - LOOK_BACK
        lo = max(lo, done) if done is not None else lo
        if until <= lo:
            return 0
        slots = recurrence.expand(
            series["rrule"],
            series["first_start"],
            timedelta(minutes=series["duration_minutes"]),
            series["timezone"],
            window_start=lo,
            window_end=until,
        )
        existing = set()
        if slots:
            rows = await EventDate.select(EventDate.rule_start).where(
                (EventDate.series == series_id)
                & (EventDate.rule_start >= slots[0].local_start)
                & (EventDate.rule_start <= slots[-1].local_start)
            )
            existing = {row["rule_start"] for row in rows}
        missing = [slot for slot in slots if slot.local_start not in existing]
        await insert_dates(series_id, missing, from_rule=True)
        await Series.update({Series.materialised_until: until}).where(Series.id == series_id)
        return len(missing)


async def top_up_all() -> int:
    """Extend every active series to today + the horizon (the worker calls this daily)."""
    until = clock.now() + timedelta(days=get_settings().horizon_days)
    due = await Series.select(Series.id).where(
        (Series.status == Series.Status.active)
        & Series.rrule.is_not_null()
        & (Series.materialised_until.is_null() | (Series.materialised_until < until))
    )
    added = 0
    for row in due:
        try:
            added += await materialise(int(row["id"]), until)
        except Exception:  # one broken series must not stop the others' dates
            log.exception("could not add dates to series %s", row["id"])
    return added
