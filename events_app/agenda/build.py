"""The one place that builds a :class:`~events_app.agenda.dates.SeriesView` and a
:class:`~events_app.agenda.dates.DateView` from rows, for the public pages and organisers.

``public=True`` builds what everyone may see: no meeting link or details unless the organiser
made the link visible to everyone, hosts' names without their addresses, no counts or
versions, the programme only when it is published; the fields for organisers keep their
defaults.  :mod:`events_app.agenda.catalogue` and :mod:`events_app.agenda.public` read the
public views, :mod:`events_app.agenda.views` the organisers'.

A date's row holds the date's columns under their own names, its series' as
``series_<column>`` and its organisation's name and slug as ``organisation_name`` /
``organisation_slug`` (:data:`DATE_SERIES_COLUMNS` selects them through the joins).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.agenda.dates import (
    DateView,
    HostView,
    MaterialView,
    NextDate,
    PersonView,
    SeriesView,
)
from events_app.tables import EventDate, Series, SeriesHost, Speaker

__all__ = [
    "DATE_SERIES_COLUMNS",
    "NEXT_DATES",
    "date_view",
    "hosts_of",
    "person",
    "series_view",
    "speakers_of",
]

NEXT_DATES = 5
SPEAKER_FIELDS = (Speaker.id, Speaker.name, Speaker.bio, Speaker.url, Speaker.role)
Occ = EventDate
# What a date's view reads of its series and organisation, named as date_view wants them.
DATE_SERIES_COLUMNS = (
    *(
        getattr(Occ.series, name).as_alias(f"series_{name}")
        for name in (
            "slug", "title", "summary", "kind", "format", "capacity", "waitlist", "location",
            "meeting_url", "meeting_details", "link_visibility", "registration_mode",
            "registration_opens_at", "registration_closes_at", "status", "published",
        )
    ),
    Occ.series.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
    Occ.series.organisation.slug.as_alias("organisation_slug"),  # type: ignore[union-attr]
    Occ.series.programme.slug.as_alias("programme_slug"),  # type: ignore[union-attr]
    Occ.series.programme.title.as_alias("programme_title"),  # type: ignore[union-attr]
    Occ.series.programme.published.as_alias("programme_published"),  # type: ignore[union-attr]
)  # fmt: skip


def person(row: dict[str, Any]) -> PersonView:
    return PersonView(row["name"], row["role"], row["bio"], row["url"], row["id"])


async def speakers_of(series_id: int, date_ids: Sequence[int] | None) -> list[dict[str, Any]]:
    """The series' own speakers (``date_ids`` None) or those of these dates, in order."""
    query = Speaker.select(*SPEAKER_FIELDS, Speaker.event_date).where(Speaker.series == series_id)
    if date_ids is None:
        query = query.where(Speaker.event_date.is_null())
    else:
        query = query.where(Speaker.event_date.is_in(list(date_ids) or [0]))
    return list(await query.order_by(Speaker.position).order_by(Speaker.id))


async def hosts_of(series_id: int, date_ids: Sequence[int] | None) -> list[dict[str, Any]]:
    """The hosts of the whole series (``date_ids`` None) or of these dates."""
    query = SeriesHost.select(
        SeriesHost.account.as_alias("account_id"),
        SeriesHost.account.name.as_alias("name"),
        SeriesHost.account.email.as_alias("email"),
        SeriesHost.event_date,
    ).where(SeriesHost.series == series_id)
    if date_ids is None:
        query = query.where(SeriesHost.event_date.is_null())
    else:
        query = query.where(SeriesHost.event_date.is_in(list(date_ids) or [0]))
    return list(await query.order_by(SeriesHost.id))


async def _next_dates(series_id: int) -> tuple[NextDate, ...]:
    rows = await (
        Occ.select(
            Occ.id,
            Occ.local_start,
            Occ.local_end,
            Occ.starts_at,
            Occ.ends_at,
            Occ.status,
            Occ.topic,
        )
        .where(
            (Occ.series == series_id)
            & (Occ.status == Occ.Status.scheduled)
            & (Occ.starts_at > clock.now())
        )
        .order_by(Occ.starts_at)
        .limit(NEXT_DATES)
    )
    return tuple(NextDate(**row) for row in rows)


async def series_view(
    series: dict[str, Any], *, public: bool = False, warnings: Sequence[str] = ()
) -> SeriesView:
    """A series (its row, every column) as its page shows it; see the module for ``public``."""
    names = (
        await Series.select(
            Series.organisation.name.as_alias("organisation_name"),
            Series.organisation.slug.as_alias("organisation_slug"),
            Series.organisation.consent_text.as_alias("consent_text"),
            Series.organisation.consent_text_en.as_alias("consent_text_en"),
            Series.organisation.language.as_alias("consent_language"),
            Series.organisation.needs_days.as_alias("needs_days"),
            Series.programme.slug.as_alias("programme_slug"),
            Series.programme.title.as_alias("programme_title"),
            Series.programme.published.as_alias("programme_published"),
        )
        .where(Series.id == series["id"])
        .first()
        or {}
    )
    hosts = await hosts_of(series["id"], None)
    speakers = await speakers_of(series["id"], None)
    programme = not public or bool(names.get("programme_published"))
    shared: dict[str, Any] = {
        "id": series["id"],
        "slug": series["slug"],
        "title": series["title"],
        "kind": series["kind"],
        "summary": series["summary"],
        "description": series["description"],
        "format": series["format"],
        "location": series["location"],
        "registration_mode": series["registration_mode"],
        "capacity": series["capacity"],
        "waitlist": bool(series["waitlist"]),
        "together": bool(series["together"]),
        "admission": series["admission"],
        "rrule": series["rrule"],
        "first_start": series["first_start"],
        "duration_minutes": series["duration_minutes"],
        "timezone": series["timezone"],
        "tags": db.json_strings(series["tags"]),
        "status": series["status"],
        "contact_email": series["contact_email"],
        "organisation_id": series["organisation"],
        "organisation_name": names.get("organisation_name") or "",
        "organisation_slug": names.get("organisation_slug") or "",
        "consent_text": names.get("consent_text") or "",
        "consent_text_en": names.get("consent_text_en") or "",
        "consent_language": names.get("consent_language") or "nl",
        "content_note": series["content_note"],
        "needs_days": names.get("needs_days", 7),
        "programme_slug": names.get("programme_slug") if programme else None,
        "programme_title": names.get("programme_title") if programme else None,
    }
    if public:
        return SeriesView(
            **shared,
            hosts=tuple(HostView(h["account_id"], h["name"], "") for h in hosts),
            speakers=tuple(PersonView(s["name"], s["role"], s["bio"]) for s in speakers),
        )
    return SeriesView(
        **shared,
        hosts=tuple(HostView(h["account_id"], h["name"], h["email"]) for h in hosts),
        speakers=tuple(person(s) for s in speakers),
        programme_id=series["programme"],
        meeting_url=series["meeting_url"],
        meeting_details=series["meeting_details"],
        link_visibility=series["link_visibility"],
        registration_opens_at=series["registration_opens_at"],
        registration_closes_at=series["registration_closes_at"],
        language=series["language"],
        reminder_hours=series["reminder_hours"],
        aftercare_text=series["aftercare_text"],
        aftercare_hours=series["aftercare_hours"],
        confirm_first=series["confirm_first"],
        published=bool(series["published"]),
        materialised_until=series["materialised_until"],
        next_dates=await _next_dates(series["id"]),
        created_at=series["created_at"],
        updated_at=series["updated_at"],
        warnings=tuple(warnings),
    )


def date_view(
    row: dict[str, Any],
    now: datetime,
    *,
    public: bool,
    speakers: Sequence[PersonView] = (),
    materials: Sequence[MaterialView] = (),
    own_speakers: Sequence[PersonView] = (),
    hosts: Sequence[HostView] = (),
    warnings: Sequence[str] = (),
) -> DateView:
    """One date (its row as the module says) as read at ``now``; see the module for
    ``public``."""
    link = not public or row["series_link_visibility"] == Series.LinkVisibility.everyone
    # The programme a date belongs to, when it is published (rows without it: none).
    in_programme = bool(row.get("programme_published")) and row.get("programme_slug") is not None
    for_organisers: dict[str, Any] = {}
    if not public:
        for_organisers = {
            "uid": row["uid"],
            "sequence": row["sequence"],
            "waiting_count": row["waiting_count"],
            "hosts": tuple(hosts),
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
            "warnings": tuple(warnings),
        }
    return DateView(
        id=row["id"],
        series_id=row["series"],
        series_slug=row["series_slug"],
        series_title=row["series_title"],
        series_summary=row["series_summary"],
        organisation_name=row["organisation_name"],
        organisation_slug=row["organisation_slug"],
        kind=row["series_kind"],
        format=row["series_format"],
        status=row["status"],
        status_reason=row["status_reason"],
        status_cause=row.get("status_cause") or "",
        topic=row["topic"],
        note=row["note"],
        local_start=row["local_start"],
        local_end=row["local_end"],
        timezone=row["timezone"],
        starts_at=row["starts_at"],
        ends_at=row["ends_at"],
        rule_start=row["rule_start"],
        own_capacity=row["capacity"],
        own_location=row["location"],
        own_meeting_url=row["meeting_url"] if link else "",
        own_meeting_details=row["meeting_details"] if link else "",
        series_capacity=row["series_capacity"],
        series_location=row["series_location"],
        series_meeting_url=row["series_meeting_url"] if link else "",
        series_meeting_details=row["series_meeting_details"] if link else "",
        confirmed_count=row["confirmed_count"],
        waitlist=bool(row["series_waitlist"]),
        link_visibility=row["series_link_visibility"],
        registration_mode=row["series_registration_mode"],
        opens_at=row["series_registration_opens_at"],
        closes_at=row["series_registration_closes_at"],
        series_status=row["series_status"],
        series_published=bool(row["series_published"]),
        read_at=now,
        speakers=tuple(speakers),
        materials=tuple(materials),
        own_speakers=tuple(own_speakers),
        programme_slug=row["programme_slug"] if in_programme else None,
        programme_title=row["programme_title"] if in_programme else "",
        **for_organisers,
    )
