""" "Add to Google Calendar / Outlook.com" links (pure)."""

from __future__ import annotations

from datetime import UTC, datetime
from urllib.parse import parse_qs, urlsplit
from zoneinfo import ZoneInfo

import pytest

from events_app.calendar.ics import IcsEvent
from events_app.calendar.links import (
    MAX_DETAILS,
    google_calendar_url,
    links_for,
    outlook_calendar_url,
)

AMS = ZoneInfo("Europe/Amsterdam")
WINTER = datetime(2026, 12, 10, 15, tzinfo=AMS)
SUMMER_END = datetime(2027, 4, 1, 16, tzinfo=AMS)


def query(url: str) -> dict[str, str]:
    parsed = parse_qs(urlsplit(url).query, keep_blank_values=True, strict_parsing=True)
    assert all(len(values) == 1 for values in parsed.values())
    return {key: values[0] for key, values in parsed.items()}


def test_google_link() -> None:
    url = google_calendar_url(
        title="Ontmoeting & koffie — één",
        starts_at=WINTER,
        ends_at=datetime(2026, 12, 10, 16, tzinfo=AMS),
        details="Regel 1\nRegel 2: https://example.org/?a=1&b=2",
        location="Buurthuis, Lindengracht 1",
    )
    assert url.startswith("https://calendar.google.com/calendar/render?action=TEMPLATE&text=")
    assert "+" not in url and " " not in url
    params = query(url)
    assert params == {
        "action": "TEMPLATE",
        "text": "Ontmoeting & koffie — één",
        "dates": "20261210T140000Z/20261210T150000Z",
        "details": "Regel 1\nRegel 2: https://example.org/?a=1&b=2",
        "location": "Buurthuis, Lindengracht 1",
        "ctz": "Europe/Amsterdam",
    }


def test_outlook_link() -> None:
    url = outlook_calendar_url(
        title="Ontmoeting",
        starts_at=datetime(2027, 4, 1, 15, tzinfo=AMS),
        ends_at=SUMMER_END,
        details="Welkom",
    )
    assert url.startswith(
        "https://outlook.live.com/calendar/0/deeplink/compose?path=/calendar/action/compose"
        "&rru=addevent&subject=Ontmoeting"
    )
    assert query(url) == {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": "Ontmoeting",
        "startdt": "2027-04-01T13:00:00Z",  # summer time: 15:00 in Amsterdam is 13:00 UTC
        "enddt": "2027-04-01T14:00:00Z",
        "body": "Welkom",
    }


def test_long_details_are_cut_and_naive_times_refused() -> None:
    url = google_calendar_url(
        title="x", starts_at=WINTER, ends_at=WINTER, details="ë" * (MAX_DETAILS * 3)
    )
    details = query(url)["details"]
    assert len(details) == MAX_DETAILS and details.endswith("…")
    with pytest.raises(ValueError, match="timezone-aware"):
        outlook_calendar_url(title="x", starts_at=datetime(2026, 1, 1), ends_at=WINTER)  # noqa: DTZ001


def test_links_for_an_event_use_its_zone() -> None:
    stamp = datetime(2026, 9, 1, tzinfo=UTC)
    event = IcsEvent(
        uid="a@events-app",
        sequence=0,
        summary="Gastles",
        description="Over herstel",
        local_start=datetime(2026, 10, 29, 15),  # noqa: DTZ001 - after the October change
        local_end=datetime(2026, 10, 29, 16, 30),  # noqa: DTZ001
        tz="Europe/Amsterdam",
        status="CONFIRMED",
        dtstamp=stamp,
        last_modified=stamp,
        location="Hogeschool",
    )
    links = links_for(event)
    assert query(links.google)["dates"] == "20261029T140000Z/20261029T153000Z"
    assert query(links.google)["location"] == "Hogeschool"
    assert query(links.outlook)["startdt"] == "2026-10-29T14:00:00Z"
    assert query(links.outlook)["body"] == "Over herstel"
