"""Read-only queries for what the public pages list: organisations, programmes, series, topics.

Published data only.  A series comes as a :class:`~events_app.agenda.dates.SeriesView`; the
dates themselves are read by :mod:`events_app.agenda.public`.
"""

from __future__ import annotations

import json
from typing import Any

from events_app.agenda.dates import HostView, PersonView, SeriesView
from events_app.tables import Organisation, Programme, Series, SeriesHost, Speaker

__all__ = [
    "organisation_by_slug",
    "organisations",
    "programme_by_slug",
    "programmes_of",
    "series_by_slug",
    "series_list",
    "tags_of",
    "topic_series",
    "topics",
]

S = Series


def tags_of(value: Any) -> tuple[str, ...]:
    """A series' tags, whether the driver gave the JSON column back as text or as a list."""
    loaded = json.loads(value) if isinstance(value, str | bytes) else value
    return tuple(str(tag) for tag in loaded or ())


async def topic_series(topic: str) -> list[int]:
    """Ids of the published series tagged with ``topic``."""
    rows = await S.select(S.id, S.tags).where(S.published.eq(True))
    return [row["id"] for row in rows if topic in tags_of(row["tags"])]


async def organisations() -> list[dict[str, Any]]:
    """Organisations that have at least one published series (for the agenda filter)."""
    published = S.select(S.organisation).where(S.published.eq(True))
    return list(
        await Organisation.select(Organisation.slug, Organisation.name)
        .where(Organisation.id.is_in(published))
        .order_by(Organisation.name)
    )


async def topics() -> list[str]:
    rows = await S.select(S.tags).where(S.published.eq(True))
    return sorted({tag for row in rows for tag in tags_of(row["tags"])}, key=str.casefold)


async def _hosts(series_id: int) -> tuple[HostView, ...]:
    """The series' hosts, names only (their addresses are not for the public)."""
    rows = await SeriesHost.select(
        SeriesHost.account.as_alias("account_id"), SeriesHost.account.name.as_alias("name")
    ).where((SeriesHost.series == series_id) & SeriesHost.occurrence.is_null())
    return tuple(HostView(row["account_id"], row["name"], "") for row in rows)


async def series_by_slug(slug: str) -> SeriesView | None:
    """A published series with its organisation, programme, hosts' names and speakers."""
    row = (
        await S.select(
            S.id,
            S.slug,
            S.title,
            S.kind,
            S.summary,
            S.description,
            S.format,
            S.location,
            S.registration_mode,
            S.capacity,
            S.waitlist,
            S.together,
            S.rrule,
            S.first_start,
            S.duration_minutes,
            S.timezone,
            S.tags,
            S.status,
            S.contact_email,
            S.organisation,
            S.organisation.name.as_alias("organisation_name"),
            S.organisation.slug.as_alias("organisation_slug"),
            S.organisation.consent_text.as_alias("consent_text"),
            S.organisation.consent_text_en.as_alias("consent_text_en"),
            S.organisation.language.as_alias("consent_language"),
            S.programme.slug.as_alias("programme_slug"),
            S.programme.title.as_alias("programme_title"),
            S.programme.published.as_alias("programme_published"),
        )
        .where((S.slug == slug) & S.published.eq(True))
        .first()
    )
    if row is None:
        return None
    speakers = await Speaker.select(Speaker.name, Speaker.role, Speaker.bio).where(
        (Speaker.series == row["id"]) & Speaker.occurrence.is_null()
    )
    shown = bool(row["programme_published"])
    return SeriesView(
        id=row["id"],
        slug=row["slug"],
        title=row["title"],
        kind=row["kind"],
        summary=row["summary"],
        description=row["description"],
        format=row["format"],
        location=row["location"],
        registration_mode=row["registration_mode"],
        capacity=row["capacity"],
        waitlist=bool(row["waitlist"]),
        together=bool(row["together"]),
        rrule=row["rrule"],
        first_start=row["first_start"],
        duration_minutes=row["duration_minutes"],
        timezone=row["timezone"],
        tags=tags_of(row["tags"]),
        status=row["status"],
        contact_email=row["contact_email"],
        organisation_id=row["organisation"],
        organisation_name=row["organisation_name"],
        organisation_slug=row["organisation_slug"],
        consent_text=row["consent_text"] or "",
        consent_text_en=row["consent_text_en"] or "",
        consent_language=row["consent_language"] or "nl",
        programme_slug=row["programme_slug"] if shown else None,
        programme_title=row["programme_title"] if shown else None,
        hosts=await _hosts(row["id"]),
        speakers=tuple(PersonView(s["name"], s["role"], s["bio"]) for s in speakers),
    )


async def series_list(
    *, organisation_id: int | None = None, programme_id: int | None = None
) -> list[dict[str, Any]]:
    query = S.select(S.id, S.slug, S.title, S.summary, S.kind, S.format).where(S.published.eq(True))
    if organisation_id is not None:
        query = query.where(S.organisation == organisation_id)
    if programme_id is not None:
        query = query.where(S.programme == programme_id)
    return list(await query.order_by(S.title))


async def programme_by_slug(slug: str) -> dict[str, Any] | None:
    return await (
        Programme.select(
            Programme.id,
            Programme.slug,
            Programme.title,
            Programme.summary,
            Programme.description,
            Programme.selection,
            Programme.organisation,
            Programme.organisation.name.as_alias("organisation_name"),
            Programme.organisation.slug.as_alias("organisation_slug"),
            Programme.organisation.consent_text.as_alias("consent_text"),
            Programme.organisation.consent_text_en.as_alias("consent_text_en"),
            Programme.organisation.language.as_alias("consent_language"),
        )
        .where((Programme.slug == slug) & Programme.published.eq(True))
        .first()
    )


async def programmes_of(organisation_id: int) -> list[dict[str, Any]]:
    return list(
        await Programme.select(Programme.slug, Programme.title, Programme.summary)
        .where((Programme.organisation == organisation_id) & Programme.published.eq(True))
        .order_by(Programme.title)
    )


async def organisation_by_slug(slug: str) -> dict[str, Any] | None:
    return await (
        Organisation.select(Organisation.id, Organisation.slug, Organisation.name)
        .where(Organisation.slug == slug)
        .first()
    )
