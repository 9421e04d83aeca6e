"""A break, then the rhythm again, as one action: "pause from 18 December to 6 January, then
continue every 2 weeks from 7 January".

It is a schedule change (:mod:`events_app.series.schedule_changes`) from the first day of the
pause to the rule of :func:`events_app.domain.pause.continue_rule`, starting on the day the
series continues, at the series' time and length.  So the dates of the old rule from the pause
on that the new rule lacks are cancelled, with the cause "paused": people registered are told
(one mail per person per date), and dates nobody ever registered for are removed from every
page (feeds keep them as cancelled for a while).  A date on a day the new rule also gives stays,
with its registrations.  Dates added by hand are left alone, as a schedule change leaves them.

:func:`preview` says the same before anything is stored: which coming dates stay, which go
(and how many people are told), and which are new.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from events_app import clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain import causes, recurrence, wallclock
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.pause import Pause, continue_rule
from events_app.domain.schedule import ScheduleInput
from events_app.series import dates as event_dates
from events_app.series import planning, schedule_changes
from events_app.tables import EventDate, Series

__all__ = ["pause_series", "preview"]

SHOWN = 8  # dates listed per group in the preview


def _when(series: dict[str, Any], pause: Pause) -> ScheduleInput:
    tz = series["timezone"]
    used = _used(series, pause.first_off) if "COUNT=" in (series["rrule"] or "") else 0
    rule = continue_rule(series["rrule"], pause, tz, used=used)
    first = datetime.combine(pause.resume_on, series["first_start"].time())
    return ScheduleInput(
        rule=rule,
        first_start=first.isoformat(timespec="minutes"),
        duration_minutes=series["duration_minutes"],
        timezone=tz,
    )


def _used(series: dict[str, Any], first_off: date) -> int:
    """How many dates of the current rule lie before the pause (they count to its COUNT)."""
    tz = series["timezone"]
    first: datetime = series["first_start"]
    slots = recurrence.expand(
        series["rrule"],
        first,
        timedelta(minutes=series["duration_minutes"]),
        tz,
        window_start=wallclock.to_utc(first, tz),
        window_end=wallclock.to_utc(datetime.combine(first_off, time()), tz),
    )
    return len(slots)


def _check(series: dict[str, Any]) -> None:
    if series["status"] != Series.Status.active:
        raise Conflict("series_not_active", "Only a series that is still running can change.")
    if not series["rrule"]:
        raise DomainError(
            "not_repeating", "A one-off event has no rhythm to pause: move its date instead."
        )


async def pause_series(actor: Actor, series_id: int, pause: Pause) -> list[str]:
    """Apply the pause in one transaction; returns the new rule's DST warnings."""
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        _check(series)
        return await schedule_changes.change_schedule(
            actor,
            series_id,
            _when(series, pause),
            effective_from=pause.first_off,
            cause=causes.PAUSED,
            audit_detail={
                "pause": {
                    "first_off": pause.first_off.isoformat(),
                    "last_off": pause.last_off.isoformat(),
                    "resume_on": pause.resume_on.isoformat(),
                    "weeks": pause.weeks,
                }
            },
        )


async def preview(actor: Actor, series_id: int, pause: Pause) -> dict[str, Any]:
    """What the pause would do, nothing stored: the new rule in words, the last dates before
    the pause, the coming dates that stay, go (with how many people are told) or are new."""
    series = await owned.series_for(actor, series_id)
    _check(series)
    when = _when(series, pause)
    planned = await planning.preview(actor, when, limit=500)
    new_days = {d["local_start"].date(): d for d in planned["dates"]}
    now = clock.now()
    coming = [
        d
        for d in await event_dates.list_dates(actor, series_id)
        if d.starts_at > now and d.status == EventDate.Status.scheduled
    ]
    before = [d for d in coming if d.local_start.date() < pause.first_off]
    after = [d for d in coming if d.local_start.date() >= pause.first_off]
    ruled = [d for d in after if d.rule_start is not None]
    stay = [d for d in ruled if d.rule_start and d.rule_start.date() in new_days]
    gone = [d for d in ruled if d not in stay]
    taken = {d.rule_start.date() for d in ruled if d.rule_start is not None}
    new = [d for day, d in new_days.items() if day not in taken]
    told = [d for d in gone if d.confirmed_count + d.waiting_count]
    return {
        "rule_text": planned["rule_text"],
        "warnings": planned["warnings"],
        "before": before[-3:],
        "stay": stay[:SHOWN],
        "by_hand": [d for d in after if d.rule_start is None][:SHOWN],
        "gone": gone[:SHOWN],
        "gone_count": len(gone),
        "told_dates": len(told),
        "people": sum(d.confirmed_count + d.waiting_count for d in told),
        "new": new[:SHOWN],
    }
