"""The end of a series: cancel it, end it from a date on, or delete it while nobody registered.

Nothing anyone registered for disappears silently: cancelling and ending cancel the future
dates (SEQUENCE + 1, so calendars show them as cancelled) and tell the people registered;
deleting is refused as soon as one registration exists.
"""

from __future__ import annotations

from datetime import date, datetime, time
from typing import Any

from events_app import audit, clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain import causes, recurrence, wallclock
from events_app.domain.errors import Conflict, DomainError
from events_app.registration import seats
from events_app.series import notify
from events_app.tables import EventDate, Registration, Series, SeriesSubscription

__all__ = ["cancel_series", "delete_series", "end_series"]


async def _future(series_id: int, *, from_local: datetime | None = None) -> list[dict[str, Any]]:
    """The scheduled dates ahead (from ``from_local`` on), locked in one statement in id order
    (the global order every writer keeps) and returned in time order."""
    query = EventDate.select(EventDate.id).where(
        (EventDate.series == series_id)
        & (EventDate.status == EventDate.Status.scheduled)
        & (EventDate.starts_at > clock.now())
    )
    if from_local is not None:
        query = query.where(EventDate.local_start >= from_local)
    locked = await seats.lock_dates([row["id"] for row in await query])
    now = clock.now()
    ahead = [
        row  # read again under the lock: a date may have been called off or moved meanwhile
        for row in locked.values()
        if row["status"] == EventDate.Status.scheduled and row["starts_at"] > now
    ]
    return sorted(ahead, key=lambda row: (row["starts_at"], row["id"]))


async def _call_off(
    series: dict[str, Any],
    dates: list[dict[str, Any]],
    kind: notify.Kind,
    reason: str,
    cause: str = "",
) -> None:
    """Cancel the dates with the organiser's own ``reason``, or the app's ``cause`` (a code
    each reader sees in their own language, :mod:`events_app.domain.causes`)."""
    for row in dates:
        await notify.bump(
            [row["id"]],
            {
                EventDate.status: EventDate.Status.cancelled,
                EventDate.status_reason: reason,
                EventDate.status_cause: cause,
            },
        )
        await notify.notify_registrants(
            row["id"], kind, organisation_id=series["organisation"], reason=reason
        )


async def cancel_series(actor: Actor, series_id: int, reason: str) -> int:
    """Cancel the series and every future date; returns how many dates were cancelled."""
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        if series["status"] == Series.Status.cancelled:
            raise Conflict("series_cancelled", "This series is already cancelled.")
        dates = await _future(series_id)
        await _call_off(series, dates, "date_cancelled", reason.strip())
        await Series.update(
            {Series.status: Series.Status.cancelled, Series.updated_at: clock.now()}
        ).where(Series.id == series_id)
        await audit.record(
            "series_cancelled",
            "series",
            series_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"reason": reason.strip(), "dates": len(dates)},
        )
    return len(dates)


async def delete_series(actor: Actor, series_id: int) -> None:
    """Delete a series nobody registered for (a mistake, a test); otherwise cancel it."""
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        dates = EventDate.select(EventDate.id).where(EventDate.series == series_id)
        registered = await Registration.exists().where(Registration.event_date.is_in(dates))
        following = await SeriesSubscription.exists().where(SeriesSubscription.series == series_id)
        if registered or following:
            raise Conflict(
                "has_registrations",
                "People have registered for this series, so it cannot be deleted. "
                "Cancel it instead: they will be told.",
            )
        await audit.record(
            "series_deleted",
            "series",
            series_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"title": series["title"], "slug": series["slug"]},
        )
        await Series.delete().where(Series.id == series_id)


async def end_series(actor: Actor, series_id: int, from_date: date) -> int:
    """Stop the series from ``from_date`` on: later dates are cancelled and their people told
    ("series_ended"); the rule gets an UNTIL before that date.  The series is "ended" once no
    date is left ahead (an ended series is never materialised again, so its rule may stay as
    it was when none of its dates came before ``from_date``).  Returns how many dates were
    cancelled."""
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        if series["status"] != Series.Status.active:
            raise Conflict("series_not_active", "This series is cancelled or has ended.")
        tz = series["timezone"]
        now = clock.now()
        if from_date < now.astimezone(wallclock.validate_timezone(tz)).date():
            raise DomainError(
                "in_the_past", "A series can end today at the earliest.", field="from_date"
            )
        cut = datetime.combine(from_date, time())
        old_rule = rule = series["rrule"]
        if rule is not None:
            rule = recurrence.split_rule_at(rule, series["first_start"], cut, tz)
        dates = await _future(series_id, from_local=cut)
        await _call_off(series, dates, "series_ended", "", causes.SERIES_ENDED)
        left = await EventDate.exists().where(
            (EventDate.series == series_id)
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.starts_at > now)
        )
        status = Series.Status.active if left else Series.Status.ended
        if rule is None and not left:
            rule = old_rule  # nothing of it is left anyway: keep it, as history
        await Series.update(
            {Series.rrule: rule, Series.status: status, Series.updated_at: now}
        ).where(Series.id == series_id)
        await audit.record(
            "series_ended",
            "series",
            series_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"from_date": from_date.isoformat(), "dates": len(dates), "rule": rule},
        )
    return len(dates)
