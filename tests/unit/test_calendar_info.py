"""The one mapping from a date's row to the calendar's DateInfo (feeds and mail use it).

The issue's reproduced case: a date whose own meeting link is set to nothing, under a series
with a link, must have no link — in the mail's text, its invitation and the feed alike, since
all three read this one value.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from events_app.agenda.calendar_info import date_info
from events_app.calendar.describe import SpeakerInfo
from tests.helpers.parsing import local

AT = datetime(2026, 12, 1, 9, tzinfo=UTC)


def _row(**changes: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "id": 7,
        "uid": "u7@events-app",
        "sequence": None,
        "status": "scheduled",
        "status_reason": None,
        "topic": None,
        "note": "",
        "local_start": local(2026, 12, 10, 19),
        "local_end": local(2026, 12, 10, 21),
        "timezone": "Europe/Amsterdam",
        "starts_at": "2026-12-10 18:00:00",  # SQLite's raw text: read as UTC
        "ends_at": datetime(2026, 12, 10, 20, tzinfo=UTC),
        "updated_at": AT,
        "capacity": None,
        "location": None,
        "meeting_url": None,
        "meeting_details": None,
        "confirmed_count": 3,
        "waiting_count": 0,
        "series_slug": "ontmoeting",
        "series_title": "Ontmoeting",
        "series_summary": None,
        "series_kind": "meetup",
        "series_format": "hybrid",
        "series_status": "active",
        "series_link_visibility": "registered",
        "series_registration_mode": "required",
        "series_waitlist": 1,
        "series_location": "Buurthuis",
        "series_meeting_url": " https://meet.example.org/a ",
        "series_meeting_details": "code 1234",
        "series_capacity": 20,
        "series_tags": '["herstel", 5]',
        "series_contact_email": "",
        "series_updated_at": None,
    }
    return {**row, **changes}


def _info(row: dict[str, Any], email: str = "info@example.org", changed: object = None) -> Any:
    return date_info(
        row,
        organisation_name="Stadsnetwerk",
        organisation_email=email,
        organisation_changed_at=changed,
        speakers=(SpeakerInfo("Sam", "speaker"),),
    )


def test_the_series_values_fill_what_the_date_leaves_open() -> None:
    info = _info(_row())
    assert (info.location, info.meeting_url, info.meeting_details) == (
        "Buurthuis",
        "https://meet.example.org/a",
        "code 1234",
    )
    assert info.capacity == 20 and info.waitlist is True and info.sequence == 0
    assert info.tags == ("herstel", "5")
    assert info.starts_at == datetime(2026, 12, 10, 18, tzinfo=UTC)
    assert info.page_url.endswith("/events/ontmoeting/7")
    assert info.organizer_email == "info@example.org"


def test_a_dates_own_empty_link_wins_over_the_series_link() -> None:
    info = _info(_row(meeting_url="", location="", capacity=5))
    assert info.meeting_url == "" and info.location == "" and info.capacity == 5


def test_the_change_moment_counts_the_organisation_only_when_given() -> None:
    later = datetime(2026, 12, 2, tzinfo=UTC)
    assert _info(_row()).changed_at == AT
    assert _info(_row(), changed=later).changed_at == later
    assert _info(_row(series_updated_at=later)).changed_at == later


def test_the_organiser_address_is_an_address_or_nothing() -> None:
    assert _info(_row(series_contact_email="team@example.org")).organizer_email == (
        "team@example.org"
    )
    assert _info(_row(), email="not an address").organizer_email == ""
    assert _info(_row(series_contact_email="x"), email="").organizer_email == ""
