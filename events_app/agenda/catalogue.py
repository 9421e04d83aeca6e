"""Read-only queries for what the public pages list: organisations, programmes, series, topics.

Published data only.  A series comes as a :class:`~events_app.agenda.dates.SeriesView`; the
dates themselves are read by :mod:`events_app.agenda.public`.
"""

from __future__ import annotations

from typing import Any

from events_app import db
from events_app.agenda import build
from events_app.agenda.dates import SeriesView
from events_app.tables import Organisation, Programme, Series

__all__ = [
    "organisation_by_slug",
    "organisations",
    "programme_by_slug",
    "programmes_of",
    "series_by_slug",
    "series_list",
    "topic_series",
    "topics",
]

S = Series


async def topic_series(topic: str) -> list[int]:
    """Ids of the published series tagged with ``topic``."""
    rows = await S.select(S.id, S.tags).where(S.published.eq(True))
    return [row["id"] for row in rows if topic in db.json_strings(row["tags"])]


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
    return sorted({tag for row in rows for tag in db.json_strings(row["tags"])}, key=str.casefold)


async def series_by_slug(slug: str) -> SeriesView | None:
    """A published series with its organisation, programme (if published), hosts' names and
    speakers, as everyone may see it (built by :func:`~events_app.agenda.build.series_view`)."""
    row = await S.select().where((S.slug == slug) & S.published.eq(True)).first()
    return None if row is None else await build.series_view(row, public=True)


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
            Programme.organisation.needs_days.as_alias("needs_days"),
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
