"""Sign-up lists for hosts and organisers, CSV export, and organisers' manual changes."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK

from events_app.accounts.credentials import Actor
from events_app.hosting import signups
from events_app.web.api.types import WallClock
from events_app.web.auth import provide_actor

__all__ = ["SignupController"]


class Signup(msgspec.Struct):
    id: int
    status: str
    name: str
    email: str
    role: str | None
    needs: str
    answers: dict[str, Any]
    language: str
    attended: bool | None
    source: str
    created_at: datetime
    position: int | None = None
    cancelled_at: datetime | None = None
    hold_until: datetime | None = None  # "confirm first": not confirmed by the person yet
    attendance: str | None = None  # a hybrid date: "on_site" or "online"


class SignupList(msgspec.Struct):
    date_id: int
    title: str
    local_start: WallClock
    timezone: str
    status: str
    capacity: int | None
    confirmed_count: int
    waiting_count: int
    confirmed: list[Signup]
    waiting: list[Signup]
    cancelled: list[Signup]
    # A hybrid date: of those with a place, how many come on site and how many online (null
    # for a date that is not hybrid).
    on_site_count: int | None = None
    online_count: int | None = None


class Added(msgspec.Struct):
    """The registration the organiser made (never the person's private links: those are the
    person's alone and reach them by mail)."""

    date_id: int
    registration_id: int
    status: str
    already_registered: bool


class AddPerson(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=200)]
    email: Annotated[str, msgspec.Meta(max_length=254)]
    language: Annotated[str, msgspec.Meta(max_length=2)] | None = None
    role: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    needs: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    answers: dict[str, str | bool] = {}
    attendance: Literal["on_site", "online"] | None = None  # a hybrid date (may stay open)


def _signups(rows: list[dict[str, Any]]) -> list[Signup]:
    return [msgspec.convert(row, Signup, from_attributes=False, strict=False) for row in rows]


class SignupController(Controller):
    path = "/api/v1"
    tags = ["sign-up lists"]
    dependencies = {"actor": provide_actor}

    @get("/dates/{date_id:int}/signups", summary="Sign-up list of one date")
    async def list_signups(
        self, actor: NamedDependency[Actor], date_id: FromPath[int]
    ) -> SignupList:
        data = await signups.signup_list(actor, date_id)
        occ = data["event_date"]
        return SignupList(
            date_id=occ["id"],
            title=occ["title"],
            local_start=occ["local_start"],
            timezone=occ["timezone"],
            status=occ["status"],
            capacity=data["capacity"],
            confirmed_count=occ["confirmed_count"],
            waiting_count=occ["waiting_count"],
            confirmed=_signups(data["confirmed"]),
            waiting=_signups(data["waiting"]),
            cancelled=_signups(data["cancelled"]),
            on_site_count=data["attendance"]["on_site"] if data["hybrid"] else None,
            online_count=data["attendance"]["online"] if data["hybrid"] else None,
        )

    @get(
        "/dates/{date_id:int}/signups.csv",
        summary="Sign-up list as CSV (UTF-8, for Excel and LibreOffice)",
        media_type="text/csv",
    )
    async def export_csv(
        self, actor: NamedDependency[Actor], date_id: FromPath[int]
    ) -> Response[str]:
        body = await signups.signup_csv(actor, date_id)
        return Response(
            body,
            media_type="text/csv",
            headers={"Content-Disposition": f'attachment; filename="signups-{date_id}.csv"'},
        )

    @post("/dates/{date_id:int}/signups", summary="Add someone by hand")
    async def add(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: JSONBody[AddPerson],
    ) -> Added:
        receipt = await signups.add_by_hand(
            actor,
            date_id,
            name=data.name,
            email=data.email,
            language=data.language,
            role=data.role,
            needs=data.needs,
            answers=dict(data.answers),
            attendance=data.attendance,
        )
        outcome = receipt.outcomes[0]
        return Added(
            date_id=outcome.date_id,
            registration_id=outcome.registration_id,
            status=outcome.status,
            already_registered=outcome.already_registered,
        )

    @post(
        "/registrations/{registration_id:int}/cancel",
        summary="Cancel someone's registration",
        status_code=HTTP_200_OK,
    )
    async def cancel(
        self, actor: NamedDependency[Actor], registration_id: FromPath[int]
    ) -> dict[str, str]:
        await signups.cancel_by_organiser(actor, registration_id)
        return {"status": "cancelled"}

    @post(
        "/registrations/{registration_id:int}/promote",
        summary="Move someone from the waiting list onto the date",
        status_code=HTTP_200_OK,
    )
    async def promote(
        self, actor: NamedDependency[Actor], registration_id: FromPath[int]
    ) -> dict[str, str]:
        await signups.promote(actor, registration_id)
        return {"status": "confirmed"}
