"""Programmes: series that belong together, picked from or registered for as a whole.

A workshop week is five one-date series in a programme with selection "pick" (people choose
workshops); a course is one series of six dates in a programme with selection "whole"
(register once for all); a two-day training is one series of two dates, possibly in a
"whole" programme.  The dates themselves live in the series, so each workshop keeps its own
time, room or link, host and capacity.
"""

from __future__ import annotations

from typing import Any

from events_app import audit, clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.agenda import views
from events_app.domain import slugs
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.seats import effective_capacity
from events_app.series import details as series_details
from events_app.series.planning import organisation_of
from events_app.tables import EventDate, Programme, Series

__all__ = [
    "attach",
    "create_programme",
    "delete_programme",
    "detach",
    "get_programme",
    "list_programmes",
    "update_programme",
]

FIELDS = (
    "id", "slug", "title", "summary", "description", "selection", "language", "published",
    "created_at", "updated_at",
)  # fmt: skip


async def _checked(values: dict[str, Any], *, current: int | None) -> dict[str, Any]:
    values = dict(values)
    if "title" in values:
        values["title"] = " ".join(values["title"].split())
        if not values["title"]:
            raise DomainError("title_missing", "Give the programme a title.", field="title")
    if values.get("slug") is None:
        values.pop("slug", None)
        return values
    slug = slugs.check_slug(values["slug"])
    clash = Programme.exists().where(Programme.slug == slug)
    if current is not None:
        clash = clash.where(Programme.id != current)
    if await clash:
        raise Conflict("slug_taken", f"The address '{slug}' is already in use.", field="slug")
    return values


async def _audit(actor: Actor, programme: dict[str, Any], action: str, **detail: Any) -> None:
    await audit.record(
        action,
        "programme",
        programme["id"],
        organisation_id=programme["organisation"],
        account_id=actor.account_id,
        detail=detail,
    )


async def create_programme(
    actor: Actor, organisation_id: int | None, details: dict[str, Any]
) -> int:
    organisation = await organisation_of(actor, organisation_id)
    if not details.get("title", "").strip():
        raise DomainError("title_missing", "Give the programme a title.", field="title")
    now = clock.now()
    async with db.transaction():
        values = await _checked(details, current=None)
        if "slug" not in values:
            base = slugs.slugify(values["title"])
            values["slug"] = await series_details.free_slug(base, table=Programme)
        rows = await Programme.insert(
            Programme(organisation=organisation["id"], created_at=now, updated_at=now, **values)
        ).returning(Programme.id)
        programme_id = int(rows[0]["id"])
        await _audit(
            actor,
            {"id": programme_id, "organisation": organisation["id"]},
            "programme_created",
            title=values["title"],
        )
    return programme_id


async def list_programmes(actor: Actor, organisation_id: int | None = None) -> list[dict[str, Any]]:
    mine = actor.organiser_of()
    if organisation_id is not None:
        if organisation_id not in mine:
            raise owned.not_found()
        mine = [organisation_id]
    rows = (
        await Programme.select()
        .where(Programme.organisation.is_in(mine or [0]))
        .order_by(Programme.id)
    )
    return [_programme(row) for row in rows]


def _programme(row: dict[str, Any]) -> dict[str, Any]:
    return {**{k: row[k] for k in FIELDS}, "organisation_id": row["organisation"]}


async def get_programme(actor: Actor, programme_id: int) -> dict[str, Any]:
    """The programme with its series and every date of each, in time order."""
    programme = await owned.programme_for(actor, programme_id)
    series = await Series.select().where(Series.programme == programme_id)
    dates = await (
        EventDate.select()
        .where(
            EventDate.series.is_in([s["id"] for s in series] or [0])
            & EventDate.removed_at.is_null()
        )
        .order_by(EventDate.starts_at)
    )
    by_series: dict[int, list[dict[str, Any]]] = {s["id"]: [] for s in series}
    capacity = {s["id"]: s["capacity"] for s in series}
    for row in dates:
        by_series[row["series"]].append(
            {
                "id": row["id"],
                "local_start": row["local_start"],
                "local_end": row["local_end"],
                "starts_at": row["starts_at"],
                "ends_at": row["ends_at"],
                "status": row["status"],
                "topic": row["topic"],
                "capacity": effective_capacity(row["capacity"], capacity[row["series"]]),
                "confirmed_count": row["confirmed_count"],
                "waiting_count": row["waiting_count"],
            }
        )
    sessions = [
        {
            "id": s["id"],
            "slug": s["slug"],
            "title": s["title"],
            "kind": s["kind"],
            "status": s["status"],
            "published": s["published"],
            "format": s["format"],
            "location": s["location"],
            "capacity": s["capacity"],
            "rule_text": views.rule_text(s),
            "dates": by_series[s["id"]],
        }
        for s in series
    ]
    sessions.sort(
        key=lambda s: (s["dates"][0]["starts_at"] if s["dates"] else clock.now(), s["id"])
    )
    return {**_programme(programme), "series": sessions}


async def update_programme(actor: Actor, programme_id: int, details: dict[str, Any]) -> None:
    async with db.transaction():
        programme = await owned.programme_for(actor, programme_id)
        values = await _checked(details, current=programme_id)
        changed: dict[Any, Any] = {k: v for k, v in values.items() if programme[k] != v}
        if not changed:
            return
        await Programme.update({**changed, "updated_at": clock.now()}).where(
            Programme.id == programme_id
        )
        await _audit(actor, programme, "programme_updated", fields=sorted(changed))


async def delete_programme(actor: Actor, programme_id: int) -> None:
    """The programme goes; its series stay, on their own."""
    async with db.transaction():
        programme = await owned.programme_for(actor, programme_id)
        await _audit(actor, programme, "programme_deleted", title=programme["title"])
        await Series.update({Series.programme: None}).where(Series.programme == programme_id)
        await Programme.delete().where(Programme.id == programme_id)


async def attach(actor: Actor, programme_id: int, series_id: int) -> None:
    await _set_programme(actor, series_id, programme_id, programme_id)


async def detach(actor: Actor, programme_id: int, series_id: int) -> None:
    await _set_programme(actor, series_id, programme_id, None)


async def _set_programme(
    actor: Actor, series_id: int, programme_id: int, value: int | None
) -> None:
    async with db.transaction():
        programme = await owned.programme_for(actor, programme_id)
        series = await owned.series_for(actor, series_id, lock=True)
        if series["organisation"] != programme["organisation"]:
            raise DomainError(
                "other_organisation",
                "A programme holds series of its own organisation only.",
                field="series_id",
            )
        if value is None and series["programme"] != programme_id:
            raise owned.not_found()
        await Series.update({Series.programme: value, Series.updated_at: clock.now()}).where(
            Series.id == series_id
        )
        action = "programme_series_attached" if value else "programme_series_detached"
        await _audit(actor, programme, action, series_id=series_id)
