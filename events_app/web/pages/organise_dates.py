"""One date of a series for its organisers: skip, cancel, restore, change, move, and its
materials, one route each.  A refused action shows the series page with the reason (409)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError, NotFound
from events_app.i18n import N_, translate
from events_app.series import dates as occurrences
from events_app.series import people
from events_app.web.pages.context import language_of
from events_app.web.pages.organise_form import (
    clock_time,
    date_changes_from,
    parse_day,
    speakers_from,
)
from events_app.web.pages.organise_series import read_values, show_series
from events_app.web.pages.organise_text import errors_of
from events_app.web.pages.staff import provide_staff_actor

__all__ = ["DateAdminController"]


class DateAdminController(Controller):
    path = "/organise"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _date_action(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        occurrence_id: int,
        done: str,
        act: Callable[[dict[str, Any]], Awaitable[object]],
        *,
        messages: dict[str, str] | None = None,
    ) -> Response[Any]:
        """Run one action on a date; its error is shown on the series page (409)."""
        values = await read_values(request)
        date_view = await occurrences.get_date(actor, occurrence_id)
        series_id = int(date_view["series_id"])
        language = language_of(request)
        try:
            await act(values)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(errors_of(exc, language).values()))
            if messages and exc.code in messages:
                message = translate(language, messages[exc.code])
            return await show_series(request, actor, series_id, status=409, error=message)
        return Redirect(
            f"/organise/series/{series_id}?done={done}#date-{occurrence_id}", status_code=303
        )

    @post("/dates/{occurrence_id:int}/skip")
    async def skip_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            await occurrences.call_off(actor, occurrence_id, "skipped", "")

        return await self._date_action(request, actor, occurrence_id, "skipped", act)

    @post("/dates/{occurrence_id:int}/cancel")
    async def cancel_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            reason = str(values.get("reason", "")).strip()[:500]
            await occurrences.call_off(actor, occurrence_id, "cancelled", reason)

        return await self._date_action(request, actor, occurrence_id, "cancelled", act)

    @post("/dates/{occurrence_id:int}/restore")
    async def restore_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            await occurrences.restore(actor, occurrence_id)

        return await self._date_action(request, actor, occurrence_id, "restored", act)

    @post("/dates/{occurrence_id:int}/change")
    async def change_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            await occurrences.change_date(
                actor, occurrence_id, date_changes_from(values), speakers_from(values)
            )

        return await self._date_action(request, actor, occurrence_id, "changed", act)

    @post("/dates/{occurrence_id:int}/material")
    async def add_material(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            await people.add_material(
                actor,
                occurrence_id,
                str(values.get("title", ""))[:300],
                str(values.get("url", ""))[:600],
            )

        return await self._date_action(
            request, actor, occurrence_id, "material", act,
            messages={"title_missing": N_("Give the material a title.")},
        )  # fmt: skip

    @post("/dates/{occurrence_id:int}/material-remove")
    async def remove_material(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            material = str(values.get("material", ""))
            if not material.isdigit() or len(material) > 12:
                raise NotFound("not_found", "This does not exist or is not yours to see.")
            await people.delete_material(actor, occurrence_id, int(material))

        return await self._date_action(request, actor, occurrence_id, "material_removed", act)

    @post("/dates/{occurrence_id:int}/move")
    async def move_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        async def act(values: dict[str, Any]) -> None:
            day = parse_day(str(values.get("day", "")), "day")
            start = clock_time(str(values.get("start", "")), "start")
            end = clock_time(str(values.get("end", "")), "end")
            await occurrences.move(
                actor,
                occurrence_id,
                datetime.combine(day, start).isoformat(timespec="minutes"),
                datetime.combine(day, end).isoformat(timespec="minutes") if end > start else None,
            )

        return await self._date_action(request, actor, occurrence_id, "changed", act)
