"""Wall-clock times and time zones: every turn of a local time into a UTC instant, and back.

Organisers plan in wall-clock time in an IANA zone; a local time that does not exist (the
spring-forward gap) or exists twice (the fall-back night) is read as RFC 5545 §3.3.5 says, as
calendar clients do (:func:`to_utc`).  Expansion (:mod:`events_app.domain.recurrence`) and the
repeat rules' UNTIL bound (:mod:`events_app.domain.rrules`) use the same two conversions.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from events_app.domain.errors import DomainError

__all__ = [
    "DEFAULT_TZ",
    "is_ambiguous",
    "is_nonexistent",
    "to_utc",
    "utc_of",
    "validate_timezone",
    "wall_of",
]

DEFAULT_TZ = "Europe/Amsterdam"
_ZERO = timedelta(0)
_TZ_KEY = re.compile(r"[A-Za-z0-9_+-]+(?:/[A-Za-z0-9_+-]+)*")


def validate_timezone(tz: str) -> ZoneInfo:
    """The zone, or a DomainError a form can show; keys never reach the file system unchecked."""
    try:
        if _TZ_KEY.fullmatch(tz) and ".." not in tz:
            return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError, OSError):
        pass
    raise DomainError(
        "unknown_timezone",
        f"'{tz}' is not a known time zone such as Europe/Amsterdam.",
        field="timezone",
    )


def utc_of(local: datetime, zone: ZoneInfo) -> datetime:
    """:func:`to_utc` with the zone already checked (the fast path of expansion)."""
    if local.tzinfo is not None:
        raise ValueError("expected a naive wall-clock datetime")
    naive = local - (zone.utcoffset(local.replace(fold=0) if local.fold else local) or _ZERO)
    return datetime.combine(naive.date(), naive.time(), UTC)  # much faster than .replace()


def wall_of(instant: datetime, zone: ZoneInfo) -> datetime:
    """The naive wall-clock time an aware instant shows in ``zone``."""
    shown = instant.astimezone(zone)
    return datetime.combine(shown.date(), shown.time())


def to_utc(local: datetime, tz: str) -> datetime:
    """Turn a naive wall-clock time into an aware UTC instant the way calendar clients do.

    RFC 5545 §3.3.5: a time that occurs twice (fall-back night) means the first one, in summer
    time; a time that does not exist (spring-forward gap) is read with the offset from before the
    gap, so 02:30 becomes 01:30 UTC, shown as 03:30.  That is zoneinfo's ``fold=0``; the fold is
    forced because naive values from forms and databases cannot carry one anyway.
    """
    return utc_of(local, validate_timezone(tz))


def is_nonexistent(local: datetime, tz: str) -> bool:
    """True if the clock skips this time (spring forward), so callers can warn the organiser."""
    zone = validate_timezone(tz)
    return wall_of(utc_of(local, zone), zone) != local


def is_ambiguous(local: datetime, tz: str) -> bool:
    """True if the clock shows this time twice (fall back); the first one is the one meant."""
    zone = validate_timezone(tz)
    offsets = {zone.utcoffset(local.replace(fold=fold)) for fold in (0, 1)}
    return len(offsets) == 2 and not is_nonexistent(local, tz)
