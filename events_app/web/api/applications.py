"""Applications in the API: apply (public, no account) and, for a date's hosts and organisers,
the applications with their answers, accept and decline.

``POST /api/v1/applications`` answers 202 with what was asked for only, the same whether or
not the address applied before; the outcome and the private link go to the mailbox.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from events_app.accounts.credentials import Actor
from events_app.domain.applications import MAX_MESSAGE
from events_app.hosting import applications as deciding
from events_app.registration import applications
from events_app.web.api.types import Id
from events_app.web.auth import provide_actor

__all__ = ["ApplicationController", "ApplyController"]


class ApplicationCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Annotated[str, msgspec.Meta(max_length=200)]
    email: Annotated[str, msgspec.Meta(max_length=254)]
    date_id: Id  # for an event registered as one: any of its days (the whole event)
    language: Annotated[str, msgspec.Meta(max_length=2)] | None = None
    role: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    needs: Annotated[str, msgspec.Meta(max_length=2000)] | None = None
    answers: dict[str, str | bool] = {}
    consent: bool = False
    attendance: Literal["on_site", "online"] | None = None


class ApplicationReceived(msgspec.Struct):
    """What the request asked for; the outcome goes to the mailbox."""

    email: str
    date_ids: list[int]
    message: str


RECEIVED_MESSAGE = (
    "Received. An e-mail to this address confirms the application, with a private link to see "
    "it or withdraw it. An application takes no place until the organisers accept it."
)


class ApplicationOut(msgspec.Struct):
    id: int
    status: str
    name: str
    email: str
    role: str | None
    needs: str
    answers: dict[str, Any]
    language: str
    attendance: str | None
    message: str  # the words sent with a decline ("" for the default text)
    created_at: datetime
    decided_at: datetime | None
    registration_id: int | None


class ApplicationList(msgspec.Struct):
    date_id: int
    pending: list[ApplicationOut]
    accepted: list[ApplicationOut]
    declined: list[ApplicationOut]
    questions: dict[str, str]  # question id -> its label, for the answers


class Decline(msgspec.Struct, forbid_unknown_fields=True):
    # Empty: the default kind text in the person's language.
    message: Annotated[str, msgspec.Meta(max_length=MAX_MESSAGE)] = ""


class Accepted(msgspec.Struct):
    registration_id: int
    status: str  # "confirmed" (a place) or "waiting"


class ApplyController(Controller):
    path = "/api/v1/applications"
    tags = ["applications"]

    @post("/", summary="Apply for a date (no account needed)", status_code=HTTP_202_ACCEPTED)
    async def apply(self, data: JSONBody[ApplicationCreate]) -> ApplicationReceived:
        """For a series that takes applications.  The answer is the same whether or not the
        address applied before."""
        applied = await applications.apply(
            [data.date_id],
            name=data.name,
            email=data.email,
            language=data.language,
            role=data.role,
            needs=data.needs,
            answers=dict(data.answers),
            consent=data.consent,
            attendance=data.attendance,
        )
        return ApplicationReceived(
            email=data.email.strip(), date_ids=list(applied), message=RECEIVED_MESSAGE
        )


class ApplicationController(Controller):
    path = "/api/v1"
    tags = ["applications"]
    dependencies = {"actor": provide_actor}

    @get("/dates/{date_id:int}/applications", summary="Applications for one date")
    async def list_applications(
        self, actor: NamedDependency[Actor], date_id: FromPath[int]
    ) -> ApplicationList:
        rows = await deciding.applications_for_date(actor, date_id)

        def shown(status: str) -> list[ApplicationOut]:
            return [
                msgspec.convert(a, ApplicationOut, from_attributes=True)
                for a in rows
                if a.status == status
            ]

        return ApplicationList(
            date_id=date_id,
            pending=shown("pending"),
            accepted=shown("accepted"),
            declined=shown("declined"),
            questions=await deciding.question_labels(actor, date_id),
        )

    @post(
        "/applications/{application_id:int}/accept",
        summary="Accept an application: a place, or the waiting list when full",
        status_code=HTTP_200_OK,
    )
    async def accept(
        self, actor: NamedDependency[Actor], application_id: FromPath[int]
    ) -> Accepted:
        receipt = await deciding.accept(actor, application_id)
        outcome = min(receipt.outcomes, key=lambda o: o.date_id)
        return Accepted(registration_id=outcome.registration_id, status=outcome.status)

    @post(
        "/applications/{application_id:int}/decline",
        summary="Decline an application with kind words",
        status_code=HTTP_200_OK,
    )
    async def decline(
        self,
        actor: NamedDependency[Actor],
        application_id: FromPath[int],
        data: JSONBody[Decline],
    ) -> dict[str, str]:
        await deciding.decline(actor, application_id, message=data.message)
        return {"status": "declined"}
