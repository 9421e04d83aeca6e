"""Repeat rules (RFC 5545 RRULE) as a series stores them: checked, in one canonical text form.

Only what a series of single dates needs is accepted (DAILY to YEARLY, one start time per
date).  ``UNTIL`` is stored as a DATE, the last local date that is still included; expansion
(:mod:`events_app.domain.recurrence`) reads it as 23:59:59 local on that date, and
:func:`to_ical_rule` writes that same bound in UTC for feeds, as RFC 5545 requires.  The web
form's choices become a rule through :func:`build_rule`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from functools import lru_cache
from typing import Literal

from dateutil import rrule as du

from events_app.domain.errors import DomainError
from events_app.domain.wallclock import DEFAULT_TZ, to_utc, validate_timezone, wall_of

__all__ = [
    "DAYS",
    "END_OF_DAY",
    "FREQS",
    "RuleParts",
    "build_rule",
    "parse_rule",
    "rule_parts",
    "to_ical_rule",
]

DAYS = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
Freq = Literal["DAILY", "WEEKLY", "MONTHLY", "YEARLY"]
FREQS: dict[str, Literal[0, 1, 2, 3, 4, 5, 6]] = {
    "DAILY": du.DAILY,
    "WEEKLY": du.WEEKLY,
    "MONTHLY": du.MONTHLY,
    "YEARLY": du.YEARLY,
}
_PARTS = (
    "FREQ",
    "INTERVAL",
    "BYMONTH",
    "BYMONTHDAY",
    "BYDAY",
    "BYSETPOS",
    "WKST",
    "COUNT",
    "UNTIL",
)
END_OF_DAY = time(23, 59, 59)  # the inclusive bound an UNTIL date stands for
_INT = re.compile(r"[+-]?\d{1,4}")
_DAY = re.compile(r"([+-]?\d{1,2})?(MO|TU|WE|TH|FR|SA|SU)")
_UNTIL = re.compile(r"(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z?))?")
_SETPOS_MAX = {"DAILY": 1, "WEEKLY": 7, "MONTHLY": 31, "YEARLY": 366}
_MONTH_LEN = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


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
        values = (
            self.freq,
            self.interval if self.interval != 1 else None,
            _csv(self.bymonth),
            _csv(self.bymonthday),
            ",".join(f"{n or ''}{DAYS[d]}" for d, n in self.byday),
            _csv(self.bysetpos),
            DAYS[self.wkst] if self.wkst else None,
            self.count,
            _ymd(self.until) if self.until else None,
        )
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
    if freq not in FREQS:
        raise _bad("FREQ must be DAILY, WEEKLY, MONTHLY or YEARLY (one start time per date).")
    if "COUNT" in fields and "UNTIL" in fields:
        raise _bad("Use UNTIL or COUNT, not both.")
    if (wkst := fields.get("WKST", "MO")) not in DAYS:
        raise _bad("WKST must be a single weekday such as MO.")
    parts = RuleParts(
        freq=freq,  # type: ignore[arg-type]  # checked against FREQS just above
        interval=_one_int(fields, "INTERVAL", 52) or 1,
        count=_one_int(fields, "COUNT", 1000),
        until=_until(fields["UNTIL"], tz) if "UNTIL" in fields else None,
        bymonth=_ints(fields, "BYMONTH", 12, signed=False),
        bymonthday=_ints(fields, "BYMONTHDAY", 31, signed=True),
        byday=_days(fields.get("BYDAY", ""), freq, 5 if "BYMONTH" in fields else 53),
        bysetpos=_ints(fields, "BYSETPOS", _SETPOS_MAX[freq], signed=True),
        wkst=DAYS.index(wkst),
    )
    months = parts.bymonth or range(1, 13)
    if parts.bymonthday and freq == "WEEKLY":
        raise _bad("BYMONTHDAY cannot be used with FREQ=WEEKLY.")
    if parts.bysetpos and not (parts.byday or parts.bymonthday or parts.bymonth):
        raise _bad("BYSETPOS needs BYDAY, BYMONTHDAY or BYMONTH to pick from.")
    if parts.bymonthday and all(
        abs(d) > _MONTH_LEN[m - 1] for m in months for d in parts.bymonthday
    ):  # dateutil would search to 9999
        raise _bad("This rule never produces a date (like 30 February).")
    try:  # dateutil has the final word on whether the rule can be expanded at all
        du.rrulestr("RRULE:" + _dateutil_text(parts), dtstart=datetime(2000, 1, 3, 12))  # noqa: DTZ001
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise _bad(f"The repeat rule cannot be read: {exc}.") from None
    return parts


def _one_int(fields: dict[str, str], name: str, top: int) -> int | None:
    value = fields.get(name)
    if value is not None and not (
        value.isascii() and value.isdecimal() and len(value) <= 6 and 1 <= int(value) <= top
    ):
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
        return wall_of(moment.replace(tzinfo=UTC), validate_timezone(tz)).date()
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
    bound = to_utc(datetime.combine(p.until, END_OF_DAY), tz)
    return f"{replace(p, until=None).text()};UNTIL={bound:%Y%m%dT%H%M%SZ}"


def build_rule(
    *,
    freq: Literal["daily", "weekly", "monthly"],
    interval: int = 1,
    weekdays: Sequence[int] = (),
    month_day: int | None = None,
    month_weekday: tuple[int, int] | None = None,
    until: date | None = None,
    count: int | None = None,
) -> str:
    """The rule for the choices the web form offers; each message names the form field."""
    nth, day = month_weekday or (1, 0)
    daily, weekly, monthly = freq == "daily", freq == "weekly", freq == "monthly"
    for failed, field, message in (
        (not (daily or weekly or monthly), "freq", "A series repeats daily, weekly or monthly."),
        (not 1 <= interval <= 52, "interval", "Repeat every 1 to 52 days, weeks or months."),
        (
            until is not None and count is not None,
            "until",
            "Choose an end date or a number of times, not both.",
        ),
        (
            count is not None and not 1 <= count <= 1000,
            "count",
            "The number of times must be between 1 and 1000.",
        ),
        (weekly and not weekdays, "weekdays", "Choose at least one weekday."),
        (
            any(not 0 <= d <= 6 for d in weekdays),
            "weekdays",
            "Weekdays run from 0 (Monday) to 6 (Sunday).",
        ),
        (monthly and bool(weekdays), "weekdays", "A monthly series repeats on one day a month."),
        (
            daily and (bool(weekdays) or (month_day, month_weekday) != (None, None)),
            "freq",
            "A daily series repeats every day or every few days, on no chosen weekday.",
        ),
        (
            weekly and (month_day, month_weekday) != (None, None),
            "month_day",
            "A weekly series repeats on weekdays, not on a day of the month.",
        ),
        (
            monthly and (month_day is None) == (month_weekday is None),
            "month_day",
            "Choose either a day of the month or a weekday of the month.",
        ),
        (
            month_day is not None and not 1 <= month_day <= 31,
            "month_day",
            "The day of the month must be between 1 and 31.",
        ),
        (
            nth not in (1, 2, 3, 4, -1) or not 0 <= day <= 6,
            "month_weekday",
            "Choose the first, second, third, fourth or last weekday of the month.",
        ),
    ):
        if failed:
            raise DomainError("invalid_rrule", message, field=field)
    byday = tuple((d, 0) for d in sorted(set(weekdays))) or (((day, nth),) if month_weekday else ())
    return parse_rule(
        RuleParts(
            freq="DAILY" if daily else "WEEKLY" if weekly else "MONTHLY",
            interval=interval,
            byday=byday,
            bymonthday=() if month_day is None else (month_day,),
            count=count,
            until=until,
        ).text()
    )
