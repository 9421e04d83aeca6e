"""The organiser's followers page: how many confirmed followers (per organisation, series and
topic, never addresses), the announcements sent, and the form to send one."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.registration import announcements
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Line, Text, Title, decode_to_show
from events_app.web.pages.forms import field_messages
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["FollowersAdminController"]


class AnnouncementFields(msgspec.Struct):
    subject: Title = ""
    body: Text = ""
    audience: Line = "all"  # "all", "series:<id>" or "topic:<tag>"
    dates: list[Line] = []


def _audience(value: str) -> tuple[int | None, str]:
    if value.startswith("series:"):
        series_id = id_from_text(value.removeprefix("series:"))
        if series_id is None:
            raise DomainError("series_unknown", "This series does not exist.", field="audience")
        return series_id, ""
    if value.startswith("topic:"):
        return None, value.removeprefix("topic:")
    if value == "all":
        return None, ""
    raise DomainError("follow_unknown_choice", "Choose whom it goes to.", field="audience")


def _date_ids(values: list[str]) -> list[int]:
    ids = [id_from_text(value) for value in values]
    if any(found is None for found in ids):
        raise DomainError("dates_invalid", "Choose only coming dates.", field="dates")
    return [found for found in ids if found is not None]


class FollowersAdminController(Controller):
    path = "/organise/{organisation_id:int}/followers"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        *,
        status: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        offered = await announcements.choices(actor, organisation_id)
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "followers.html",
            status=status,
            counts=await announcements.follower_counts(actor, organisation_id),
            sent=await announcements.sent_announcements(actor, organisation_id),
            form=form or {"subject": "", "body": "", "audience": "all", "dates": []},
            errors=errors or {},
            done=(done.isdigit() and done) or "",
            **offered,
        )

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        return await self._show(request, actor, organisation_id)

    @post("/")
    async def send(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        actor.require_organiser(organisation_id)
        sent, rejected = await decode_to_show(request, AnnouncementFields)
        form = msgspec.structs.asdict(sent)
        try:
            if rejected:
                raise rejected
            series_id, topic = _audience(sent.audience)
            done = await announcements.send_announcement(
                actor,
                organisation_id,
                subject=sent.subject,
                body=sent.body,
                date_ids=_date_ids(sent.dates),
                series_id=series_id,
                topic=topic,
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            errors = field_messages(exc, language_of(request))
            if "date_ids" in errors:
                errors["dates"] = errors.pop("date_ids")
            for name in ("series_id", "topic"):
                if name in errors:
                    errors["audience"] = errors.pop(name)
            return await self._show(
                request, actor, organisation_id, status=400, form=form, errors=errors
            )
        return Redirect(
            f"/organise/{organisation_id}/followers?done={done.recipients}", status_code=303
        )
