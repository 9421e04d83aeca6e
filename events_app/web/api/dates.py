"""Organisers change one date: overrides, skip, cancel, restore, move, speakers and hosts
(its materials: :mod:`.materials`).  Every answer is the date as it now is (with DST warnings
after a move)."""

from __future__ import annotations

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from events_app.accounts.credentials import Actor
from events_app.series import dates as event_dates
from events_app.series import people
from events_app.tables import EventDate
from events_app.web.api.schemas import HostsIn, Reason, SpeakersIn, given
from events_app.web.api.schemas_dates import (
    DateMove,
    DateOut,
    DateUpdate,
    date_out,
)
from events_app.web.api.series import speaker_inputs
from events_app.web.auth import provide_actor

__all__ = ["DateController"]


async def _date_out(actor: Actor, date_id: int, warnings: list[str] | None = None) -> DateOut:
    return date_out(await event_dates.get_date(actor, date_id, warnings=warnings))


class DateController(Controller):
    path = "/api/v1/dates/{date_id:int}"
    tags = ["dates"]
    dependencies = {"actor": provide_actor}

    @get("/", summary="One date with its effective values and counts")
    async def read(self, actor: NamedDependency[Actor], date_id: FromPath[int]) -> DateOut:
        return await _date_out(actor, date_id)

    @patch("/", summary="Override topic, note, capacity, place, link or details of one date")
    async def update(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: JSONBody[DateUpdate],
    ) -> DateOut:
        await event_dates.update_date(actor, date_id, given(data))
        return await _date_out(actor, date_id)

    @post("/skip", summary="Skip this date (a holiday)", status_code=HTTP_200_OK)
    async def skip(
        self, actor: NamedDependency[Actor], date_id: FromPath[int], data: JSONBody[Reason]
    ) -> DateOut:
        await event_dates.call_off(actor, date_id, EventDate.Status.skipped, data.reason)
        return await _date_out(actor, date_id)

    @post("/cancel", summary="Cancel this date, with a reason", status_code=HTTP_200_OK)
    async def cancel(
        self, actor: NamedDependency[Actor], date_id: FromPath[int], data: JSONBody[Reason]
    ) -> DateOut:
        await event_dates.call_off(actor, date_id, EventDate.Status.cancelled, data.reason)
        return await _date_out(actor, date_id)

    @post("/restore", summary="Put a skipped or cancelled date back on", status_code=HTTP_200_OK)
    async def restore(self, actor: NamedDependency[Actor], date_id: FromPath[int]) -> DateOut:
        await event_dates.restore(actor, date_id)
        return await _date_out(actor, date_id)

    @post("/move", summary="Move this date to another day or time", status_code=HTTP_200_OK)
    async def move(
        self, actor: NamedDependency[Actor], date_id: FromPath[int], data: JSONBody[DateMove]
    ) -> DateOut:
        warnings = await event_dates.move(
            actor, date_id, data.local_start, data.local_end, data.duration_minutes
        )
        return await _date_out(actor, date_id, warnings)

    @put("/speakers", summary="Replace the speakers of this date")
    async def speakers(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: JSONBody[SpeakersIn],
    ) -> DateOut:
        await people.set_speakers(actor, speaker_inputs(data), date_id=date_id)
        return await _date_out(actor, date_id)

    @put("/hosts", summary="Replace the hosts of this date")
    async def hosts(
        self, actor: NamedDependency[Actor], date_id: FromPath[int], data: JSONBody[HostsIn]
    ) -> DateOut:
        await people.set_hosts(actor, data.account_ids, date_id=date_id)
        return await _date_out(actor, date_id)
