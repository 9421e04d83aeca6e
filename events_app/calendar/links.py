""" "Add to Google Calendar / Outlook.com" links for one date: pure functions.

These open the web calendar's "new event" form, prefilled; the person saves it themselves.
They carry no UID, so later changes do not reach such a copy: pages offer them beside the
``.ics`` download and the feeds, which do stay up to date.  Times go in UTC (``…Z``), so the
link is right whatever zone the person's calendar is set to; Google also gets ``ctz``, the
zone the event is shown in.  Details are cut to keep the URL well below what browsers and
both services accept (a few thousand characters).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from events_app.calendar.ics import IcsEvent

__all__ = ["CalendarLinks", "google_calendar_url", "links_for", "outlook_calendar_url"]

GOOGLE = "https://calendar.google.com/calendar/render"
OUTLOOK = "https://outlook.live.com/calendar/0/deeplink/compose"
MAX_DETAILS = 1500  # characters of description carried in a link


def _utc(value: datetime, what: str) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{what} must be timezone-aware, got {value!r}")
    return value.astimezone(UTC).replace(microsecond=0)


def _details(text: str) -> str:
    text = text.strip()
    if len(text) <= MAX_DETAILS:
        return text
    return text[: MAX_DETAILS - 1].rstrip() + "…"


def _query(params: dict[str, str]) -> str:
    # quote (not quote_plus): "%20" is read as a space everywhere, "+" is not by every form.
    return urlencode({k: v for k, v in params.items() if v}, quote_via=quote, safe="/:")


def google_calendar_url(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    details: str = "",
    location: str = "",
    timezone: str = "Europe/Amsterdam",
) -> str:
    """Google Calendar's event template (``action=TEMPLATE``) for one date."""
    start, end = _utc(starts_at, "starts_at"), _utc(ends_at, "ends_at")
    stamp = "%Y%m%dT%H%M%SZ"
    params = {
        "action": "TEMPLATE",
        "text": title,
        "dates": f"{start.strftime(stamp)}/{end.strftime(stamp)}",
        "details": _details(details),
        "location": location,
        "ctz": timezone,
    }
    return f"{GOOGLE}?{_query(params)}"


def outlook_calendar_url(
    *,
    title: str,
    starts_at: datetime,
    ends_at: datetime,
    details: str = "",
    location: str = "",
) -> str:
    """Outlook.com's compose deep link (personal Microsoft accounts) for one date."""
    start, end = _utc(starts_at, "starts_at"), _utc(ends_at, "ends_at")
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": title,
        "startdt": start.strftime(stamp),
        "enddt": end.strftime(stamp),
        "body": _details(details),
        "location": location,
    }
    return f"{OUTLOOK}?{_query(params)}"


@dataclass(frozen=True, slots=True)
class CalendarLinks:
    google: str
    outlook: str


def links_for(event: IcsEvent) -> CalendarLinks:
    """Both links for an event as the feeds describe it (pass the public variant on pages)."""
    zone = ZoneInfo(event.tz)
    starts_at = event.local_start.replace(tzinfo=zone)
    ends_at = event.local_end.replace(tzinfo=zone)
    details, location = event.description, event.location or ""
    return CalendarLinks(
        google=google_calendar_url(
            title=event.summary,
            starts_at=starts_at,
            ends_at=ends_at,
            details=details,
            location=location,
            timezone=event.tz,
        ),
        outlook=outlook_calendar_url(
            title=event.summary,
            starts_at=starts_at,
            ends_at=ends_at,
            details=details,
            location=location,
        ),
    )
