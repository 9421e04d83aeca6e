"""What an organiser types about *when* (start, end, repeat rule, zone), checked and made whole.

Pure: no database, no "now" of its own.  The services call these functions with the series'
current values as defaults, so a create and an edit read their input the same way.

Wall-clock times on DST nights follow RFC 5545 (see :func:`events_app.domain.wallclock.to_utc`):
a start that exists twice (the October night) means the first one, in summer time; a start that
does not exist (the March night) is read with the offset from before the gap, so 02:30 is shown
as 03:30.  Such inputs are accepted, and :func:`dst_warnings` says in words what happened, so the
organiser can choose another time.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_date

from events_app.domain import recurrence, rrules, wallclock
from events_app.domain.errors import DomainError

__all__ = [
    "MAX_DURATION",
    "Choice",
    "ScheduleInput",
    "anchor_from",
    "check_future",
    "dst_warnings",
    "parse_local",
    "parse_time",
    "resolve_duration",
    "resolve_rule",
    "resolve_start",
    "weekday_numbers",
]

MAX_DURATION = timedelta(days=7)
_LOCAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2})?")
_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2})?")


@dataclass(frozen=True, slots=True)
class Choice:
    """The recurrence builder's fields (weekdays 0 = Monday), as the web form will send them."""

    freq: str
    interval: int = 1
    weekdays: tuple[int, ...] = ()
    month_day: int | None = None
    month_weekday: tuple[int, int] | None = None
    until: date | None = None
    count: int | None = None


@dataclass(frozen=True, slots=True)
class ScheduleInput:
    """When a series happens, as typed.  ``None`` is "not given"; ``rule=""`` is "no repeat"."""

    rule: str | None = None
    recurrence: Choice | None = None
    first_start: str | None = None
    start_date: date | None = None
    start_time: str | None = None
    duration_minutes: int | None = None
    end_time: str | None = None
    timezone: str | None = None

    def given(self) -> bool:
        return any(getattr(self, name) is not None for name in self.__slots__)


def parse_local(text: str, field: str) -> datetime:
    """A naive wall-clock date-time written as ``2026-10-01T15:00`` (seconds optional)."""
    try:
        if _LOCAL.fullmatch(text):
            return datetime.fromisoformat(text)
    except ValueError:
        pass
    raise DomainError(
        "invalid_datetime",
        f"Write the local date and time as 2026-10-01T15:00, without a time zone, not '{text}'.",
        field=field,
    )


def parse_time(text: str, field: str) -> time:
    """A wall-clock time written as ``15:00``."""
    try:
        if _TIME.fullmatch(text):
            return time.fromisoformat(text)
    except ValueError:
        pass
    raise DomainError("invalid_time", f"Write the time as 15:00, not '{text}'.", field=field)


def resolve_rule(rule: str | None, choice: Choice | None, tz: str) -> str | None:
    """The canonical rule from RRULE text or from the builder's fields (not both); None = once."""
    if rule is not None and choice is not None:
        raise DomainError(
            "rule_twice", "Give either 'rule' or 'recurrence', not both.", field="rule"
        )
    if choice is not None:
        return rrules.build_rule(
            freq=choice.freq,  # type: ignore[arg-type]  # the API schema allows only these
            interval=choice.interval,
            weekdays=choice.weekdays,
            month_day=choice.month_day,
            month_weekday=choice.month_weekday,
            until=choice.until,
            count=choice.count,
        )
    if rule is None or not rule.strip():
        return None
    try:
        return rrules.parse_rule(rule, tz=tz)
    except DomainError as exc:
        raise DomainError(exc.code, exc.message, field="rule") from None


def resolve_start(
    first_start: str | None,
    start_date: date | None,
    start_time: str | None,
    *,
    default: datetime | None,
) -> datetime:
    """The first local start from ``first_start`` or from ``start_date`` + ``start_time``.

    Missing halves come from ``default`` (the series' current first start when editing).
    """
    if first_start is not None:
        if start_date is not None or start_time is not None:
            raise DomainError(
                "start_twice",
                "Give either 'first_start' or 'start_date' and 'start_time', not both.",
                field="first_start",
            )
        return parse_local(first_start, "first_start")
    day = start_date or (default.date() if default else None)
    at = parse_time(start_time, "start_time") if start_time is not None else None
    at = at or (default.time() if default else None)
    if day is None:
        raise DomainError("start_missing", "Give the first date and time.", field="first_start")
    if at is None:
        raise DomainError("start_missing", "Give the start time.", field="start_time")
    return datetime.combine(day, at)


def resolve_duration(
    start: datetime,
    duration_minutes: int | None,
    end_time: str | None,
    *,
    default: timedelta | None,
) -> timedelta:
    """How long each date lasts: minutes, or an end time on the same day as the start."""
    if duration_minutes is not None and end_time is not None:
        raise DomainError(
            "end_twice", "Give either 'duration_minutes' or 'end_time', not both.", field="end_time"
        )
    if end_time is not None:
        field = "end_time"
        duration = datetime.combine(start.date(), parse_time(end_time, field)) - start
    elif duration_minutes is not None:
        field, duration = "duration_minutes", timedelta(minutes=duration_minutes)
    elif default is not None:
        field, duration = "duration_minutes", default
    else:
        field, duration = "duration_minutes", timedelta(hours=1)
    if duration <= timedelta(0):
        raise DomainError("end_before_start", "The end must be after the start.", field=field)
    if duration > MAX_DURATION:
        raise DomainError(
            "too_long",
            "A date lasts at most 7 days; plan a multi-day training as one date per day.",
            field=field,
        )
    return duration


def check_future(starts_at: datetime, now: datetime, field: str) -> None:
    """New dates, and dates moved somewhere, must lie ahead."""
    if starts_at <= now:
        raise DomainError("in_the_past", "This date and time has already passed.", field=field)


def dst_warnings(slots: Iterable[recurrence.Slot], planned: time, *, limit: int = 3) -> list[str]:
    """Plain sentences about dates whose planned time falls on a DST night (see module doc).

    ``slots`` hold the time the clock will show; ``planned`` is the time the organiser chose.
    """
    found: list[str] = []
    for slot in slots:
        day = format_date(slot.local_start.date(), "d MMMM y", locale="en")
        nominal = datetime.combine(slot.local_start.date(), planned)
        if slot.local_start.time() != planned:
            found.append(
                f"On {day} the clocks go forward and {planned:%H:%M} does not exist in "
                f"{slot.tz}; that date starts at {slot.local_start:%H:%M}, as calendar "
                "programs show it."
            )
        elif wallclock.is_ambiguous(nominal, slot.tz):
            found.append(
                f"On {day} the clocks go back and {planned:%H:%M} happens twice in {slot.tz}; "
                "the first one (summer time) is meant."
            )
        if len(found) >= limit:
            break
    return found


def anchor_from(
    rule: str | None,
    old_first: datetime,
    new_time: time,
    duration: timedelta,
    tz: str,
    cut: datetime,
) -> datetime | None:
    """The first local start of a changed rule at or after ``cut`` (aware), in the old rhythm.

    "From 1 March on we meet at 16:00" keeps which Thursdays are meant: the new rule is laid
    on the old series' first date (moved back whole periods, so the rhythm is unchanged) and
    the first date it gives from the cut on (and never before the old first day: a series
    that has not begun yet keeps its beginning) becomes the new first date.  COUNT is counted
    from that new first date.  None when the rule gives no date after the cut.
    """
    if rule is None:
        return None
    parts = rrules.rule_parts(rule, tz)
    cut = max(cut, wallclock.to_utc(datetime.combine(old_first.date(), time()), tz))
    start = datetime.combine(old_first.date(), new_time)
    while wallclock.to_utc(start, tz) >= cut:
        start = _back(start, parts.freq, parts.interval)
    open_rule = rrules.RuleParts(
        freq=parts.freq,
        interval=parts.interval,
        bymonth=parts.bymonth,
        bymonthday=parts.bymonthday,
        byday=parts.byday,
        bysetpos=parts.bysetpos,
        wkst=parts.wkst,
        until=parts.until,
    ).text()
    after = cut - timedelta(seconds=1)
    slots = recurrence.next_dates(open_rule, start, duration, tz, after=after, limit=1)
    return datetime.combine(slots[0].local_start.date(), new_time) if slots else None


def _back(start: datetime, freq: str, interval: int) -> datetime:
    if freq == "DAILY":
        return start - timedelta(days=interval)
    if freq == "WEEKLY":
        return start - timedelta(weeks=interval)
    # MONTHLY and YEARLY: going back ``interval`` years is a whole number of periods either way
    try:
        return start.replace(year=start.year - interval)
    except ValueError:  # 29 February
        return start.replace(year=start.year - interval, day=28)


def weekday_numbers(names: Sequence[str]) -> tuple[int, ...]:
    """``["MO", "TH"]`` → ``(0, 3)``."""
    return tuple(rrules.DAYS.index(name) for name in names)
