"""One date of a series: read, override, skip, cancel, restore, move, or add an extra one.

Every change a calendar shows (time, place, link, status, topic, note) raises the date's
SEQUENCE and ``updated_at``; people registered for the date are told when its time, place or
link changes or when it is called off (an outbox row each, in the same transaction).  Skipped
and cancelled dates keep their row, so the rule never brings them back and feeds can say that
the date is off; while a date lies ahead it can be restored.

Times are wall-clock times in the date's zone; a start on a DST night follows RFC 5545 (see
:mod:`events_app.domain.schedule`) and the answer carries a warning saying what happened.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time, timedelta
from typing import Any

from events_app import audit, clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.agenda import views
from events_app.agenda.dates import DateView
from events_app.domain import recurrence, schedule, together, wallclock
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.seats import effective_capacity
from events_app.registration import seats
from events_app.series import details as series_details
from events_app.series import materialise, notify, people
from events_app.tables import EventDate, Series

__all__ = [
    "add_date",
    "call_off",
    "change_date",
    "get_date",
    "host_change",
    "list_dates",
    "move",
    "move_in_transaction",
    "restore",
    "span",
    "update_date",
]

VISIBLE = frozenset({"topic", "note", "location", "meeting_url", "meeting_details"})
PLACE = ("location", "meeting_url", "meeting_details")


async def list_dates(
    actor: Actor, series_id: int, *, start: date | None = None, end: date | None = None
) -> list[DateView]:
    """The series' dates (all statuses) whose local day lies in [start, end], in order."""
    series = await owned.series_for(actor, series_id)
    query = EventDate.select().where(
        (EventDate.series == series_id) & EventDate.removed_at.is_null()
    )
    if start is not None:
        query = query.where(EventDate.local_start >= datetime.combine(start, time()))
    if end is not None:
        later = datetime.combine(end + timedelta(days=1), time())
        query = query.where(EventDate.local_start < later)
    rows = await query.order_by(EventDate.starts_at).order_by(EventDate.id)
    return await views.date_views(rows, series)


async def get_date(actor: Actor, date_id: int, *, warnings: list[str] | None = None) -> DateView:
    row, series = await owned.date_for(actor, date_id)
    [view] = await views.date_views([row], series, warnings=warnings or ())
    return view


def _one_slot(start: datetime, end: datetime, tz: str) -> recurrence.Slot:
    if end <= start:
        raise DomainError("end_before_start", "The end must be after the start.", field="local_end")
    if end - start > schedule.MAX_DURATION:
        raise DomainError("too_long", "A date lasts at most 7 days.", field="local_end")
    starts_at = wallclock.to_utc(start, tz)
    schedule.check_future(starts_at, clock.now(), "local_start")
    [slot] = recurrence.expand(
        None, start, end - start, tz, window_start=starts_at, window_end=starts_at + timedelta(1)
    )
    return slot


async def _check_day_free(series_id: int, day: date, *, other_than: int | None) -> None:
    """Two dates of one series on one day would confuse everyone: refuse it."""
    query = EventDate.exists().where(
        (EventDate.series == series_id)
        & (EventDate.status == EventDate.Status.scheduled)
        & (EventDate.local_start >= datetime.combine(day, time()))
        & (EventDate.local_start < datetime.combine(day + timedelta(days=1), time()))
    )
    if other_than is not None:
        query = query.where(EventDate.id != other_than)
    if await query:
        raise Conflict(
            "date_taken",
            f"This series already has a date on {day:%d-%m-%Y}: move or cancel that one first.",
            field="local_start",
        )


def _effective(own: Any, of_series: Any) -> Any:
    return of_series if own is None else own


def _require_active(series: dict[str, Any]) -> None:
    if series["status"] != Series.Status.active:
        raise Conflict("series_not_active", "This series is cancelled or has ended.")


def _require_ahead(row: dict[str, Any]) -> None:
    if row["starts_at"] <= clock.now():
        raise Conflict("date_started", "This date has already started or is over.")


async def _audit(
    actor: Actor, series: dict[str, Any], action: str, row_id: int, **detail: Any
) -> None:
    await audit.record(
        action,
        "event_date",
        row_id,
        organisation_id=series["organisation"],
        account_id=actor.account_id,
        detail=detail,
    )


async def update_date(
    actor: Actor, date_id: int, changes: dict[str, Any], *, hosts: bool = False
) -> None:
    """Overrides of one date; ``None`` for capacity, place or link means "as the series".
    With ``hosts`` a host of the date (or its series) may make the change too."""
    async with db.transaction():
        row, series = await owned.date_for(actor, date_id, lock=True, hosts=hosts)
        values = dict(changes)
        if values.get("meeting_url") is not None:
            values["meeting_url"] = series_details.check_url(values["meeting_url"], "meeting_url")
        changed: dict[Any, Any] = {k: v for k, v in values.items() if row[k] != v}
        if not changed:
            return
        old_capacity = effective_capacity(row["capacity"], series["capacity"])
        new_capacity = effective_capacity(
            values.get("capacity", row["capacity"]), series["capacity"]
        )
        if "capacity" in changed:
            series_details.check_capacity(new_capacity, [row], "capacity")
        if VISIBLE & changed.keys():
            await notify.bump([date_id], changed)
        else:
            await EventDate.update({**changed, "updated_at": clock.now()}).where(
                EventDate.id == date_id
            )
        place = tuple(
            f
            for f in PLACE
            if f in changed and _effective(changed[f], series[f]) != _effective(row[f], series[f])
        )
        if place and row["status"] == EventDate.Status.scheduled and row["starts_at"] > clock.now():
            await notify.notify_registrants(
                date_id,
                "date_changed",
                organisation_id=series["organisation"],
                changed=place,
            )
        raised = new_capacity is None or (old_capacity is not None and new_capacity > old_capacity)
        if "capacity" in changed and raised:
            await seats.fill_free_seats(date_id)
        await _audit(actor, series, "date_updated", date_id, fields=sorted(changed))


async def change_date(
    actor: Actor,
    date_id: int,
    changes: dict[str, Any],
    speakers: Sequence[people.SpeakerInput],
) -> None:
    """A date's overrides and its speakers in one write: both are kept, or neither."""
    async with db.transaction():
        await update_date(actor, date_id, changes)
        await people.set_speakers(actor, speakers, date_id=date_id)


async def host_change(
    actor: Actor, date_id: int, topic: str, speakers: Sequence[people.SpeakerInput]
) -> None:
    """What the hosts of a date (and the organisers) set: its topic and its own speakers and
    moderator (none: the series'), in one write."""
    async with db.transaction():
        await update_date(actor, date_id, {"topic": topic.strip()}, hosts=True)
        await people.set_speakers(actor, speakers, date_id=date_id, hosts=True)


async def call_off(actor: Actor, date_id: int, status: str, reason: str) -> None:
    """Skip (a holiday) or cancel one date; the people registered are told either way."""
    if status not in (EventDate.Status.skipped, EventDate.Status.cancelled):
        raise ValueError(f"call_off() skips or cancels, not {status!r}")
    async with db.transaction():
        row, series = await owned.date_for(actor, date_id, lock=True)
        if row["status"] != EventDate.Status.scheduled:
            raise Conflict("date_not_scheduled", "This date is already skipped or cancelled.")
        _require_ahead(row)
        reason = reason.strip()
        await notify.bump(
            [date_id],
            {
                EventDate.status: status,
                EventDate.status_reason: reason,
                EventDate.status_cause: "",
            },
        )
        await notify.notify_registrants(
            date_id,
            "date_cancelled",
            organisation_id=series["organisation"],
            reason=reason,
        )
        action = "date_skipped" if status == EventDate.Status.skipped else "date_cancelled"
        await _audit(actor, series, action, date_id, reason=reason)


async def restore(actor: Actor, date_id: int) -> None:
    """Put a skipped or cancelled date back on, while it still lies ahead."""
    async with db.transaction():
        row, series = await owned.date_for(actor, date_id, lock=True)
        if row["status"] == EventDate.Status.scheduled:
            raise Conflict("date_scheduled", "This date is not skipped or cancelled.")
        _require_active(series)
        _require_ahead(row)
        await _check_day_free(series["id"], row["local_start"].date(), other_than=date_id)
        await notify.bump(
            [date_id],
            {
                EventDate.status: EventDate.Status.scheduled,
                EventDate.status_reason: "",
                EventDate.status_cause: "",
                EventDate.removed_at: None,
            },
        )
        await notify.notify_registrants(
            date_id,
            "date_changed",
            organisation_id=series["organisation"],
            changed=("status",),
        )
        await seats.fill_free_seats(date_id)
        await _audit(actor, series, "date_restored", date_id)


def span(
    start: str, end: str | None, minutes: int | None, *, default: timedelta
) -> tuple[datetime, datetime]:
    """Start and end from the API's local texts; the end defaults to start + ``default``."""
    begin = schedule.parse_local(start, "local_start")
    if end is not None and minutes is not None:
        raise DomainError(
            "end_twice",
            "Give either 'local_end' or 'duration_minutes', not both.",
            field="local_end",
        )
    if end is not None:
        return begin, schedule.parse_local(end, "local_end")
    return begin, begin + (timedelta(minutes=minutes) if minutes is not None else default)


async def move(
    actor: Actor, date_id: int, start: str, end: str | None, minutes: int | None = None
) -> list[str]:
    """Move one date to another day or time (it keeps its length unless told); returns DST
    warnings."""
    async with db.transaction():
        row, _ = await owned.date_for(actor, date_id, lock=True)
        begin, finish = span(start, end, minutes, default=row["local_end"] - row["local_start"])
        return await move_in_transaction(actor, date_id, begin, finish)


async def move_in_transaction(
    actor: Actor,
    date_id: int,
    start: datetime,
    end: datetime,
    *,
    tz: str | None = None,
    as_rule: bool = False,
) -> list[str]:
    """See :func:`move`; ``as_rule`` also makes it the rule's date (a one-off rescheduled)."""
    row, series = await owned.date_for(actor, date_id, lock=True)
    _require_active(series)
    if row["status"] != EventDate.Status.scheduled:
        raise Conflict("date_not_scheduled", "Restore this date before moving it.")
    _require_ahead(row)
    slot = _one_slot(start, end, tz or row["timezone"])
    await _check_day_free(series["id"], slot.local_start.date(), other_than=date_id)
    values: dict[Any, Any] = {EventDate.rule_start: slot.local_start} if as_rule else {}
    place = (slot.local_start, slot.local_end, slot.tz)
    if place != (row["local_start"], row["local_end"], row["timezone"]):
        await notify.bump([date_id], values | materialise.slot_values(slot))
        await notify.notify_registrants(
            date_id,
            "date_changed",
            organisation_id=series["organisation"],
            old_start=row["local_start"],
            changed=("time",),
        )
        await seats.fill_free_seats(date_id)
        await _audit(
            actor,
            series,
            "date_moved",
            date_id,
            old_start=row["local_start"].isoformat(),
            new_start=slot.local_start.isoformat(),
        )
    return schedule.dst_warnings([slot], start.time())


async def add_date(
    actor: Actor,
    series_id: int,
    start: str,
    end: str | None,
    minutes: int | None,
    extra: dict[str, Any],
) -> tuple[int, list[str]]:
    """A date outside the rule (an extra meeting), as long as the series' dates unless told;
    subscribers of the series are registered for it."""
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        _require_active(series)
        if series["together"]:
            await series_details.refuse_if_registered(
                series_id,
                "together_date_registered",
                "People have registered for these dates as one: a date added now would not "
                "be theirs. Make a new event instead.",
                "start",
            )
            made = await EventDate.count().where(EventDate.series == series_id)
            together.check_finite(None, made + 1, field="start")
        length = timedelta(minutes=series["duration_minutes"])
        begin, finish = span(start, end, minutes, default=length)
        slot = _one_slot(begin, finish, series["timezone"])
        await _check_day_free(series_id, slot.local_start.date(), other_than=None)
        values = dict(extra)
        if values.get("meeting_url") is not None:
            values["meeting_url"] = series_details.check_url(values["meeting_url"], "meeting_url")
        [date_id] = await materialise.insert_dates(series_id, [slot], from_rule=False, extra=values)
        await _audit(actor, series, "date_added", date_id, start=slot.local_start.isoformat())
    return date_id, schedule.dst_warnings([slot], begin.time())
