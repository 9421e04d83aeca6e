"""Organisers' view of mail: what was sent to whom and when, failures, retry; and writing to
everyone registered for a date."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from events_app.accounts.credentials import Actor
from events_app.hosting import mail_log as organiser
from events_app.web.api.types import IdQuery
from events_app.web.auth import provide_actor

__all__ = ["MailLogController"]


class MailOut(msgspec.Struct):
    id: int
    kind: str
    status: str
    to_email: str
    to_name: str
    language: str
    date_id: int | None
    registration_id: int | None
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    next_attempt_at: datetime
    last_error: str
    message_id: str


class MailList(msgspec.Struct):
    mails: list[MailOut]


class MessageIn(msgspec.Struct, forbid_unknown_fields=True):
    subject: Annotated[str, msgspec.Meta(min_length=1, max_length=organiser.MAX_SUBJECT)]
    body: Annotated[str, msgspec.Meta(min_length=1, max_length=organiser.MAX_BODY)]
    include_waiting: bool = False


class MessageQueued(msgspec.Struct):
    queued: int


def _out(row: dict[str, Any]) -> MailOut:
    return MailOut(
        id=row["id"],
        kind=row["kind"],
        status=row["status"],
        to_email=row["to_email"],
        to_name=row["to_name"],
        language=row["language"],
        date_id=row["event_date"],
        registration_id=row["registration"],
        attempts=row["attempts"],
        created_at=row["created_at"],
        sent_at=row["sent_at"],
        next_attempt_at=row["next_attempt_at"],
        last_error=row["last_error"],
        message_id=row["message_id"],
    )


class MailLogController(Controller):
    path = "/api/v1"
    tags = ["mail"]
    dependencies = {"actor": provide_actor}

    @get("/organisations/{organisation_id:int}/mails", summary="Mails of an organisation")
    async def list_mails(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        status: FromQuery[str | None] = None,
        before_id: IdQuery = None,
        limit: FromQuery[int] = 100,
    ) -> MailList:
        rows = await organiser.mail_log(
            actor, organisation_id, status=status, before_id=before_id, limit=limit
        )
        return MailList(mails=[_out(row) for row in rows])

    @post("/mails/{mail_id:int}/retry", summary="Send a failed mail again", status_code=HTTP_200_OK)
    async def retry(self, actor: NamedDependency[Actor], mail_id: FromPath[int]) -> MailOut:
        return _out(await organiser.retry(actor, mail_id))

    @post(
        "/dates/{date_id:int}/message",
        summary="Write to everyone registered for a date",
        status_code=HTTP_202_ACCEPTED,
    )
    async def message(
        self,
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
        data: JSONBody[MessageIn],
    ) -> MessageQueued:
        queued = await organiser.message_registrants(
            actor,
            date_id,
            subject=data.subject,
            body=data.body,
            include_waiting=data.include_waiting,
        )
        return MessageQueued(queued=queued)
