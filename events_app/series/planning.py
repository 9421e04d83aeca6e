"""Planning series: create, read, list, edit the details, publish and unpublish.

A one-off event (a lecture, a network evening) is a series without a rule.  Creating a series
writes its dates at once (see :mod:`events_app.series.materialise`).  Changing *when* it
happens is :mod:`events_app.series.schedule_changes`; cancelling, ending and deleting are
:mod:`events_app.series.lifecycle`.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from typing import Any

from events_app import audit, clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.agenda import build, views
from events_app.agenda.dates import SeriesView
from events_app.domain import recurrence, schedule, slugs, wallclock
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.schedule import ScheduleInput
from events_app.registration import seats
from events_app.series import dates, materialise, schedule_changes
from events_app.series import details as series_details
from events_app.tables import EventDate, Organisation, Series

__all__ = [
    "ScheduleInput",
    "create_series",
    "get_series",
    "list_series",
    "organisation_of",
    "preview",
    "set_published",
    "update_series",
]


async def organisation_of(actor: Actor, organisation_id: int | None) -> dict[str, Any]:
    """The organisation asked for, or the caller's only one; 404 when it is not theirs."""
    if organisation_id is None:
        mine = actor.organiser_of()
        if len(mine) != 1:
            raise DomainError(
                "organisation_missing",
                "You organise for several organisations: give 'organisation_id'.",
                field="organisation_id",
            )
        organisation_id = mine[0]
    actor.require_organiser(organisation_id)
    row = await Organisation.select().where(Organisation.id == organisation_id).first()
    if row is None:
        raise owned.not_found()
    return row


async def create_series(
    actor: Actor,
    organisation_id: int | None,
    when: ScheduleInput,
    details: dict[str, Any],
    *,
    skip_days: Collection[date] = (),
) -> tuple[int, list[str]]:
    """A new series with its dates up to the horizon; returns its id and DST warnings.

    ``skip_days`` (holidays chosen in the builder) are skipped in the same transaction, so a
    series never exists without them.  A day that is not one of the written dates is left
    alone: the builder checks the days against its preview before saving."""
    organisation = await organisation_of(actor, organisation_id)
    tz = when.timezone or organisation["timezone"]
    wallclock.validate_timezone(tz)
    rule = schedule.resolve_rule(when.rule, when.recurrence, tz)
    first = schedule.resolve_start(when.first_start, when.start_date, when.start_time, default=None)
    duration = schedule.resolve_duration(first, when.duration_minutes, when.end_time, default=None)
    starts_at = wallclock.to_utc(first, tz)
    now = clock.now()
    schedule.check_future(starts_at, now, "first_start")
    if not details.get("title", "").strip():
        raise DomainError("title_missing", "Give the series a title.", field="title")
    async with db.transaction():
        values = await series_details.checked(details, organisation["id"], current=None)
        series_details.check_window(
            {
                "registration_opens_at": values.get("registration_opens_at"),
                "registration_closes_at": values.get("registration_closes_at"),
            }
        )
        if "slug" not in values:
            values["slug"] = await series_details.free_slug(slugs.slugify(values["title"]))
        rows = await Series.insert(
            Series(
                organisation=organisation["id"],
                rrule=rule,
                timezone=tz,
                first_start=first,
                duration_minutes=duration // timedelta(minutes=1),
                status=Series.Status.active,
                created_at=now,
                updated_at=now,
                **values,
            )
        ).returning(Series.id)
        series_id = int(rows[0]["id"])
        until = materialise.horizon_for(starts_at)
        await materialise.materialise(series_id, until)
        if skip_days:
            await _skip(actor, series_id, set(skip_days))
        if values.get("together"):
            await series_details.check_whole_event(
                {
                    "id": series_id,
                    "rrule": rule,
                    "first_start": first,
                    "duration_minutes": duration // timedelta(minutes=1),
                    "timezone": tz,
                }
            )
        await audit.record(
            "series_created",
            "series",
            series_id,
            organisation_id=organisation["id"],
            account_id=actor.account_id,
            detail={"title": values["title"], "rule": rule, "first_start": first.isoformat()},
        )
    slots = recurrence.expand(rule, first, duration, tz, window_start=now, window_end=until)
    return series_id, schedule.dst_warnings(slots, first.time())


async def _skip(actor: Actor, series_id: int, days: set[date]) -> None:
    rows = await EventDate.select(EventDate.id, EventDate.local_start).where(
        EventDate.series == series_id
    )
    for row in sorted(rows, key=lambda r: r["local_start"]):
        if row["local_start"].date() in days:
            await dates.call_off(actor, int(row["id"]), EventDate.Status.skipped, "")


async def get_series(
    actor: Actor, series_id: int, *, warnings: list[str] | None = None
) -> SeriesView:
    series = await owned.series_for(actor, series_id)
    return await build.series_view(series, warnings=warnings or ())


async def list_series(
    actor: Actor,
    *,
    organisation_id: int | None = None,
    programme_id: int | None = None,
    status: str | None = None,
) -> list[dict[str, Any]]:
    """The caller's series (of one organisation, if given), newest first, with the next date."""
    mine = actor.organiser_of()
    if organisation_id is not None:
        if organisation_id not in mine:
            raise owned.not_found()
        mine = [organisation_id]
    query = Series.select().where(Series.organisation.is_in(mine or [0]))
    if programme_id is not None:
        query = query.where(Series.programme == programme_id)
    if status is not None:
        query = query.where(Series.status == status)
    rows = await query.order_by(Series.first_start, ascending=False).order_by(Series.id)
    next_starts: dict[int, Any] = {}
    if rows:
        upcoming = await (
            EventDate.select(EventDate.series, EventDate.starts_at)
            .where(
                EventDate.series.is_in([row["id"] for row in rows])
                & (EventDate.status == EventDate.Status.scheduled)
                & (EventDate.starts_at > clock.now())
            )
            .order_by(EventDate.starts_at, ascending=False)
        )
        next_starts = {row["series"]: row["starts_at"] for row in upcoming}  # earliest wins
    return [
        {
            **{name: row[name] for name in views.SERIES_FIELDS},
            "organisation_id": row["organisation"],
            "programme_id": row["programme"],
            "rule": row["rrule"],
            "rule_text": views.rule_text(row),
            "next_start": next_starts.get(row["id"]),
        }
        for row in rows
    ]


async def update_series(
    actor: Actor,
    series_id: int,
    details: dict[str, Any],
    *,
    when: ScheduleInput | None = None,
    effective_from: date | None = None,
) -> list[str]:
    """Change details and, if given, the schedule, in one transaction; returns DST warnings."""
    warnings: list[str] = []
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        if details and when is not None and when.given():
            # Both parts lock dates: take every one of them first, at once, in the global order
            # (date id), so neither part adds locks below one the other already holds.
            ahead = await EventDate.select(EventDate.id).where(
                (EventDate.series == series_id) & (EventDate.starts_at > clock.now())
            )
            await seats.lock_dates([row["id"] for row in ahead])
        if details:
            await series_details.apply(actor, series, details)
        if when is not None and when.given():
            if series["together"]:
                await series_details.refuse_if_registered(
                    series_id,
                    "together_schedule_registered",
                    "People have registered for these dates as one: move single dates "
                    "instead of changing the schedule.",
                    "rule",
                )
            warnings = await schedule_changes.change_schedule(
                actor, series_id, when, effective_from=effective_from
            )
        elif effective_from is not None:
            raise DomainError(
                "nothing_to_change",
                "'effective_from' goes with a new rule, start time or duration.",
                field="effective_from",
            )
    return warnings


async def set_published(actor: Actor, series_id: int, published: bool) -> None:
    """Unpublished series disappear from public pages and feeds; organisers still see them."""
    async with db.transaction():
        series = await owned.series_for(actor, series_id, lock=True)
        if series["status"] == Series.Status.cancelled and published:
            raise Conflict("series_cancelled", "A cancelled series cannot be published again.")
        await Series.update({Series.published: published, Series.updated_at: clock.now()}).where(
            Series.id == series_id
        )
        await audit.record(
            "series_published" if published else "series_unpublished",
            "series",
            series_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
        )


async def preview(actor: Actor, when: ScheduleInput, limit: int) -> dict[str, Any]:
    """A rule in words and its next dates, for the rule builder; nothing is stored."""
    mine = actor.organiser_of()
    tz = when.timezone
    if tz is None and len(mine) == 1:
        organisation = await organisation_of(actor, mine[0])
        tz = organisation["timezone"]
    tz = tz or wallclock.DEFAULT_TZ
    wallclock.validate_timezone(tz)
    rule = schedule.resolve_rule(when.rule, when.recurrence, tz)
    first = schedule.resolve_start(when.first_start, when.start_date, when.start_time, default=None)
    duration = schedule.resolve_duration(first, when.duration_minutes, when.end_time, default=None)
    slots = recurrence.next_dates(rule, first, duration, tz, after=clock.now(), limit=limit)
    minutes = duration // timedelta(minutes=1)
    return {
        "rule": rule,
        "rule_text": views.rule_text(
            {"rrule": rule, "first_start": first, "duration_minutes": minutes}
        ),
        "timezone": tz,
        "dates": [
            {
                "local_start": s.local_start,
                "local_end": s.local_end,
                "starts_at": s.starts_at,
                "ends_at": s.ends_at,
            }
            for s in slots
        ],
        "warnings": schedule.dst_warnings(slots, first.time()),
    }
