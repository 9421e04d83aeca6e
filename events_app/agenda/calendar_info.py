"""One date as the calendar module describes it: the one mapping from a date's row to
:class:`~events_app.calendar.describe.DateInfo`, used by the feeds and by mail alike.

A feed entry and the invitation in a mail are the same event, so their place, link, details,
capacity, organiser and page are resolved here once: the date's own value, else its series'
(:func:`~events_app.domain.overrides.own_or_series`), the effective capacity, an organiser
address only when it is one.  The row holds the date's columns under their own names and its
series' as ``series_<column>`` (the feeds' queries and the mail's facts both read them so).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from events_app import db, urls
from events_app.calendar.describe import DateInfo, SpeakerInfo
from events_app.domain.overrides import own_or_series
from events_app.domain.seats import effective_capacity

__all__ = ["date_info"]

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_ADDRESS = re.compile(r"[^@\s]+@[^@\s]+")


def _instant(value: object) -> datetime:
    return db.instant(value) or EPOCH


def _address(value: str | None) -> str:
    value = (value or "").strip()
    return value if _ADDRESS.fullmatch(value) else ""


def date_info(
    row: Mapping[str, Any],
    *,
    organisation_name: str,
    organisation_email: str,
    organisation_changed_at: object,
    speakers: tuple[SpeakerInfo, ...],
) -> DateInfo:
    """The date of ``row`` with its series' values resolved.  ``organisation_changed_at``
    counts in the date's change moment (None: it does not; the mail's facts do not read it)."""
    changed = [row["updated_at"], row["series_updated_at"], organisation_changed_at]
    return DateInfo(
        date_id=row["id"],
        uid=row["uid"],
        sequence=int(row["sequence"] or 0),
        status=row["status"],
        status_reason=row["status_reason"] or "",
        status_cause=row.get("status_cause") or "",
        topic=row["topic"] or "",
        note=row["note"] or "",
        local_start=row["local_start"],
        local_end=row["local_end"],
        timezone=row["timezone"],
        starts_at=_instant(row["starts_at"]),
        ends_at=_instant(row["ends_at"]),
        changed_at=max(_instant(value) for value in changed),
        series_title=row["series_title"],
        series_summary=row["series_summary"] or "",
        series_kind=row["series_kind"],
        series_format=row["series_format"],
        series_status=row["series_status"],
        link_visibility=row["series_link_visibility"],
        registration_mode=row["series_registration_mode"],
        waitlist=bool(row["series_waitlist"]),
        location=own_or_series(row["location"], row["series_location"]),
        meeting_url=own_or_series(row["meeting_url"], row["series_meeting_url"]).strip(),
        meeting_details=own_or_series(row["meeting_details"], row["series_meeting_details"]),
        tags=db.json_strings(row["series_tags"]),
        organisation_name=organisation_name,
        organizer_email=_address(row["series_contact_email"]) or _address(organisation_email),
        page_url=urls.date_page(row["series_slug"], row["id"]),
        speakers=speakers,
        capacity=effective_capacity(row["capacity"], row["series_capacity"]),
        confirmed_count=row["confirmed_count"],
        waiting_count=row["waiting_count"],
    )
