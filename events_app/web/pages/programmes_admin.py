"""Programmes for organisers: a workshop week people pick from, or a course they follow whole;
create, edit, choose its series, delete (the series stay)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import urls
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError, NotFound
from events_app.i18n import N_, translate
from events_app.programmes import planning as programmes
from events_app.series import planning as series_service
from events_app.tables import Programme
from events_app.web.pages.context import language_of
from events_app.web.pages.csrf import FIELD, check_csrf
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["ProgrammeAdminController"]

MESSAGES = {
    "title_missing": N_("Give the programme a title."),
    "selection_unknown": N_("Choose how people register."),
}


def _details(values: dict[str, str]) -> dict[str, Any]:
    selection = values.get("selection", "")
    if selection not in tuple(Programme.Selection):
        raise DomainError("selection_unknown", "", field="selection")
    return {
        "title": values.get("title", ""),
        "summary": values.get("summary", "").strip()[:500],
        "description": values.get("description", "").strip(),
        "selection": selection,
        "published": values.get("published") == "yes",
    }


def _shown(values: dict[str, str]) -> dict[str, Any]:
    """The form as it was sent, to show again with its errors."""
    fields = ("title", "summary", "description", "selection")
    return {**{k: values.get(k, "") for k in fields}, "published": values.get("published") == "yes"}


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    values = {k: v[:20_000] for k, v in form.items() if isinstance(k, str) and isinstance(v, str)}
    check_csrf(request, values.get(FIELD))
    return values


def _message(exc: DomainError, language: str) -> str:
    text = MESSAGES.get(exc.code)
    return translate(language, text) if text else exc.message


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
            attached=[s for s in all_series if s["id"] in attached],
            others=[s for s in all_series if s["id"] not in attached and s["status"] == "active"],
            public_url=urls.programme_page(programme["slug"]) if programme else "",
            done=request.query_params.get("done", ""),
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
        values = await _form(request)
        try:
            programme_id = await programmes.create_programme(
                actor, organisation_id, _details(values)
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            shown = _shown(values)
            return await self._show(
                request, actor, organisation_id=organisation_id, programme=None, values=shown,
                status=400, errors={exc.field or "form": _message(exc, language_of(request))},
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
        return await self._show(
            request,
            actor,
            organisation_id=programme["organisation_id"],
            programme=programme,
            values=programme,
        )

    @post("/programmes/{programme_id:int}/{action:str}")
    async def change(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        programme_id: FromPath[int],
        action: FromPath[str],
    ) -> Response[Any]:
        values = await _form(request)
        programme = await programmes.get_programme(actor, programme_id)
        series_id = values.get("series", "")
        try:
            if action == "details":
                await programmes.update_programme(actor, programme_id, _details(values))
            elif action in ("attach", "detach") and series_id.isdigit() and len(series_id) < 12:
                change = programmes.attach if action == "attach" else programmes.detach
                await change(actor, programme_id, int(series_id))
            elif action == "delete" and values.get("confirm") == "yes":
                await programmes.delete_programme(actor, programme_id)
                return Redirect("/organise?done=programme_deleted", status_code=303)
            else:
                raise NotFound("not_found", "This does not exist or is not yours to see.")
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            shown = _shown(values)
            return await self._show(
                request, actor, organisation_id=programme["organisation_id"],
                programme=programme, values=shown, status=400,
                errors={exc.field or "form": _message(exc, language_of(request))},
            )  # fmt: skip
        return Redirect(f"/organise/programmes/{programme_id}?done={action}", status_code=303)
