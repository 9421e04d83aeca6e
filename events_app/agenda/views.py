"""Read models of series and dates for organisers: rows plus what is derived from them.

A series comes with its rule in Dutch and English words and its next dates; a date with its
effective values (its own override, else the series'), whether it was moved, its speakers,
hosts and materials.  The API turns these dicts into its response types; the web pages will
use the same ones.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from events_app import clock
from events_app.agenda.dates import rule_text as words
from events_app.domain.seats import effective_capacity
from events_app.tables import Material, Occurrence, Registration, SeriesHost, Speaker

__all__ = ["NEXT_DATES", "occurrence_views", "rule_text", "series_view", "waiting_position"]

NEXT_DATES = 5
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


async def series_view(series: dict[str, Any], *, warnings: Sequence[str] = ()) -> dict[str, Any]:
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
    speakers = await _speakers(series["id"], None)
    hosts = await _hosts(series["id"], None)
    return {
        **{name: series[name] for name in SERIES_FIELDS},
        "organisation_id": series["organisation"],
        "programme_id": series["programme"],
        "rule": series["rrule"],
        "rule_text": rule_text(series),
        "next_dates": upcoming,
        "speakers": [_without(s, "occurrence") for s in speakers],
        "hosts": [_without(h, "occurrence") for h in hosts],
        "warnings": list(warnings),
    }


def _without(row: dict[str, Any], key: str) -> dict[str, Any]:
    return {k: v for k, v in row.items() if k != key}


async def occurrence_views(
    rows: Sequence[dict[str, Any]], series: dict[str, Any], *, warnings: Sequence[str] = ()
) -> list[dict[str, Any]]:
    """Dates of one series, with their own speakers, hosts and materials (3 queries in all)."""
    ids = [row["id"] for row in rows]
    speakers: dict[int, list[dict[str, Any]]] = defaultdict(list)
    hosts: dict[int, list[dict[str, Any]]] = defaultdict(list)
    materials: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for speaker in await _speakers(series["id"], ids):
        speakers[speaker["occurrence"]].append(_without(speaker, "occurrence"))
    for host in await _hosts(series["id"], ids):
        hosts[host["occurrence"]].append(_without(host, "occurrence"))
    if ids:
        for material in await (
            Material.select(Material.id, Material.title, Material.url, Material.occurrence)
            .where(Material.occurrence.is_in(ids))
            .order_by(Material.id)
        ):
            materials[material["occurrence"]].append(_without(material, "occurrence"))
    return [
        _occurrence(row, series, speakers[row["id"]], hosts[row["id"]], materials[row["id"]])
        | {"warnings": list(warnings)}
        for row in rows
    ]


def _fallback(own: Any, series_value: Any) -> Any:
    return series_value if own is None else own


def _occurrence(
    row: dict[str, Any],
    series: dict[str, Any],
    speakers: list[dict[str, Any]],
    hosts: list[dict[str, Any]],
    materials: list[dict[str, Any]],
) -> dict[str, Any]:
    rule_start = row["rule_start"]
    moved = rule_start is not None and rule_start != row["local_start"]
    return {
        "id": row["id"],
        "series_id": row["series"],
        "uid": row["uid"],
        "sequence": row["sequence"],
        "status": row["status"],
        "status_reason": row["status_reason"],
        "local_start": row["local_start"],
        "local_end": row["local_end"],
        "timezone": row["timezone"],
        "starts_at": row["starts_at"],
        "ends_at": row["ends_at"],
        "extra": rule_start is None,
        "moved": moved,
        "moved_from": rule_start if moved else None,
        "topic": row["topic"],
        "note": row["note"],
        "capacity": row["capacity"],
        "location": row["location"],
        "meeting_url": row["meeting_url"],
        "meeting_details": row["meeting_details"],
        "effective": {
            "capacity": effective_capacity(row["capacity"], series["capacity"]),
            "location": _fallback(row["location"], series["location"]),
            "meeting_url": _fallback(row["meeting_url"], series["meeting_url"]),
            "meeting_details": _fallback(row["meeting_details"], series["meeting_details"]),
        },
        "confirmed_count": row["confirmed_count"],
        "waiting_count": row["waiting_count"],
        "speakers": speakers,
        "hosts": hosts,
        "materials": materials,
        "created_at": row["created_at"],
        "updated_at": row["updated_at"],
    }


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
