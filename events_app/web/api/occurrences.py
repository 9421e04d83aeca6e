"""Organisers change one date: overrides, skip, cancel, restore, move, speakers and hosts
(its materials: :mod:`.materials`).  Every answer is the date as it now is (with DST warnings
after a move)."""

from __future__ import annotations

from litestar import Controller, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from events_app.accounts.credentials import Actor
from events_app.series import dates as occurrences
from events_app.series import people
from events_app.tables import Occurrence
from events_app.web.api.schemas import HostsIn, Reason, SpeakersIn, given
from events_app.web.api.schemas_dates import (
    DateMove,
    DateUpdate,
    OccurrenceOut,
    occurrence_out,
)
from events_app.web.api.series import speaker_inputs
from events_app.web.auth import provide_actor

__all__ = ["OccurrenceController"]


async def _date_out(
    actor: Actor, occurrence_id: int, warnings: list[str] | None = None
) -> OccurrenceOut:
    return occurrence_out(await occurrences.get_date(actor, occurrence_id, warnings=warnings))


class OccurrenceController(Controller):
    path = "/api/v1/occurrences/{occurrence_id:int}"
    tags = ["dates"]
    dependencies = {"actor": provide_actor}

    @get("/", summary="One date with its effective values and counts")
    async def read(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int]
    ) -> OccurrenceOut:
        return await _date_out(actor, occurrence_id)

    @patch("/", summary="Override topic, note, capacity, place, link or details of one date")
    async def update(
        self,
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
        data: JSONBody[DateUpdate],
    ) -> OccurrenceOut:
        await occurrences.update_date(actor, occurrence_id, given(data))
        return await _date_out(actor, occurrence_id)

    @post("/skip", summary="Skip this date (a holiday)", status_code=HTTP_200_OK)
    async def skip(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int], data: JSONBody[Reason]
    ) -> OccurrenceOut:
        await occurrences.call_off(actor, occurrence_id, Occurrence.Status.skipped, data.reason)
        return await _date_out(actor, occurrence_id)

    @post("/cancel", summary="Cancel this date, with a reason", status_code=HTTP_200_OK)
    async def cancel(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int], data: JSONBody[Reason]
    ) -> OccurrenceOut:
        await occurrences.call_off(actor, occurrence_id, Occurrence.Status.cancelled, data.reason)
        return await _date_out(actor, occurrence_id)

    @post("/restore", summary="Put a skipped or cancelled date back on", status_code=HTTP_200_OK)
    async def restore(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int]
    ) -> OccurrenceOut:
        await occurrences.restore(actor, occurrence_id)
        return await _date_out(actor, occurrence_id)

    @post("/move", summary="Move this date to another day or time", status_code=HTTP_200_OK)
    async def move(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int], data: JSONBody[DateMove]
    ) -> OccurrenceOut:
        warnings = await occurrences.move(
            actor, occurrence_id, data.local_start, data.local_end, data.duration_minutes
        )
        return await _date_out(actor, occurrence_id, warnings)

    @put("/speakers", summary="Replace the speakers of this date")
    async def speakers(
        self,
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
        data: JSONBody[SpeakersIn],
    ) -> OccurrenceOut:
        await people.set_speakers(actor, speaker_inputs(data), occurrence_id=occurrence_id)
        return await _date_out(actor, occurrence_id)

    @put("/hosts", summary="Replace the hosts of this date")
    async def hosts(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int], data: JSONBody[HostsIn]
    ) -> OccurrenceOut:
        await people.set_hosts(actor, data.account_ids, occurrence_id=occurrence_id)
        return await _date_out(actor, occurrence_id)
