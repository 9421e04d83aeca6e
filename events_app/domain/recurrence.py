"""Recurring series: from an RFC 5545 rule to concrete dates, with all DST handling in one place.

Organisers plan in wall-clock time ("every other Thursday at 15:00, Amsterdam time"), so rules are
expanded on naive local datetimes and only then turned into UTC instants: a 15:00 meeting stays
at 15:00 local across both DST changes and its UTC instant moves by an hour instead.

Decisions worth knowing:

* Rules are stored in one canonical text form (:func:`parse_rule`).  ``UNTIL`` is stored as a DATE,
  the last local date that is still included; expansion reads it as 23:59:59 local on that date,
  and :func:`to_ical_rule` writes that same bound in UTC for feeds, as RFC 5545 requires.
* The first date (DTSTART) is always a date of the series, even if the rule would not produce it,
  as calendar clients do.  ``COUNT`` counts the dates the rule produces, so an unaligned first date
  comes on top.  Create series with an aligned first date and the question never comes up.
* Local times that do not exist or exist twice follow RFC 5545 §3.3.5 (:func:`to_utc`).  A
  :class:`Slot` holds the time the clock will actually show: 02:30 on the spring-forward night
  is listed as 03:30.  The duration is added in wall-clock time to that shown start.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from functools import lru_cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from dateutil import rrule as du

from events_app.domain.errors import DomainError

__all__ = [
    "DEFAULT_TZ", "RuleParts", "Slot", "build_rule", "expand", "is_ambiguous", "is_nonexistent",
    "next_dates", "parse_rule", "rule_parts", "split_rule_at", "to_ical_rule", "to_utc",
    "validate_timezone",
]

DEFAULT_TZ = "Europe/Amsterdam"
DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
Freq = Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
_FREQS: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "DAILY": du.DAILY, "WEEKLY": du.WEEKLY, "MONTHLY": du.MONTHLY, "YEARLY": du.YEARLY}
_PARTS = ("FREQ", "INTERVAL", "BYMONTH", "BYMONTHDAY", "BYDAY", "BYSETPOS", "WKST", "COUNT",
          "UNTIL")
_END_OF_DAY = time(23, 59, 59)  # the inclusive bound an UNTIL date stands for
_ZERO = timedelta(0)
_MARGIN = timedelta(days=2)  # more than any UTC offset difference, so no date is missed
_TZ_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")
_INT = re.compile(r"[+-]?\d{1,4}")
_DAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?")
_SETPOS_MAX = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
_MONTH_LEN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


@dataclass(frozen=True, slots=True)
class Slot:
    """One date of a series: wall-clock times for people, UTC instants for storage and sorting."""

    local_start: datetime
    local_end: datetime
    tz: str
    starts_at: datetime
    ends_at: datetime


def validate_timezone(tz: str) -> ZoneInfo:
    """The zone, or a DomainError a form can show; keys never reach the file system unchecked."""
    try:
        if _TZ_KEY.fullmatch(tz) and ".." not in tz:
            return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise DomainError("unknown_timezone", f"'{tz}' is not a known time zone such as "
                      "Europe/Amsterdam.", field="timezone")


def _utc(local: datetime, zone: ZoneInfo) -> datetime:
    if local.tzinfo is not None:
        raise ValueError("expected a naive wall-clock datetime")
    naive = local - (zone.utcoffset(local.replace(fold=0) if local.fold else local) or _ZERO)
    return datetime.combine(naive.date(), naive.time(), UTC)  # much faster than .replace()


def _wall(instant: datetime, zone: ZoneInfo) -> datetime:
    shown = instant.astimezone(zone)
    return datetime.combine(shown.date(), shown.time())


def to_utc(local: datetime, tz: str) -> datetime:
    """Turn a naive wall-clock time into an aware UTC instant the way calendar clients do.

    RFC 5545 §3.3.5: a time that occurs twice (fall-back night) means the first one, in summer
    time; a time that does not exist (spring-forward gap) is read with the offset from before the
    gap, so 02:30 becomes 01:30 UTC, shown as 03:30.  That is zoneinfo's ``fold=0``; the fold is
    forced because naive values from forms and databases cannot carry one anyway.
    """
    return _utc(local, validate_timezone(tz))


def is_nonexistent(local: datetime, tz: str) -> bool:
    """True if the clock skips this time (spring forward), so callers can warn the organiser."""
    zone = validate_timezone(tz)
    return _wall(_utc(local, zone), zone) != local


def is_ambiguous(local: datetime, tz: str) -> bool:
    """True if the clock shows this time twice (fall back); the first one is the one meant."""
    zone = validate_timezone(tz)
    offsets = {zone.utcoffset(local.replace(fold=fold)) for fold in (0, 1)}
    return len(offsets) == 2 and not is_nonexistent(local, tz)


@dataclass(frozen=True)
class RuleParts:
    """A validated rule.  ``byday`` holds (weekday 0=Monday, n) with n=0 meaning "every"."""

    freq: Freq
    interval: int = 1
    bymonth: tuple[int, ...] = ()
    bymonthday: tuple[int, ...] = ()
    byday: tuple[tuple[int, int], ...] = ()
    bysetpos: tuple[int, ...] = ()
    wkst: int = 0
    count: int | None = None
    until: date | None = None

    def text(self) -> str:
        """The canonical form: fixed part order, sorted values, INTERVAL=1 and WKST=MO left out."""
        values = (self.freq, self.interval if self.interval != 1 else None, _csv(self.bymonth),
                  _csv(self.bymonthday), ",".join(f"{n or ''}{DAYS[d]}" for d, n in self.byday),
                  _csv(self.bysetpos), DAYS[self.wkst] if self.wkst else None, self.count,
                  _ymd(self.until) if self.until else None)
        return ";".join(f"{k}={v}" for k, v in zip(_PARTS, values, strict=True) if v)


def _csv(values: tuple[int, ...]) -> str:
    return ",".join(map(str, values))


def _ymd(d: date) -> str:
    return f"{d.year:04d}{d.month:02d}{d.day:02d}"


def _bad(message: str) -> DomainError:
    return DomainError("invalid_rrule", message, field="rrule")


def parse_rule(text: str, *, tz: str = DEFAULT_TZ) -> str:
    """Validate RRULE text (with or without "RRULE:") and return its canonical form.

    Only what a series of single dates needs is accepted: DAILY to YEARLY, no BYHOUR/BYMINUTE/
    BYSECOND (one start time per date), no BYWEEKNO/BYYEARDAY.  An UNTIL date-time is reduced to
    its local date in ``tz`` (a UTC one is converted first) and that whole date stays included.
    """
    return rule_parts(text, tz).text()


@lru_cache(maxsize=512)
def rule_parts(text: str, tz: str = DEFAULT_TZ) -> RuleParts:
    """Parse and check a rule; cached because the same few rules are expanded again and again."""
    raw = text.strip()
    raw = raw[6:] if raw[:6].upper() == "RRULE:" else raw
    if any(c in raw for c in "\r\n:"):
        raise _bad("Give a single RRULE line, without DTSTART or other properties.")
    fields: dict[str, str] = {}
    for item in filter(None, raw.upper().replace(" ", "").split(";")):
        name, _, value = item.partition("=")
        if not value:
            raise _bad(f"'{item}' is not of the form NAME=VALUE.")
        if name in ("BYHOUR", "BYMINUTE", "BYSECOND"):
            raise _bad(f"{name} is not supported: a series has one start time per date.")
        if name not in _PARTS:
            raise _bad(f"{name} is not a part of a repeat rule that we support.")
        if name in fields:
            raise _bad(f"{name} appears more than once.")
        fields[name] = value
    freq = fields.get("FREQ", "")
    if freq not in _FREQS:
        raise _bad("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (one start time per date).")
    if "COUNT" in fields and "UNTIL" in fields:
        raise _bad("Use UNTIL or COUNT, not both.")
    if (wkst := fields.get("WKST", "MO")) not in DAYS:
        raise _bad("WKST must be a single weekday such as MO.")
    parts = RuleParts(
        freq=freq,  # type: ignore[arg-type]  # checked against _FREQS just above
        interval=_one_int(fields, "INTERVAL", 52) or 1, count=_one_int(fields, "COUNT", 1000),
        until=_until(fields["UNTIL"], tz) if "UNTIL" in fields else None,
        bymonth=_ints(fields, "BYMONTH", 12, signed=False),
        bymonthday=_ints(fields, "BYMONTHDAY", 31, signed=True),
        byday=_days(fields.get("BYDAY", ""), freq, 5 if "BYMONTH" in fields else 53),
        bysetpos=_ints(fields, "BYSETPOS", _SETPOS_MAX[freq], signed=True),
        wkst=DAYS.index(wkst))
    months = parts.bymonth or range(1, 13)
    if parts.bymonthday and freq == "WEEKLY":
        raise _bad("BYMONTHDAY cannot be used with FREQ=WEEKLY.")
    if parts.bysetpos and not (parts.byday or parts.bymonthday or parts.bymonth):
        raise _bad("BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH to pick from.")
    if parts.bymonthday and all(abs(d) > _MONTH_LEN[m - 1] for m in months
                                for d in parts.bymonthday):  # dateutil would search to 9999
        raise _bad("This rule never produces a date (like 30 February).")
    try:  # dateutil has the final word on whether the rule can be expanded at all
        du.rrulestr("RRULE:" + _dateutil_text(parts), dtstart=datetime(2000, 1, 3, 12))  # noqa: DTZ001
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise _bad(f"The repeat rule cannot be read: {exc}.") from None
    return parts


def _one_int(fields: dict[str, str], name: str, top: int) -> int | None:
    value = fields.get(name)
    if value is not None and not (value.isdigit() and 1 <= int(value) <= top):
        raise _bad(f"{name} must be a whole number from 1 to {top}.")
    return None if value is None else int(value)


def _ints(fields: dict[str, str], name: str, top: int, *, signed: bool) -> tuple[int, ...]:
    found: set[int] = set()
    for item in fields[name].split(",") if name in fields else ():
        n = int(item) if _INT.fullmatch(item) else 0
        if not 1 <= abs(n) <= top or (n < 0 and not signed):
            span = f"-{top} to -1 or 1 to {top}" if signed else f"1 to {top}"
            raise _bad(f"{name} values must be whole numbers from {span}, not '{item}'.")
        found.add(n)
    return tuple(sorted(found))


def _days(value: str, freq: str, top: int) -> tuple[tuple[int, int], ...]:
    """BYDAY items as (weekday, n); ``top`` is the largest n that can exist (5 within a month)."""
    found: set[tuple[int, int]] = set()
    for item in value.split(",") if value else ():
        match = _DAY.fullmatch(item)
        if not match:
            raise _bad(f"Weekdays look like MO, 2TU or -1FR, not '{item}'.")
        n = int(match[1] or 0)
        if match[1] and freq not in ("MONTHLY", "YEARLY"):
            raise _bad(f"A numbered weekday such as '{item}' needs FREQ=MONTHLY or YEARLY.")
        if match[1] and not 1 <= abs(n) <= (5 if freq == "MONTHLY" else top):
            raise _bad(f"'{item}' asks for a weekday that no month or year has.")
        found.add((DAYS.index(match[2]), n))
    return tuple(sorted(found))


def _until(value: str, tz: str) -> date:
    match = _UNTIL.fullmatch(value)
    try:
        y, mo, d, h, mi, s, z = match.groups() if match else ("",) * 7
        moment = datetime(int(y), int(mo), int(d), int(h or 0), int(mi or 0), int(s or 0))  # noqa: DTZ001
    except ValueError:
        raise _bad(f"UNTIL must be a date such as 20261218, not '{value}'.") from None
    if z:  # a UTC instant: the date it falls on in the series' zone is the last one included
        return _wall(moment.replace(tzinfo=UTC), validate_timezone(tz)).date()
    return moment.date()


def _dateutil_text(p: RuleParts) -> str:
    """dateutil reads a DATE UNTIL as midnight; give it the inclusive end of that day instead."""
    base = replace(p, until=None).text()
    return base if p.until is None else f"{base};UNTIL={_ymd(p.until)}T235959"


def to_ical_rule(rule: str, tz: str) -> str:
    """The rule for an iCalendar feed next to ``DTSTART;TZID=tz``, with UNTIL as UTC date-time.

    RFC 5545 wants UNTIL in UTC when DTSTART has a TZID, and clients read a bare DATE as
    midnight, which would drop the last date.  The bound is 23:59:59 local on the UNTIL date.
    """
    p = rule_parts(rule, tz)
    if p.until is None:
        return p.text()
    bound = to_utc(datetime.combine(p.until, _END_OF_DAY), tz)
    return f"{replace(p, until=None).text()};UNTIL={bound:%Y%m%dT%H%M%SZ}"


def build_rule(*, freq: Literal["weekly", "monthly"], interval: int = 1,
               weekdays: Sequence[int] = (), month_day: int | None = None,
               month_weekday: tuple[int, int] | None = None, until: date | None = None,
               count: int | None = None) -> str:
    """The rule for the choices the web form offers; each message names the form field."""
    nth, day = month_weekday or (1, 0)
    weekly, monthly = freq == "weekly", freq == "monthly"
    for failed, field, message in (
        (not (weekly or monthly), "freq", "A series repeats weekly or monthly."),
        (not 1 <= interval <= 52, "interval", "Repeat every 1 to 52 weeks or months."),
        (until is not None and count is not None, "until",
         "Choose an end date or a number of times, not both."),
        (count is not None and not 1 <= count <= 1000, "count",
         "The number of times must be between 1 and 1000."),
        (weekly and not weekdays, "weekdays", "Choose at least one weekday."),
        (any(not 0 <= d <= 6 for d in weekdays), "weekdays",
         "Weekdays run from 0 (Monday) to 6 (Sunday)."),
        (monthly and bool(weekdays), "weekdays", "A monthly series repeats on one day a month."),
        (weekly and (month_day, month_weekday) != (None, None), "month_day",
         "A weekly series repeats on weekdays, not on a day of the month."),
        (monthly and (month_day is None) == (month_weekday is None), "month_day",
         "Choose either a day of the month or a weekday of the month."),
        (month_day is not None and not 1 <= month_day <= 31, "month_day",
         "The day of the month must be between 1 and 31."),
        (nth not in (1, 2, 3, 4, -1) or not 0 <= day <= 6, "month_weekday",
         "Choose the first, second, third, fourth or last weekday of the month."),
    ):
        if failed:
            raise DomainError("invalid_rrule", message, field=field)
    byday = tuple((d, 0) for d in sorted(set(weekdays))) or (
        ((day, nth),) if month_weekday else ())
    return parse_rule(RuleParts(freq="WEEKLY" if weekly else "MONTHLY", interval=interval,
                                byday=byday, bymonthday=() if month_day is None else (month_day,),
                                count=count, until=until).text())


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
    return du.rrule(_FREQS[p.freq], dtstart=start, interval=p.interval, wkst=p.wkst,
                    count=p.count, until=p.until and datetime.combine(p.until, _END_OF_DAY),
                    bymonth=bymonth or None, bymonthday=bymonthday or None,
                    bysetpos=p.bysetpos or None, cache=False,
                    byweekday=[du.weekday(d, n or None) for d, n in byday] or None)


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
        years, month0 = divmod(day.month - 1 + ((lo.year - day.year) * 12 + lo.month - day.month)
                               // n * n, 12)
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
    starts_at = _utc(local, zone)
    shown = _wall(starts_at, zone)  # 02:30 in the spring-forward gap is shown as 03:30
    ends_at = _utc(shown + duration, zone)  # wall-clock: 15:00-16:00 stays 15:00-16:00
    return Slot(shown, _wall(ends_at, zone), tz, starts_at, ends_at)


def _start(moment: datetime, zone: ZoneInfo, duration: timedelta) -> datetime:
    """Where to start looking for dates at or after an aware ``moment`` (checks the inputs)."""
    if moment.tzinfo is None:
        raise ValueError("window bounds must be aware datetimes")
    if duration <= _ZERO:
        raise DomainError("invalid_duration", "The end must be after the start.", field="end")
    return _wall(max(moment, datetime(1, 1, 4, tzinfo=UTC)), zone) - _MARGIN


def expand(rule: str | None, first_local_start: datetime, duration: timedelta, tz: str, *,
           window_start: datetime, window_end: datetime) -> list[Slot]:
    """Every date whose UTC start lies in [window_start, window_end), in order.

    ``rule`` None is a one-off on ``first_local_start``.  Open-ended rules stop at the window.
    """
    zone = validate_timezone(tz)
    lo = _start(window_start, zone, duration)
    hi = _wall(min(window_end, datetime(9999, 12, 28, tzinfo=UTC)), zone) + _MARGIN
    slots = []
    for local in _local_starts(rule, first_local_start, tz, lo):
        if local > hi:
            break
        slot = _slot(local, duration, tz, zone)
        if window_start <= slot.starts_at < window_end:
            slots.append(slot)
    return slots


def next_dates(rule: str | None, first_local_start: datetime, duration: timedelta, tz: str, *,
               after: datetime, limit: int) -> list[Slot]:
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


def split_rule_at(rule: str, first_local_start: datetime, cut_local: datetime,
                  tz: str) -> str | None:
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
    return None if last is None else replace(rule_parts(rule, tz), count=None,
                                             until=last.date()).text()
