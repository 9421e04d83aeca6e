"""The rows a batch of mails is about, read by id in one query per table."""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from events_app.tables import (
    Application,
    EventDate,
    Material,
    Organisation,
    Registration,
    Speaker,
)

__all__ = [
    "MATERIAL_COLUMNS",
    "applications_by_id",
    "dates_by_id",
    "materials_by_date",
    "organisations_by_id",
    "registrations_by_id",
    "speakers_by_date",
]

_SERIES = (
    "title",
    "slug",
    "summary",
    "format",
    "location",
    "meeting_url",
    "meeting_details",
    "contact_email",
    "organisation",
    "status",
    "capacity",
    "kind",
    "link_visibility",
    "registration_mode",
    "waitlist",
    "together",
    "aftercare_text",
    "tags",
    "updated_at",
)


async def dates_by_id(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    columns = [getattr(EventDate.series, name).as_alias(f"series_{name}") for name in _SERIES]
    rows = await EventDate.select(*EventDate.all_columns(), *columns).where(
        EventDate.id.is_in(list(ids))
    )
    for row in rows:
        if isinstance(row["series_tags"], str):  # JSON through a join arrives as text
            row["series_tags"] = json.loads(row["series_tags"] or "[]")
    return {row["id"]: row for row in rows}


async def registrations_by_id(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Registration.select(
        Registration.id, Registration.event_date, Registration.attendee, Registration.name,
        Registration.email, Registration.language, Registration.status,
        Registration.anonymised_at, Registration.hold_until, Registration.attended,
        Registration.attendance, Registration.created_at, Registration.updated_at,
        Registration.attendee.manage_token.as_alias("manage_token"),
        Registration.attendee.feed_token.as_alias("feed_token"),
    ).where(Registration.id.is_in(list(ids)))  # fmt: skip
    return {row["id"]: row for row in rows}


async def organisations_by_id(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Organisation.select(
        Organisation.id,
        Organisation.name,
        Organisation.slug,
        Organisation.contact_email,
        Organisation.language,
        Organisation.timezone,
    ).where(Organisation.id.is_in(list(ids)))
    return {row["id"]: row for row in rows}


async def speakers_by_date(
    event_dates: Iterable[dict[str, Any]],
) -> dict[int, list[dict[str, Any]]]:
    """Speakers per date: the date's own, else the series'."""
    dates = list(event_dates)
    if not dates:
        return {}
    series_ids = list({row["series"] for row in dates})
    rows = (
        await Speaker.select(Speaker.series, Speaker.event_date, Speaker.name, Speaker.role)
        .where(Speaker.series.is_in(series_ids))
        .order_by(Speaker.position)
        .order_by(Speaker.id)
    )
    result: dict[int, list[dict[str, Any]]] = {}
    for date in dates:
        own = [r for r in rows if r["event_date"] == date["id"]]
        shared = [r for r in rows if r["series"] == date["series"] and not r["event_date"]]
        result[date["id"]] = own or shared
    return result


MATERIAL_COLUMNS = (Material.id, Material.event_date, Material.kind, Material.title, Material.url)


async def materials_by_date(date_ids: set[int]) -> dict[int, list[dict[str, Any]]]:
    if not date_ids:
        return {}
    rows = await Material.select(*MATERIAL_COLUMNS).where(Material.event_date.is_in(list(date_ids)))
    result: dict[int, list[dict[str, Any]]] = {}
    for row in sorted(rows, key=lambda row: row["id"]):
        result.setdefault(row["event_date"], []).append(row)
    return result


async def applications_by_id(ids: set[int]) -> dict[int, dict[str, Any]]:
    if not ids:
        return {}
    rows = await Application.select(
        Application.id,
        Application.name,
        Application.email,
        Application.status,
        Application.message,
        Application.anonymised_at,
        Application.attendee,
        Application.attendee.manage_token.as_alias("manage_token"),
    ).where(Application.id.is_in(sorted(ids)))
    return {row["id"]: row for row in rows}
