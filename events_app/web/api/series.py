"""Organisers plan series: create, read, edit, publish, cancel, end, delete; speakers, hosts,
extra dates and a preview of a repeat rule.  Only the caller's own organisations' series
exist for them: any other id is a 404."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody, QueryParameter
from litestar.status_codes import HTTP_200_OK, HTTP_204_NO_CONTENT

from events_app.accounts.credentials import Actor
from events_app.domain import rrules, schedule
from events_app.series import dates as event_dates
from events_app.series import lifecycle as series_lifecycle
from events_app.series import people
from events_app.series import planning as series
from events_app.series.planning import ScheduleInput
from events_app.tables import Series
from events_app.web.api.schemas import (
    EndIn,
    HostsIn,
    Reason,
    RecurrenceIn,
    ScheduleFields,
    SeriesCreate,
    SeriesOut,
    SeriesSummary,
    SeriesUpdate,
    SpeakersIn,
    given,
    out,
    series_out,
)
from events_app.web.api.schemas_dates import (
    DateCreate,
    DateOut,
    PreviewIn,
    PreviewOut,
    date_out,
)
from events_app.web.api.types import IdQuery
from events_app.web.auth import provide_actor

__all__ = ["RulePreviewController", "SeriesController", "schedule_input"]

SCHEDULE = tuple(ScheduleFields.__struct_fields__)


def _choice(data: RecurrenceIn) -> schedule.Choice:
    nth = data.month_weekday
    return schedule.Choice(
        freq=data.freq,
        interval=data.interval,
        weekdays=schedule.weekday_numbers(data.weekdays),
        month_day=data.month_day,
        month_weekday=(nth.nth, rrules.DAYS.index(nth.weekday)) if nth else None,
        until=data.until,
        count=data.count,
    )


def schedule_input(values: dict[str, Any]) -> ScheduleInput:
    """The schedule fields that were sent; an explicit ``rule: null`` means "no repeat"."""
    when = {k: v for k, v in values.items() if k in SCHEDULE and k != "recurrence"}
    if "rule" in when and when["rule"] is None:
        when["rule"] = ""
    choice = values.get("recurrence")
    return ScheduleInput(**when, recurrence=_choice(choice) if choice else None)


async def _series_out(actor: Actor, series_id: int, warnings: list[str] | None = None) -> SeriesOut:
    return series_out(await series.get_series(actor, series_id, warnings=warnings))


class SeriesController(Controller):
    path = "/api/v1/series"
    tags = ["series"]
    dependencies = {"actor": provide_actor}

    @post("/", summary="Create a series (or a one-off event) and its dates")
    async def create(
        self, actor: NamedDependency[Actor], data: JSONBody[SeriesCreate]
    ) -> SeriesOut:
        values = msgspec.structs.asdict(data)
        details = {k: v for k, v in values.items() if k not in SCHEDULE and k != "organisation_id"}
        when = schedule_input({k: v for k, v in values.items() if v is not None})
        series_id, warnings = await series.create_series(actor, data.organisation_id, when, details)
        return await _series_out(actor, series_id, warnings)

    @get("/", summary="My organisations' series")
    async def list_series(
        self,
        actor: NamedDependency[Actor],
        organisation_id: IdQuery = None,
        programme_id: IdQuery = None,
        status: FromQuery[Series.Status | None] = None,
    ) -> list[SeriesSummary]:
        rows = await series.list_series(
            actor, organisation_id=organisation_id, programme_id=programme_id, status=status
        )
        return out(rows, list[SeriesSummary])

    @get("/{series_id:int}", summary="One series with its rule in words and next dates")
    async def read(self, actor: NamedDependency[Actor], series_id: FromPath[int]) -> SeriesOut:
        return await _series_out(actor, series_id)

    @patch("/{series_id:int}", summary="Change details, or the schedule from a date on")
    async def update(
        self, actor: NamedDependency[Actor], series_id: FromPath[int], data: JSONBody[SeriesUpdate]
    ) -> SeriesOut:
        values = given(data)
        effective_from = values.pop("effective_from", None)
        details = {k: v for k, v in values.items() if k not in SCHEDULE}
        warnings = await series.update_series(
            actor,
            series_id,
            details,
            when=schedule_input(values),
            effective_from=effective_from,
        )
        return await _series_out(actor, series_id, warnings)

    @delete(
        "/{series_id:int}",
        summary="Delete a series nobody registered for",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove(self, actor: NamedDependency[Actor], series_id: FromPath[int]) -> None:
        await series_lifecycle.delete_series(actor, series_id)

    @post("/{series_id:int}/cancel", summary="Cancel the series", status_code=HTTP_200_OK)
    async def cancel(
        self, actor: NamedDependency[Actor], series_id: FromPath[int], data: JSONBody[Reason]
    ) -> SeriesOut:
        await series_lifecycle.cancel_series(actor, series_id, data.reason)
        return await _series_out(actor, series_id)

    @post("/{series_id:int}/end", summary="End the series from a date on", status_code=HTTP_200_OK)
    async def end(
        self, actor: NamedDependency[Actor], series_id: FromPath[int], data: JSONBody[EndIn]
    ) -> SeriesOut:
        await series_lifecycle.end_series(actor, series_id, data.from_date)
        return await _series_out(actor, series_id)

    @post("/{series_id:int}/publish", summary="Publish", status_code=HTTP_200_OK)
    async def publish(self, actor: NamedDependency[Actor], series_id: FromPath[int]) -> SeriesOut:
        await series.set_published(actor, series_id, True)
        return await _series_out(actor, series_id)

    @post("/{series_id:int}/unpublish", summary="Unpublish", status_code=HTTP_200_OK)
    async def unpublish(self, actor: NamedDependency[Actor], series_id: FromPath[int]) -> SeriesOut:
        await series.set_published(actor, series_id, False)
        return await _series_out(actor, series_id)

    @get("/{series_id:int}/dates", summary="The series' dates (every status)")
    async def dates(
        self,
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
        start: Annotated[date | None, QueryParameter(name="from")] = None,
        end: Annotated[date | None, QueryParameter(name="to")] = None,
    ) -> list[DateOut]:
        rows = await event_dates.list_dates(actor, series_id, start=start, end=end)
        return [date_out(row) for row in rows]

    @post("/{series_id:int}/dates", summary="Add a date outside the rule")
    async def add_date(
        self, actor: NamedDependency[Actor], series_id: FromPath[int], data: JSONBody[DateCreate]
    ) -> DateOut:
        extra = msgspec.structs.asdict(data)
        for key in ("local_start", "local_end", "duration_minutes"):
            extra.pop(key)
        date_id, warnings = await event_dates.add_date(
            actor, series_id, data.local_start, data.local_end, data.duration_minutes, extra
        )
        view = await event_dates.get_date(actor, date_id, warnings=warnings)
        return date_out(view)

    @put("/{series_id:int}/speakers", summary="Replace the speakers of the whole series")
    async def speakers(
        self, actor: NamedDependency[Actor], series_id: FromPath[int], data: JSONBody[SpeakersIn]
    ) -> SeriesOut:
        await people.set_speakers(actor, speaker_inputs(data), series_id=series_id)
        return await _series_out(actor, series_id)

    @put("/{series_id:int}/hosts", summary="Replace the hosts of the whole series")
    async def hosts(
        self, actor: NamedDependency[Actor], series_id: FromPath[int], data: JSONBody[HostsIn]
    ) -> SeriesOut:
        await people.set_hosts(actor, data.account_ids, series_id=series_id)
        return await _series_out(actor, series_id)


def speaker_inputs(data: SpeakersIn) -> list[people.SpeakerInput]:
    return [people.SpeakerInput(s.name, s.bio, s.url, s.role) for s in data.speakers]


class RulePreviewController(Controller):
    path = "/api/v1/rules"
    tags = ["series"]
    dependencies = {"actor": provide_actor}

    @post("/preview", summary="A repeat rule in words and its next dates", status_code=HTTP_200_OK)
    async def preview(self, actor: NamedDependency[Actor], data: JSONBody[PreviewIn]) -> PreviewOut:
        values = {k: v for k, v in msgspec.structs.asdict(data).items() if v is not None}
        result = await series.preview(actor, schedule_input(values), data.limit)
        return out(result, PreviewOut)
