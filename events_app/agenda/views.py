"""Read models of series and dates for organisers: rows plus what is derived from them.

A series comes with its rule in Dutch and English words and its next dates; a date is a
:class:`~events_app.agenda.dates.DateView` (the same type the public pages read) filled with
what organisers see too: its own overrides, link, hosts, counts and materials.  The API turns
these into its response types; the organiser pages read them as they are.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from events_app import clock
from events_app.agenda.catalogue import tags_of
from events_app.agenda.dates import (
    DateView,
    HostView,
    MaterialView,
    NextDate,
    PersonView,
    SeriesView,
)
from events_app.agenda.dates import rule_text as words
from events_app.tables import (
    Material,
    Occurrence,
    Organisation,
    Registration,
    Series,
    SeriesHost,
    Speaker,
)

__all__ = [
    "NEXT_DATES",
    "SERIES_FIELDS",
    "occurrence_views",
    "rule_text",
    "series_view",
    "waiting_position",
]

NEXT_DATES = 5
# The series columns a list of series sends (the API's SeriesSummary).
SERIES_FIELDS = (
    "id", "slug", "title", "kind", "summary", "description", "format", "location",
    "meeting_url", "meeting_details", "link_visibility", "registration_mode", "capacity",
    "waitlist", "registration_opens_at", "registration_closes_at", "timezone", "first_start",
    "duration_minutes", "materialised_until", "language", "tags", "contact_email",
    "reminder_hours", "confirm_first", "published", "status", "created_at", "updated_at",
)  # fmt: skip
SPEAKER_FIELDS = (Speaker.id, Speaker.name, Speaker.bio, Speaker.url, Speaker.role)


def rule_text(series: dict[str, Any]) -> dict[str, str]:
    return words(series["rrule"], series["first_start"], series["duration_minutes"])


async def _speakers(series_id: int, occurrence_ids: Sequence[int] | None) -> list[dict[str, Any]]:
    query = Speaker.select(*SPEAKER_FIELDS, Speaker.occurrence).where(Speaker.series == series_id)
    if occurrence_ids is None:
        query = query.where(Speaker.occurrence.is_null())
    else:
        query = query.where(Speaker.occurrence.is_in(list(occurrence_ids) or [0]))
    return list(await query.order_by(Speaker.position).order_by(Speaker.id))


async def _hosts(series_id: int, occurrence_ids: Sequence[int] | None) -> list[dict[str, Any]]:
    query = SeriesHost.select(
        SeriesHost.account.as_alias("account_id"),
        SeriesHost.account.name.as_alias("name"),
        SeriesHost.account.email.as_alias("email"),
        SeriesHost.occurrence,
    ).where(SeriesHost.series == series_id)
    if occurrence_ids is None:
        query = query.where(SeriesHost.occurrence.is_null())
    else:
        query = query.where(SeriesHost.occurrence.is_in(list(occurrence_ids) or [0]))
    return list(await query.order_by(SeriesHost.id))


async def series_view(series: dict[str, Any], *, warnings: Sequence[str] = ()) -> SeriesView:
    """A series with everything organisers see: link, hosts' addresses, its next dates."""
    upcoming = await (
        Occurrence.select(
            Occurrence.id,
            Occurrence.local_start,
            Occurrence.local_end,
            Occurrence.starts_at,
            Occurrence.ends_at,
            Occurrence.status,
            Occurrence.topic,
        )
        .where(
            (Occurrence.series == series["id"])
            & (Occurrence.status == Occurrence.Status.scheduled)
            & (Occurrence.starts_at > clock.now())
        )
        .order_by(Occurrence.starts_at)
        .limit(NEXT_DATES)
    )
    names = (
        await Series.select(
            Series.organisation.name.as_alias("organisation_name"),
            Series.organisation.slug.as_alias("organisation_slug"),
            Series.organisation.consent_text.as_alias("consent_text"),
            Series.organisation.consent_text_en.as_alias("consent_text_en"),
            Series.organisation.language.as_alias("consent_language"),
            Series.programme.slug.as_alias("programme_slug"),
            Series.programme.title.as_alias("programme_title"),
        )
        .where(Series.id == series["id"])
        .first()
        or {}
    )
    hosts = await _hosts(series["id"], None)
    return SeriesView(
        id=series["id"],
        slug=series["slug"],
        title=series["title"],
        kind=series["kind"],
        summary=series["summary"],
        description=series["description"],
        format=series["format"],
        location=series["location"],
        registration_mode=series["registration_mode"],
        capacity=series["capacity"],
        waitlist=bool(series["waitlist"]),
        rrule=series["rrule"],
        first_start=series["first_start"],
        duration_minutes=series["duration_minutes"],
        timezone=series["timezone"],
        tags=tags_of(series["tags"]),
        status=series["status"],
        contact_email=series["contact_email"],
        organisation_id=series["organisation"],
        organisation_name=names.get("organisation_name") or "",
        organisation_slug=names.get("organisation_slug") or "",
        consent_text=names.get("consent_text") or "",
        consent_text_en=names.get("consent_text_en") or "",
        consent_language=names.get("consent_language") or "nl",
        programme_slug=names.get("programme_slug"),
        programme_title=names.get("programme_title"),
        hosts=tuple(HostView(h["account_id"], h["name"], h["email"]) for h in hosts),
        speakers=tuple(_person(s) for s in await _speakers(series["id"], None)),
        programme_id=series["programme"],
        meeting_url=series["meeting_url"],
        meeting_details=series["meeting_details"],
        link_visibility=series["link_visibility"],
        registration_opens_at=series["registration_opens_at"],
        registration_closes_at=series["registration_closes_at"],
        language=series["language"],
        reminder_hours=series["reminder_hours"],
        confirm_first=series["confirm_first"],
        published=bool(series["published"]),
        materialised_until=series["materialised_until"],
        next_dates=tuple(NextDate(**row) for row in upcoming),
        created_at=series["created_at"],
        updated_at=series["updated_at"],
        warnings=tuple(warnings),
    )


async def occurrence_views(
    rows: Sequence[dict[str, Any]], series: dict[str, Any], *, warnings: Sequence[str] = ()
) -> list[DateView]:
    """Dates of one series, with their speakers, hosts and materials (5 queries in all)."""
    ids = [row["id"] for row in rows]
    speakers: dict[int | None, list[PersonView]] = defaultdict(list)
    hosts: dict[int, list[HostView]] = defaultdict(list)
    materials: dict[int, list[MaterialView]] = defaultdict(list)
    for found in await _speakers(series["id"], ids) + await _speakers(series["id"], None):
        speakers[found["occurrence"]].append(_person(found))
    for host in await _hosts(series["id"], ids):
        hosts[host["occurrence"]].append(HostView(host["account_id"], host["name"], host["email"]))
    if ids:
        for material in await (
            Material.select(*MaterialView.columns())
            .where(Material.occurrence.is_in(ids))
            .order_by(Material.id)
        ):
            materials[material["occurrence"]].append(MaterialView.of(material))
    organisation = await Organisation.select(Organisation.name, Organisation.slug).where(
        Organisation.id == series["organisation"]
    ).first() or {"name": "", "slug": ""}
    now = clock.now()
    return [
        DateView(
            id=row["id"],
            series_id=row["series"],
            series_slug=series["slug"],
            series_title=series["title"],
            series_summary=series["summary"],
            organisation_name=organisation["name"],
            organisation_slug=organisation["slug"],
            kind=series["kind"],
            format=series["format"],
            status=row["status"],
            status_reason=row["status_reason"],
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
            own_meeting_url=row["meeting_url"],
            own_meeting_details=row["meeting_details"],
            series_capacity=series["capacity"],
            series_location=series["location"],
            series_meeting_url=series["meeting_url"],
            series_meeting_details=series["meeting_details"],
            confirmed_count=row["confirmed_count"],
            waitlist=bool(series["waitlist"]),
            link_visibility=series["link_visibility"],
            registration_mode=series["registration_mode"],
            opens_at=series["registration_opens_at"],
            closes_at=series["registration_closes_at"],
            series_status=series["status"],
            series_published=bool(series["published"]),
            read_at=now,
            speakers=tuple(speakers[row["id"]] or speakers[None]),
            materials=tuple(materials[row["id"]]),
            own_speakers=tuple(speakers[row["id"]]),
            uid=row["uid"],
            sequence=row["sequence"],
            waiting_count=row["waiting_count"],
            hosts=tuple(hosts[row["id"]]),
            created_at=row["created_at"],
            updated_at=row["updated_at"],
            warnings=tuple(warnings),
        )
        for row in rows
    ]


def _person(row: dict[str, Any]) -> PersonView:
    return PersonView(row["name"], row["role"], row["bio"], row["url"], row["id"])


async def waiting_position(registration_id: int) -> int | None:
    """1-based place on the waiting list, derived from the order of joining (so never gaps)."""
    row = (
        await Registration.select(
            Registration.occurrence, Registration.status, Registration.waiting_since
        )
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None or row["status"] != Registration.Status.waiting:
        return None
    ahead = await Registration.count().where(
        (Registration.occurrence == row["occurrence"])
        & (Registration.status == Registration.Status.waiting)
        & (
            (Registration.waiting_since < row["waiting_since"])
            | (
                (Registration.waiting_since == row["waiting_since"])
                & (Registration.id < registration_id)
            )
        )
    )
    return int(ahead) + 1
