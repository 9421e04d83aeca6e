"""Recurring series: from an RFC 5545 rule to concrete dates, with all DST handling in one place.

Organisers plan in wall-clock time ("every other Thursday at 15:00, Amsterdam time"), so rules are
expanded on naive local datetimes and only then turned into UTC instants: a 15:00 meeting stays
at 15:00 local across both DST changes and its UTC instant moves by an hour instead.

Decisions worth knowing:

* Rules are stored in one canonical text form (:mod:`events_app.domain.rrules`).  ``UNTIL`` is
  the last local date that is still included; expansion reads it as 23:59:59 local on that date.
* The first date (DTSTART) is always a date of the series, even if the rule would not produce it,
  as calendar clients do.  ``COUNT`` counts the dates the rule produces, so an unaligned first date
  comes on top.  Create series with an aligned first date and the question never comes up.
* Local times that do not exist or exist twice follow RFC 5545 §3.3.5
  (:func:`events_app.domain.wallclock.to_utc`).  A :class:`Slot` holds the time the clock will
  actually show: 02:30 on the spring-forward night is listed as 03:30.  The duration is added
  in wall-clock time to that shown start.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from dateutil import rrule as du

from events_app.domain.errors import DomainError
from events_app.domain.rrules import END_OF_DAY, FREQS, RuleParts, rule_parts
from events_app.domain.wallclock import to_utc, utc_of, validate_timezone, wall_of

__all__ = ["Slot", "expand", "next_dates", "split_rule_at"]

_ZERO = timedelta(0)
_MARGIN = timedelta(days=2)  # more than any UTC offset difference, so no date is missed


@dataclass(frozen=True, slots=True)
class Slot:
    """One date of a series: wall-clock times for people, UTC instants for storage and sorting."""

    local_start: datetime
    local_end: datetime
    tz: str
    starts_at: datetime
    ends_at: datetime


def _rrule(p: RuleParts, first: datetime, start: datetime) -> du.rrule:
    """dateutil's rule from ``start`` on, with the defaults it would take from ``first`` (the
    real DTSTART) spelled out, so that starting later cannot change the weekday or day meant."""
    bymonth, bymonthday, byday = p.bymonth, p.bymonthday, p.byday
    if not bymonthday and not byday:
        if p.freq == "WEEKLY":
            byday = ((first.weekday(), 0),)
        elif p.freq != "DAILY":
            bymonthday = (first.day,)
            bymonth = bymonth or ((first.month,) if p.freq == "YEARLY" else ())
    return du.rrule(
        FREQS[p.freq],
        dtstart=start,
        interval=p.interval,
        wkst=p.wkst,
        count=p.count,
        until=p.until and datetime.combine(p.until, END_OF_DAY),
        bymonth=bymonth or None,
        bymonthday=bymonthday or None,
        bysetpos=p.bysetpos or None,
        cache=False,
        byweekday=[du.weekday(d, n or None) for d, n in byday] or None,
    )


def _period_start(p: RuleParts, first: datetime, lo: datetime) -> datetime:
    """A later DTSTART at the start of a day, week, month or year in step with INTERVAL, so a
    series that began years ago is not replayed from its beginning (COUNT needs the replay, but
    is at most 1000)."""
    if p.count is not None or lo <= first:
        return first
    n, day = p.interval, first.date()
    if p.freq == "DAILY":
        day += timedelta(days=(lo.date() - day).days // n * n)
    elif p.freq == "WEEKLY":
        day -= timedelta(days=(day.weekday() - p.wkst) % 7)
        day += timedelta(weeks=(lo.date() - day).days // 7 // n * n)
    elif p.freq == "MONTHLY":
        years, month0 = divmod(
            day.month - 1 + ((lo.year - day.year) * 12 + lo.month - day.month) // n * n, 12
        )
        day = date(day.year + years, month0 + 1, 1)
    else:
        day = date(day.year + (lo.year - day.year) // n * n, 1, 1)
    return max(datetime.combine(day, first.time()), first)


def _local_starts(rule: str | None, first: datetime, tz: str, lo: datetime) -> Iterator[datetime]:
    """Nominal wall-clock starts from ``lo`` on, in order; the first date always counts."""
    if first.tzinfo is not None:
        raise ValueError("first_local_start must be a naive wall-clock datetime")
    first = first.replace(microsecond=0)  # as dateutil does, so the first date is not doubled
    if first >= lo:
        yield first
    if rule is not None:
        p = rule_parts(rule, tz)
        rr = _rrule(p, first, _period_start(p, first, lo))
        yield from (local for local in rr if local >= lo and local != first)


def _slot(local: datetime, duration: timedelta, tz: str, zone: ZoneInfo) -> Slot:
    starts_at = utc_of(local, zone)
    shown = wall_of(starts_at, zone)  # 02:30 in the spring-forward gap is shown as 03:30
    ends_at = utc_of(shown + duration, zone)  # wall-clock: 15:00-16:00 stays 15:00-16:00
    return Slot(shown, wall_of(ends_at, zone), tz, starts_at, ends_at)


def _start(moment: datetime, zone: ZoneInfo, duration: timedelta) -> datetime:
    """Where to start looking for dates at or after an aware ``moment`` (checks the inputs)."""
    if moment.tzinfo is None:
        raise ValueError("window bounds must be aware datetimes")
    if duration <= _ZERO:
        raise DomainError("invalid_duration", "The end must be after the start.", field="end")
    return wall_of(max(moment, datetime(1, 1, 4, tzinfo=UTC)), zone) - _MARGIN


def expand(
    rule: str | None,
    first_local_start: datetime,
    duration: timedelta,
    tz: str,
    *,
    window_start: datetime,
    window_end: datetime,
) -> list[Slot]:
    """Every date whose UTC start lies in [window_start, window_end), in order.

    ``rule`` None is a one-off on ``first_local_start``.  Open-ended rules stop at the window.
    """
    zone = validate_timezone(tz)
    lo = _start(window_start, zone, duration)
    hi = wall_of(min(window_end, datetime(9999, 12, 28, tzinfo=UTC)), zone) + _MARGIN
    slots = []
    for local in _local_starts(rule, first_local_start, tz, lo):
        if local > hi:
            break
        slot = _slot(local, duration, tz, zone)
        if window_start <= slot.starts_at < window_end:
            slots.append(slot)
    return slots


def next_dates(
    rule: str | None,
    first_local_start: datetime,
    duration: timedelta,
    tz: str,
    *,
    after: datetime,
    limit: int,
) -> list[Slot]:
    """At most ``limit`` dates starting strictly after ``after`` (for "the next 5 dates")."""
    zone = validate_timezone(tz)
    slots: list[Slot] = []
    starts = _local_starts(rule, first_local_start, tz, _start(after, zone, duration))
    for local in starts if limit > 0 else ():
        slot = _slot(local, duration, tz, zone)
        if slot.starts_at > after:
            slots.append(slot)
            if len(slots) >= limit:
                break
    return slots


def split_rule_at(
    rule: str, first_local_start: datetime, cut_local: datetime, tz: str
) -> str | None:
    """The old rule ending just before ``cut_local``, for "change the series from this date on".

    UNTIL becomes the date of the last start before the cut (replacing COUNT, as the new rule
    takes over the rest); None if no date is left before the cut.
    """
    cut = to_utc(cut_local, tz)
    last: datetime | None = None
    for local in _local_starts(rule, first_local_start, tz, first_local_start):
        if to_utc(local, tz) >= cut:
            break
        last = local
    return (
        None
        if last is None
        else replace(rule_parts(rule, tz), count=None, until=last.date()).text()
    )
