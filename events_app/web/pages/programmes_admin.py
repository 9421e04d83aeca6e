"""Programmes for organisers: a workshop week people pick from, or a course they follow whole;
create, edit, choose its series, delete (the series stay)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import urls
from events_app.accounts.credentials import Actor
from events_app.domain import sessions as session_rules
from events_app.domain.errors import DomainError, NotFound, gather
from events_app.programmes import planning as programmes
from events_app.programmes import sessions
from events_app.series import planning as series_service
from events_app.tables import Programme
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Line, Summary, Text, Title, decode_to_show
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.session_form import (
    SessionFields,
    blank,
    copied,
    errors_at_fields,
    read_session,
)
from events_app.web.pages.session_form import shown as session_shown
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["ProgrammeAdminController"]

FormT = TypeVar("FormT", bound=msgspec.Struct)


class ProgrammeFields(msgspec.Struct):
    """The programme form (new and edit)."""

    title: Title = ""
    summary: Summary = ""
    description: Text = ""
    selection: Line = ""
    published: Line = ""


class SeriesChoiceFields(msgspec.Struct):
    series: Line = ""


class DeleteFields(msgspec.Struct):
    confirm: Line = ""


def _details(sent: ProgrammeFields) -> dict[str, Any]:
    if sent.selection not in tuple(Programme.Selection):
        raise DomainError("selection_unknown", "", field="selection")
    return {
        "title": sent.title,
        "summary": sent.summary.strip(),
        "description": sent.description.strip(),
        "selection": sent.selection,
        "published": sent.published == "yes",
    }


def _shown(sent: msgspec.Struct) -> dict[str, Any]:
    """The programme form as it was sent (empty after a button), to show again with errors."""
    fields = ("title", "summary", "description", "selection")
    return {
        **{k: getattr(sent, k, "") for k in fields},
        "published": getattr(sent, "published", "") == "yes",
    }


def _message(exc: DomainError, language: str) -> str:
    return message_for(exc, language, "programmes")


class ProgrammeAdminController(Controller):
    path = "/organise"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _show(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        *,
        organisation_id: int,
        programme: dict[str, Any] | None,
        values: dict[str, Any],
        status: int = 200,
        errors: dict[str, str] | None = None,
        session: dict[str, Any] | None = None,
    ) -> Response[str]:
        organisation = await series_service.organisation_of(actor, organisation_id)
        all_series = await series_service.list_series(actor, organisation_id=organisation_id)
        attached = {s["id"] for s in (programme or {}).get("series", [])}
        return staff_page(
            request,
            actor,
            "programme_admin.html",
            status=status,
            organisation=organisation,
            programme=programme,
            values=values,
            errors=errors or {},
            session=session or blank(),
            sessions=(programme or {}).get("series", []),
            others=[s for s in all_series if s["id"] not in attached and s["status"] == "active"],
            public_url=urls.programme_page(programme["slug"]) if programme else "",
            done=request.query_params.get("done", ""),
            copying="copy" in request.query_params,
        )

    @get("/{organisation_id:int}/programmes/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        values = {"title": "", "summary": "", "description": "", "selection": "pick",
                  "published": False}  # fmt: skip
        return await self._show(
            request, actor, organisation_id=organisation_id, programme=None, values=values
        )

    @post("/{organisation_id:int}/programmes/new")
    async def create(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, ProgrammeFields)
        try:
            if rejected:
                raise rejected
            programme_id = await programmes.create_programme(actor, organisation_id, _details(sent))
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            language = language_of(request)
            return await self._show(
                request, actor, organisation_id=organisation_id, programme=None,
                values=_shown(sent), status=400,
                errors=field_messages(exc, language, _message(exc, language)),
            )  # fmt: skip
        return Redirect(f"/organise/programmes/{programme_id}?done=created", status_code=303)

    @get("/programmes/{programme_id:int}")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
    ) -> Response[str]:
        programme = await programmes.get_programme(actor, programme_id)
        session = None
        copy = request.query_params.get("copy")
        if copy is not None:
            copy_id = _series_id(copy)
            original = await sessions.session_of(actor, programme_id, copy_id)
            session = copied(session_rules.copy_of(original))
        return await self._show(
            request,
            actor,
            organisation_id=programme["organisation_id"],
            programme=programme,
            values=programme,
            session=session,
        )

    @post("/programmes/{programme_id:int}/sessions")
    async def add_session(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
    ) -> Response[Any]:
        """A session (a one-off series in the programme) from the compact form; every
        refused field is marked at once and nothing typed is lost."""
        sent, rejected = await decode_to_show(request, SessionFields)
        programme = await programmes.get_programme(actor, programme_id)
        try:
            if rejected:
                raise rejected
            session, unread = read_session(sent)
            if unread:
                now = await sessions.now_for(programme["organisation_id"])
                gather(unread + session_rules.refusals(session, now))
            await sessions.add_session(actor, programme_id, session)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._show(
                request, actor, organisation_id=programme["organisation_id"],
                programme=programme, values=programme, status=400,
                errors=errors_at_fields(exc, language_of(request)),
                session=session_shown(sent),
            )  # fmt: skip
        return Redirect(
            f"/organise/programmes/{programme_id}?done=session#sessions-heading", status_code=303
        )

    async def _change(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        programme_id: int,
        done: str,
        kind: type[FormT],
        act: Callable[[FormT], Awaitable[object]],
    ) -> Response[Any]:
        """One change to a programme; its error is shown on the programme's page."""
        sent, rejected = await decode_to_show(request, kind)
        programme = await programmes.get_programme(actor, programme_id)
        try:
            if rejected:
                raise rejected
            await act(sent)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            language = language_of(request)
            return await self._show(
                request, actor, organisation_id=programme["organisation_id"],
                programme=programme, values=_shown(sent), status=400,
                errors=field_messages(exc, language, _message(exc, language)),
            )  # fmt: skip
        if done == "deleted":
            return Redirect("/organise?done=programme_deleted", status_code=303)
        return Redirect(f"/organise/programmes/{programme_id}?done={done}", status_code=303)

    @post("/programmes/{programme_id:int}/details")
    async def change_details(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: ProgrammeFields) -> None:
            await programmes.update_programme(actor, programme_id, _details(sent))

        return await self._change(request, actor, programme_id, "details", ProgrammeFields, act)

    @post("/programmes/{programme_id:int}/attach")
    async def attach(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: SeriesChoiceFields) -> None:
            await programmes.attach(actor, programme_id, _series_id(sent.series))

        return await self._change(request, actor, programme_id, "attach", SeriesChoiceFields, act)

    @post("/programmes/{programme_id:int}/detach")
    async def detach(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: SeriesChoiceFields) -> None:
            await programmes.detach(actor, programme_id, _series_id(sent.series))

        return await self._change(request, actor, programme_id, "detach", SeriesChoiceFields, act)

    @post("/programmes/{programme_id:int}/delete")
    async def delete(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
    ) -> Response[Any]:
        """Only with the box ``confirm=yes`` ticked; the series stay."""

        async def act(sent: DeleteFields) -> None:
            if sent.confirm != "yes":
                raise NotFound("not_found", "This does not exist or is not yours to see.")
            await programmes.delete_programme(actor, programme_id)

        return await self._change(request, actor, programme_id, "deleted", DeleteFields, act)


def _series_id(series_id: str) -> int:
    found = id_from_text(series_id)
    if found is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    return found
