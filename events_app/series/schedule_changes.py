"""Changing *when* a running series meets, from a date on ("from 1 March we meet at 16:00").

Dates before ``effective_from``, and dates that have started, are history and stay as they
are.  The rule's dates from ``effective_from`` on are matched to the new rule's dates by their
local calendar day (the day of ``rule_start``, so a date moved by hand is matched by the day
the rule gave it):

* same day in both: the row is updated in place, so its registrations, overrides, speakers
  and UID stay; if its time changed, SEQUENCE + 1 and the people registered are told
  ("date_changed").  A date moved by hand keeps its moved time.
* day only in the old rule: the date is cancelled, never deleted (SEQUENCE + 1, people told
  "date_cancelled"), with a cause code as its reason (:mod:`events_app.domain.causes`:
  each reader sees it in their own language); skipped and cancelled dates stay as they are.
  A date nobody ever registered for (no registration row in any status) is also *removed*
  (``removed_at``): no page or list shows it, and calendar feeds keep it as cancelled only
  for a while (:data:`events_app.feeds.queries.GHOST_DAYS`) so subscribed calendars drop it.
* day only in the new rule: a new date; a date an earlier change removed (nobody registered)
  on that day is brought back instead, with its UID (SEQUENCE + 1).

Then the series holds the new rule, first date and duration.  The new rule keeps the old
rhythm unless a new first date is given (:func:`events_app.domain.schedule.anchor_from`); its
COUNT counts from its own first date.  Extra dates (added by hand) are left alone.

A one-off event has no rhythm to keep: a new start simply moves its one date.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from events_app import audit, clock
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain import causes, recurrence, schedule, wallclock
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.schedule import ScheduleInput
from events_app.registration import seats, subscriptions
from events_app.series import dates as event_dates
from events_app.series import materialise, notify
from events_app.tables import EventDate, Registration, Series

__all__ = ["change_schedule"]


async def change_schedule(
    actor: Actor,
    series_id: int,
    when: ScheduleInput,
    *,
    effective_from: date | None,
    cause: str = causes.SCHEDULE_CHANGED,
    audit_detail: dict[str, Any] | None = None,
) -> list[str]:
    """Apply a new rule, start time, duration or zone inside the caller's transaction."""
    series = await owned.series_for(actor, series_id, lock=True)
    if series["status"] != Series.Status.active:
        raise Conflict("series_not_active", "Only a series that is still running can change.")
    now = clock.now()
    tz = when.timezone or series["timezone"]
    zone = wallclock.validate_timezone(tz)
    old_first: datetime = series["first_start"]
    old_duration = timedelta(minutes=series["duration_minutes"])
    if when.rule is None and when.recurrence is None:
        rule = series["rrule"]
    else:
        rule = schedule.resolve_rule(when.rule, when.recurrence, tz)
    explicit = when.first_start is not None or when.start_date is not None
    first: datetime | None = None
    if explicit:
        first = schedule.resolve_start(
            when.first_start, when.start_date, when.start_time, default=old_first
        )
    new_time = first.time() if first else _time(when.start_time) or old_first.time()
    today = now.astimezone(zone).date()
    if first is not None and effective_from is None:
        schedule.check_future(wallclock.to_utc(first, tz), now, "first_start")
    effective_from = effective_from or (first.date() if first else today)
    if effective_from < today:
        raise DomainError(
            "in_the_past", "A new schedule can start today at the earliest.", field="effective_from"
        )
    cut = max(wallclock.to_utc(datetime.combine(effective_from, time()), tz), now)
    duration = schedule.resolve_duration(
        first or datetime.combine(effective_from, new_time),
        when.duration_minutes,
        when.end_time,
        default=old_duration,
    )
    if series["rrule"] is None and rule is None:
        first = first or datetime.combine(old_first.date(), new_time)
        return await _reschedule_one_off(actor, series, first, duration, tz)
    if first is not None and wallclock.to_utc(first, tz) < cut:
        raise DomainError(
            "in_the_past",
            "The new first date must lie ahead, on or after 'effective_from'.",
            field="first_start",
        )
    first = first or schedule.anchor_from(rule, old_first, new_time, duration, tz, cut)
    if first is None:
        raise DomainError(
            "no_dates",
            f"The new rule gives no dates from {effective_from:%d-%m-%Y} on; "
            "to stop the series, end it instead.",
            field="rule",
        )
    # Dates of the old rule before the cut must exist as rows before the rule is replaced.
    await materialise.materialise(series_id, cut)
    # The new rule re-plans the rows that exist; the worker's top-up adds later ones as usual.
    until = max(series["materialised_until"] or now, cut)
    slots = recurrence.expand(rule, first, duration, tz, window_start=cut, window_end=until)
    counts = await _match(series, slots, effective_from, cause)
    await Series.update(
        {
            Series.rrule: rule,
            Series.first_start: first,
            Series.duration_minutes: duration // timedelta(minutes=1),
            Series.timezone: tz,
            Series.materialised_until: until,
            Series.updated_at: now,
        }
    ).where(Series.id == series_id)
    await audit.record(
        "series_schedule_changed",
        "series",
        series_id,
        organisation_id=series["organisation"],
        account_id=actor.account_id,
        detail={
            "old_rule": series["rrule"],
            "rule": rule,
            "first_start": first.isoformat(),
            "effective_from": effective_from.isoformat(),
            **counts,
            **(audit_detail or {}),
        },
    )
    return schedule.dst_warnings(slots, first.time())


def _time(text: str | None) -> time | None:
    return None if text is None else schedule.parse_time(text, "start_time")


async def _match(
    series: dict[str, Any], slots: list[recurrence.Slot], effective_from: date, cause: str
) -> dict[str, int]:
    """Update, cancel and add dates as the module doc says; returns how many of each.

    Every date it may change is locked first, in one statement and in id order (the global
    order, see :func:`events_app.registration.seats.lock_dates`), and only then read: walking them
    by day and locking each on the way would cross registrations that lock the same dates.
    """
    now = clock.now()
    planned = (
        (EventDate.series == series["id"])
        & EventDate.rule_start.is_not_null()
        & (EventDate.rule_start >= datetime.combine(effective_from, time()))
    )
    ahead = await EventDate.select(EventDate.id).where(planned & (EventDate.starts_at > now))
    await seats.lock_dates([row["id"] for row in ahead])
    rows = await EventDate.select().where(planned).order_by(EventDate.rule_start)
    new_by_day = {slot.local_start.date(): slot for slot in slots}
    counts = {"changed": 0, "cancelled": 0, "removed": 0, "restored": 0, "added": 0}
    for row in rows:
        day = row["rule_start"].date()
        slot = new_by_day.pop(day, None)
        if row["starts_at"] <= now:  # started: history, and its day is taken
            continue
        if slot is None:
            if row["status"] == EventDate.Status.scheduled:
                counts["removed" if await _cancel(series, row, cause) else "cancelled"] += 1
            continue
        values: dict[Any, Any] = {EventDate.rule_start: slot.local_start}
        if row["removed_at"] is not None:  # removed by an earlier change, nobody to tell
            back = {
                EventDate.status: EventDate.Status.scheduled,
                EventDate.status_cause: "",
                EventDate.removed_at: None,
            }
            await notify.bump([row["id"]], values | materialise.slot_values(slot) | back)
            await subscriptions.apply_subscriptions(row["id"])  # as for a new date
            counts["restored"] += 1
            continue
        moved = row["rule_start"] != row["local_start"]
        new_place = (slot.local_start, slot.local_end, slot.tz)
        if moved or new_place == (row["local_start"], row["local_end"], row["timezone"]):
            values[EventDate.updated_at] = now
            await EventDate.update(values).where(EventDate.id == row["id"])
            continue
        await notify.bump([row["id"]], values | materialise.slot_values(slot))
        counts["changed"] += 1
        if row["status"] == EventDate.Status.scheduled:
            await notify.notify_registrants(
                row["id"],
                "date_changed",
                organisation_id=series["organisation"],
                old_start=row["local_start"],
                changed=("time",),
            )
            await seats.fill_free_seats(row["id"])
    added = await materialise.insert_dates(series["id"], list(new_by_day.values()), from_rule=True)
    counts["added"] = len(added)
    return counts


async def _cancel(series: dict[str, Any], row: dict[str, Any], cause: str) -> bool:
    """Cancel a date the new rule lacks; True when nobody ever registered, so it is removed
    from the pages too (nobody was told about it, nobody needs to be told)."""
    values: dict[Any, Any] = {
        EventDate.status: EventDate.Status.cancelled,
        EventDate.status_reason: "",
        EventDate.status_cause: cause,
    }
    unused = not await Registration.exists().where(Registration.event_date == row["id"])
    if unused:
        values[EventDate.removed_at] = clock.now()
    await notify.bump([row["id"]], values)
    if not unused:
        await notify.notify_registrants(
            row["id"], "date_cancelled", organisation_id=series["organisation"]
        )
    return unused


async def _reschedule_one_off(
    actor: Actor, series: dict[str, Any], first: datetime, duration: timedelta, tz: str
) -> list[str]:
    """Move the one date of a one-off event (its registrations come along)."""
    row = (
        await EventDate.select(EventDate.id)
        .where((EventDate.series == series["id"]) & EventDate.rule_start.is_not_null())
        .first()
    )
    if row is None:  # pragma: no cover - a one-off always has its row
        raise Conflict("no_dates", "This event has no date to move.")
    warnings = await event_dates.move_in_transaction(
        actor, row["id"], first, first + duration, tz=tz, as_rule=True
    )
    await Series.update(
        {
            Series.first_start: first,
            Series.duration_minutes: duration // timedelta(minutes=1),
            Series.timezone: tz,
            Series.updated_at: clock.now(),
        }
    ).where(Series.id == series["id"])
    await audit.record(
        "series_schedule_changed",
        "series",
        series["id"],
        organisation_id=series["organisation"],
        account_id=actor.account_id,
        detail={"rule": None, "first_start": first.isoformat(), "moved": row["id"]},
    )
    return warnings
