"""Deterministic iCalendar (RFC 5545) bytes from plain data: feeds and mail invitations.

Why this module looks the way it does:

* **Deterministic bytes.**  Feeds are polled thousands of times per hour and answered with an
  ETag, so equal input must give equal bytes: no random UIDs, no "now" (icalendar's
  ``Event.new``/``Calendar.new`` add both, so they are not used).  DTSTAMP is the row's last
  change, supplied by the caller.
* **Cacheable pieces.**  Rendering 52 VEVENTs with icalendar costs milliseconds; joining
  cached bytes costs microseconds.  :func:`render_event_fragment` renders one date into an
  :class:`EventFragment` (bytes plus the TZID and years it needs) that the caller can cache
  per (date, version); :func:`assemble` joins a header, the VTIMEZONEs and the fragments.
  :func:`render_calendar` is literally ``assemble`` over fresh fragments, so both paths give
  identical bytes.  Header and VTIMEZONE blocks are cached here (pure functions of their input).
* **Own VTIMEZONE builder.**  icalendar 7.3's ``add_missing_timezones`` writes the DAYLIGHT
  onset in the *new* offset (Europe/Amsterdam: ``03:00`` instead of ``02:00``), so clients that
  trust the embedded VTIMEZONE switch an hour late.  RFC 5545 §3.6.5
  wants the onset as wall clock time in the TZOFFSETFROM offset; :func:`vtimezone` finds every
  transition from the zoneinfo database to the second and writes it that way.
* **Local times with TZID.**  Events happen at a wall-clock time in a place; UTC-only feeds
  break when DST rules change, floating times break for travellers.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from icalendar import (
    Calendar,
    Event,
    Timezone,
    TimezoneDaylight,
    TimezoneStandard,
    vCalAddress,
    vDuration,
    vText,
)

PRODID = "-//events_app//events_app 0.1//NL"
_END = b"END:VCALENDAR\r\n"
# TEXT may not contain CONTROL characters except HTAB (RFC 5545 §3.3.11); newlines are escaped.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_NO_SPACE = re.compile("[\x00-\x20\x7f-\x9f]")
_SCAN_STEP = 6 * 3600  # seconds; shorter than any gap between two real DST transitions


@dataclass(frozen=True)
class IcsEvent:
    """One dated event date, already resolved from the database into plain values."""

    uid: str  # stable per date, given by the caller; never derived from host names
    sequence: int
    summary: str
    description: str
    local_start: datetime  # naive wall clock in ``tz``
    local_end: datetime  # naive wall clock in ``tz``
    tz: str  # IANA zone, e.g. "Europe/Amsterdam"
    status: Literal["CONFIRMED", "CANCELLED", "TENTATIVE"]
    dtstamp: datetime  # aware; the row's last change, so output stays deterministic
    last_modified: datetime  # aware
    location: str | None = None
    url: str | None = None
    categories: tuple[str, ...] = ()
    organizer_name: str | None = None
    organizer_email: str | None = None
    attendee_email: str | None = None
    attendee_name: str | None = None
    transparent: bool = False  # TRANSP:TRANSPARENT, e.g. for waiting-list entries
    # A registration is an acceptance; a waiting-list entry has not been confirmed yet.
    attendee_partstat: Literal["ACCEPTED", "NEEDS-ACTION"] = "ACCEPTED"


@dataclass(frozen=True)
class IcsCalendar:
    """Calendar-level properties.  ``refresh=None`` omits the feed refresh hints (mail)."""

    name: str  # NAME (RFC 7986) + X-WR-CALNAME (Apple, Google, Outlook)
    description: str | None = None  # DESCRIPTION + X-WR-CALDESC
    refresh: timedelta | None = timedelta(hours=1)  # REFRESH-INTERVAL + X-PUBLISHED-TTL
    method: Literal["PUBLISH", "REQUEST", "CANCEL"] | None = None
    url: str | None = None  # RFC 7986 URL and SOURCE


@dataclass(frozen=True)
class EventFragment:
    """A rendered VEVENT plus what the enclosing calendar needs to know about it.

    Plain bytes/str/int, so it can be cached anywhere (memory, Redis, a database column).
    ``tzid`` is None when the times were written in UTC (``tz="UTC"``) and need no VTIMEZONE.
    """

    data: bytes
    tzid: str | None
    first_year: int
    last_year: int


def _zone(tz: str) -> ZoneInfo:
    try:
        return ZoneInfo(tz)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"unknown time zone {tz!r}") from exc


def _text(value: str) -> str:
    """Normalise newlines and drop control characters: icalendar escapes ``\\n`` but would
    write other controls raw, and a raw CR would break the line structure."""
    return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))


def _token(value: str, what: str) -> str:
    """Refuse (rather than silently alter) URIs and addresses with spaces or controls."""
    if not value or _NO_SPACE.search(value):
        raise ValueError(f"{what} must be non-empty without whitespace: {value!r}")
    return value


def _naive(value: datetime, what: str) -> datetime:
    if value.tzinfo is not None:
        raise ValueError(f"{what} must be a naive wall-clock time, got {value!r}")
    return value.replace(microsecond=0)


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC).replace(microsecond=0)


def _address(email: str, name: str | None, what: str, **params: str) -> vCalAddress:
    address = vCalAddress(f"mailto:{_token(email, what)}")
    if name:
        address.params["CN"] = _text(name).replace("\n", " ")
    address.params.update(params)
    return address


def render_event_fragment(event: IcsEvent) -> EventFragment:
    """Render one VEVENT.  Raises ValueError on input that would give a wrong calendar."""
    zone = _zone(event.tz)
    start = _naive(event.local_start, "local_start")
    end = _naive(event.local_end, "local_end")
    if end < start:
        raise ValueError(f"event {event.uid!r} ends before it starts")
    if event.sequence < 0:
        raise ValueError("sequence must be >= 0")
    if not event.uid or _CONTROL.search(event.uid) or "\n" in event.uid:
        raise ValueError(f"invalid uid {event.uid!r}")
    vevent = Event()
    vevent.add("uid", event.uid)
    vevent.add("sequence", event.sequence)
    vevent.add("status", event.status)
    vevent.add("dtstamp", _utc(event.dtstamp, "dtstamp"))
    vevent.add("last-modified", _utc(event.last_modified, "last_modified"))
    vevent.add("dtstart", start.replace(tzinfo=zone))
    vevent.add("dtend", end.replace(tzinfo=zone))
    vevent.add("summary", _text(event.summary))
    if event.description:
        vevent.add("description", _text(event.description))
    if event.location:
        vevent.add("location", _text(event.location))
    if event.url:
        vevent.add("url", _token(event.url, "url"))
    if event.categories:
        vevent.add("categories", [_text(c) for c in event.categories])
    if event.organizer_email:
        organizer = _address(event.organizer_email, event.organizer_name, "organizer_email")
        vevent.add("organizer", organizer)
    if event.attendee_email:
        attendee = _address(
            event.attendee_email,
            event.attendee_name,
            "attendee_email",
            ROLE="REQ-PARTICIPANT",
            PARTSTAT=event.attendee_partstat,
            RSVP="FALSE",
        )
        vevent.add("attendee", attendee)
    vevent.add("transp", "TRANSPARENT" if event.transparent else "OPAQUE")
    tzid = vevent["DTSTART"].params.get("TZID")
    return EventFragment(vevent.to_ical(), tzid, start.year, end.year)


def _state(zone: ZoneInfo, timestamp: int) -> tuple[timedelta, bool, str]:
    local = datetime.fromtimestamp(timestamp, zone)
    return local.utcoffset() or timedelta(0), bool(local.dst()), local.tzname() or ""


@functools.lru_cache(maxsize=256)
def vtimezone(tzid: str, first_year: int, last_year: int) -> bytes:
    """The VTIMEZONE block for ``tzid``, valid from 1 January ``first_year`` to 31 December
    ``last_year`` (local time), with onsets in TZOFFSETFROM wall-clock time as RFC 5545 wants.

    Transitions come from the zoneinfo database: scan in 6-hour steps, then bisect to the
    second.  Onsets that share (from, to, name, DST) become one observance with RDATEs.
    """
    zone = _zone(tzid)
    begin = int(datetime(first_year, 1, 1, tzinfo=zone).timestamp())
    stop = int(datetime(last_year + 1, 1, 1, tzinfo=zone).timestamp())
    before = _state(zone, begin)
    # The observance in force at the start of the range, written as a no-op "transition".
    observances: dict[tuple[timedelta, timedelta, str, bool], list[datetime]] = {
        # Naive on purpose: VTIMEZONE onsets are local wall-clock times.
        (before[0], before[0], before[2], before[1]): [datetime(first_year, 1, 1)],  # noqa: DTZ001
    }
    low = begin
    while low < stop:
        high = min(low + _SCAN_STEP, stop)
        after = _state(zone, high)
        if after != before:
            while high - low > 1:  # invariant: state(low) == before, state(high) != before
                middle = (low + high) // 2
                if _state(zone, middle) == before:
                    low = middle
                else:
                    high = middle
            after = _state(zone, high)
            onset = datetime.fromtimestamp(high, UTC).replace(tzinfo=None) + before[0]
            observances.setdefault((before[0], after[0], after[2], after[1]), []).append(onset)
            before = after
        low = high
    component = Timezone()
    component.add("tzid", tzid)
    for (offset_from, offset_to, name, is_dst), onsets in observances.items():
        observance = TimezoneDaylight() if is_dst else TimezoneStandard()
        observance.add("dtstart", onsets[0])
        # One RDATE line per onset: ical.js reads only the first value of a list.
        for onset in onsets[1:]:
            observance.add("rdate", onset)
        if name:
            observance.add("tzname", name)
        observance.add("tzoffsetfrom", offset_from)
        observance.add("tzoffsetto", offset_to)
        component.add_component(observance)
    data: bytes = component.to_ical()
    return data


@functools.lru_cache(maxsize=64)
def _header(cal: IcsCalendar) -> bytes:
    """BEGIN:VCALENDAR and the calendar properties, serialised by icalendar (folding and
    escaping stay icalendar's), cut before END:VCALENDAR so components can be spliced in."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if cal.method:
        calendar.add("method", cal.method)
    # A calendar's name is one line (icalendar asserts on a newline in NAME).
    name = " ".join(_text(cal.name).split())
    calendar.add("name", name)
    # icalendar writes unknown X- properties raw (a newline would even assert): say TEXT.
    calendar.add("x-wr-calname", vText(name))
    if cal.description:
        calendar.add("description", _text(cal.description))
        calendar.add("x-wr-caldesc", vText(_text(cal.description)))
    if cal.url:
        calendar.add("url", _token(cal.url, "url"))
        calendar.add("source", _token(cal.url, "url"), parameters={"VALUE": "URI"})
    if cal.refresh is not None:
        if cal.refresh <= timedelta(0):
            raise ValueError("refresh must be positive")
        calendar.add("refresh-interval", vDuration(cal.refresh), parameters={"VALUE": "DURATION"})
        calendar.add("x-published-ttl", vDuration(cal.refresh))
    data: bytes = calendar.to_ical()
    if not data.endswith(_END):  # pragma: no cover - icalendar always ends like this
        raise RuntimeError("unexpected icalendar output")
    return data[: -len(_END)]


def assemble(cal: IcsCalendar, fragments: Sequence[EventFragment]) -> bytes:
    """Join cached fragments into a calendar, in the given order.

    Adds one VTIMEZONE per TZID used, covering the fragments' years with a year of margin on
    each side (clients expand alarms and views a little beyond the events themselves).
    """
    spans: dict[str, tuple[int, int]] = {}
    for fragment in fragments:
        if fragment.tzid is not None:
            low, high = spans.get(fragment.tzid, (fragment.first_year, fragment.last_year))
            spans[fragment.tzid] = (
                min(low, fragment.first_year),
                max(high, fragment.last_year),
            )
    parts = [_header(cal)]
    parts.extend(vtimezone(tzid, low - 1, high + 1) for tzid, (low, high) in sorted(spans.items()))
    parts.extend(fragment.data for fragment in fragments)
    parts.append(_END)
    return b"".join(parts)


def render_calendar(cal: IcsCalendar, events: Sequence[IcsEvent]) -> bytes:
    """The simple entry point: a whole calendar from events, in the given order."""
    return assemble(cal, [render_event_fragment(event) for event in events])


def invitation(
    event: IcsEvent, *, method: Literal["REQUEST", "CANCEL"], calendar_name: str
) -> bytes:
    """An iTIP (RFC 5546) mail attachment for one attendee.

    REQUEST keeps CONFIRMED or TENTATIVE (a cancelled event refuses: send CANCEL instead, so
    a stale row can never re-confirm a cancelled meeting); CANCEL forces STATUS:CANCELLED.
    The UID stays the same and the caller passes the raised SEQUENCE.  iTIP needs ORGANIZER,
    and an invitation without ATTENDEE has nobody to address, so both are required.
    """
    if not event.organizer_email:
        raise ValueError("an invitation needs organizer_email (iTIP requires ORGANIZER)")
    if not event.attendee_email:
        raise ValueError("an invitation needs attendee_email")
    if method == "CANCEL":
        event = replace(event, status="CANCELLED")
    elif event.status == "CANCELLED":
        raise ValueError("a cancelled event is sent with method='CANCEL', not 'REQUEST'")
    cal = IcsCalendar(name=calendar_name, refresh=None, method=method)
    return render_calendar(cal, [event])
