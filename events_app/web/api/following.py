"""Following in the JSON API: the public follow request, and the organiser's side (follower
counts, announcements sent and sending one).  Organisers never see addresses."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec
from litestar import Controller, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_201_CREATED, HTTP_202_ACCEPTED
from msgspec import Meta

from events_app.accounts.credentials import Actor
from events_app.registration import announcements, following
from events_app.web.api.types import Id
from events_app.web.auth import provide_actor

__all__ = ["AnnouncementController", "FollowController"]


class FollowRequest(msgspec.Struct, forbid_unknown_fields=True):
    """Follow an organisation (neither ``series_id`` nor ``topic``), one series or one topic."""

    email: Annotated[str, Meta(max_length=254)]
    organisation: Annotated[str, Meta(min_length=1, max_length=120)]
    series_id: Id | None = None
    topic: Annotated[str, Meta(max_length=40)] = ""
    digest: Literal["daily", "weekly"] = "daily"
    language: Literal["nl", "en"] = "nl"


class FollowAccepted(msgspec.Struct):
    """Always the same answer: a mail with a link to confirm went to the address, if it could
    follow this and had no such mail today."""

    status: Literal["check_your_mailbox"] = "check_your_mailbox"


class FollowerCountOut(msgspec.Struct):
    target: str  # "organisation", "series:<id>" or "topic:<tag>"
    what: str  # the series' title or the topic (empty for the organisation)
    confirmed: int


class AnnouncementIn(msgspec.Struct, forbid_unknown_fields=True):
    """To all confirmed followers, or (``series_id`` or ``topic``) to those of one of them."""

    subject: Annotated[str, Meta(min_length=1, max_length=200)]
    body: Annotated[str, Meta(min_length=1, max_length=20_000)]
    date_ids: Annotated[list[Id], Meta(max_length=announcements.MAX_DATES)] = []
    series_id: Id | None = None
    topic: Annotated[str, Meta(max_length=40)] = ""


class AnnouncementOut(msgspec.Struct):
    id: int
    subject: str
    audience: str  # "all", "series:<id>" or "topic:<tag>"
    sent_at: datetime
    recipients: int


class FollowController(Controller):
    path = "/api/v1/follow"
    tags = ["following"]

    @post(
        "/",
        summary="Follow an organisation, a series or a topic (double opt-in by mail)",
        status_code=HTTP_202_ACCEPTED,
    )
    async def follow(self, data: JSONBody[FollowRequest]) -> FollowAccepted:
        """The answer never tells whether the address follows already; at most one mail with
        a link to confirm goes to an address a day."""
        await following.request_follow(
            data.email,
            data.organisation,
            series_id=data.series_id,
            topic=data.topic,
            digest=data.digest,
            language=data.language,
        )
        return FollowAccepted()


class AnnouncementController(Controller):
    path = "/api/v1/organisations/{organisation_id:int}"
    tags = ["following"]
    dependencies = {"actor": provide_actor}

    @get("/followers", summary="How many confirmed followers, per thing followed")
    async def counts(
        self, actor: NamedDependency[Actor], organisation_id: FromPath[int]
    ) -> list[FollowerCountOut]:
        found = await announcements.follower_counts(actor, organisation_id)
        return [_struct(count) for count in found]

    @get("/announcements", summary="The announcements sent, newest first")
    async def sent(
        self, actor: NamedDependency[Actor], organisation_id: FromPath[int]
    ) -> list[AnnouncementOut]:
        found = await announcements.sent_announcements(actor, organisation_id)
        return [
            AnnouncementOut(a.id, a.subject, a.audience, a.sent_at, a.recipients) for a in found
        ]

    @post(
        "/announcements",
        summary="Send an announcement to the confirmed followers (queued, one mail each)",
        status_code=HTTP_201_CREATED,
    )
    async def send(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        data: JSONBody[AnnouncementIn],
    ) -> AnnouncementOut:
        sent = await announcements.send_announcement(
            actor,
            organisation_id,
            subject=data.subject,
            body=data.body,
            date_ids=data.date_ids,
            series_id=data.series_id,
            topic=data.topic,
        )
        return AnnouncementOut(sent.id, sent.subject, sent.audience, sent.sent_at, sent.recipients)


def _struct(count: announcements.FollowerCount) -> FollowerCountOut:
    return FollowerCountOut(count.target, count.what, count.confirmed)
