"""Organisers group series into programmes: a workshop week to pick from, a course or a
multi-day training to register for as a whole."""

from __future__ import annotations

import msgspec
from litestar import Controller, delete, get, patch, post, put
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_204_NO_CONTENT

from events_app.accounts.credentials import Actor
from events_app.domain.schedule import parse_time
from events_app.domain.sessions import SessionInput
from events_app.programmes import planning as programmes
from events_app.programmes import sessions
from events_app.web.api.schemas import given, out
from events_app.web.api.schemas_dates import (
    ProgrammeCreate,
    ProgrammeDetail,
    ProgrammeOut,
    ProgrammeUpdate,
    SessionCreate,
)
from events_app.web.api.types import IdQuery
from events_app.web.auth import provide_actor

__all__ = ["ProgrammeController"]


class ProgrammeController(Controller):
    path = "/api/v1/programmes"
    tags = ["programmes"]
    dependencies = {"actor": provide_actor}

    @post("/", summary="Create a programme")
    async def create(
        self, actor: NamedDependency[Actor], data: JSONBody[ProgrammeCreate]
    ) -> ProgrammeDetail:
        details = msgspec.structs.asdict(data)
        organisation_id = details.pop("organisation_id")
        programme_id = await programmes.create_programme(actor, organisation_id, details)
        return out(await programmes.get_programme(actor, programme_id), ProgrammeDetail)

    @get("/", summary="My organisations' programmes")
    async def list_programmes(
        self, actor: NamedDependency[Actor], organisation_id: IdQuery = None
    ) -> list[ProgrammeOut]:
        rows = await programmes.list_programmes(actor, organisation_id)
        return out(rows, list[ProgrammeOut])

    @get("/{programme_id:int}", summary="A programme with its series and their dates")
    async def read(
        self, actor: NamedDependency[Actor], programme_id: FromPath[int]
    ) -> ProgrammeDetail:
        return out(await programmes.get_programme(actor, programme_id), ProgrammeDetail)

    @patch("/{programme_id:int}", summary="Change a programme")
    async def update(
        self,
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
        data: JSONBody[ProgrammeUpdate],
    ) -> ProgrammeDetail:
        await programmes.update_programme(actor, programme_id, given(data))
        return out(await programmes.get_programme(actor, programme_id), ProgrammeDetail)

    @delete(
        "/{programme_id:int}",
        summary="Delete a programme (its series stay)",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def remove(self, actor: NamedDependency[Actor], programme_id: FromPath[int]) -> None:
        await programmes.delete_programme(actor, programme_id)

    @post(
        "/{programme_id:int}/sessions",
        summary="Add a session (a one-off series in the programme)",
        description="A workshop week made in one place: each session becomes a one-off series "
        "of kind 'workshop' in the programme, with its speakers, published when the programme "
        "is. A refusal names its field ('day', 'start_time', 'end_time', 'location', ...). The "
        "programme comes back with its sessions in date order.",
    )
    async def add_session(
        self,
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
        data: JSONBody[SessionCreate],
    ) -> ProgrammeDetail:
        session = SessionInput(
            title=data.title,
            day=data.day,
            start=parse_time(data.start_time, "start_time"),
            end=parse_time(data.end_time, "end_time"),
            format=data.format,
            location=data.location,
            meeting_url=data.meeting_url,
            capacity=data.capacity,
            speakers=tuple(data.speakers),
        )
        await sessions.add_session(actor, programme_id, session)
        return out(await programmes.get_programme(actor, programme_id), ProgrammeDetail)

    @put("/{programme_id:int}/series/{series_id:int}", summary="Put a series in the programme")
    async def attach(
        self,
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
        series_id: FromPath[int],
    ) -> ProgrammeDetail:
        await programmes.attach(actor, programme_id, series_id)
        return out(await programmes.get_programme(actor, programme_id), ProgrammeDetail)

    @delete(
        "/{programme_id:int}/series/{series_id:int}",
        summary="Take a series out of the programme",
        status_code=HTTP_204_NO_CONTENT,
    )
    async def detach(
        self,
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
        series_id: FromPath[int],
    ) -> None:
        await programmes.detach(actor, programme_id, series_id)
