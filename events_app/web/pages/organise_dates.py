"""One date of a series for its organisers: skip, cancel, restore, change and move, one route
each (its materials: :mod:`.organise_materials`).  A refused action shows the series page with
the reason (409)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any, TypeVar

import msgspec
from litestar import Controller, Request, Response, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.i18n import N_, translate
from events_app.series import dates as event_dates
from events_app.web.pages.context import language_of, when
from events_app.web.pages.form_input import NoFields, decode_to_show
from events_app.web.pages.organise_fields import (
    CancelFields,
    DateChangeFields,
    MoveFields,
)
from events_app.web.pages.organise_form import (
    clock_time,
    date_changes_from,
    parse_day,
    speakers_from,
)
from events_app.web.pages.organise_series import show_series
from events_app.web.pages.organise_text import errors_of
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["DateAdminController"]

FormT = TypeVar("FormT", bound=msgspec.Struct)


class DateAdminController(Controller):
    path = "/organise"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _date_action(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        date_id: int,
        done: str,
        kind: type[FormT],
        act: Callable[[FormT], Awaitable[object]],
        *,
        messages: dict[str, str] | None = None,
    ) -> Response[Any]:
        """Run one action on a date; its error is shown on the series page (409)."""
        sent, rejected = await decode_to_show(request, kind)
        date_view = await event_dates.get_date(actor, date_id)
        series_id = int(date_view.series_id)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            await act(sent)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(errors_of(exc, language).values()))
            if messages and exc.code in messages:
                message = translate(language, messages[exc.code])
            return await show_series(request, actor, series_id, status=409, error=message)
        return Redirect(f"/organise/series/{series_id}?done={done}#date-{date_id}", status_code=303)

    @post("/dates/{date_id:int}/skip")
    async def skip_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: NoFields) -> None:
            await event_dates.call_off(actor, date_id, "skipped", "")

        return await self._date_action(request, actor, date_id, "skipped", NoFields, act)

    @post("/dates/{date_id:int}/cancel")
    async def cancel_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, CancelFields)
        if rejected is None and sent.confirm != "yes":
            return await _confirm_cancel(request, actor, date_id, sent.reason.strip())

        async def act(sent: CancelFields) -> None:
            await event_dates.call_off(actor, date_id, "cancelled", sent.reason.strip())

        return await self._date_action(request, actor, date_id, "cancelled", CancelFields, act)

    @post("/dates/{date_id:int}/restore")
    async def restore_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: NoFields) -> None:
            await event_dates.restore(actor, date_id)

        return await self._date_action(request, actor, date_id, "restored", NoFields, act)

    @post("/dates/{date_id:int}/change")
    async def change_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: DateChangeFields) -> None:
            await event_dates.change_date(
                actor, date_id, date_changes_from(sent), speakers_from(sent.speakers)
            )

        return await self._date_action(request, actor, date_id, "changed", DateChangeFields, act)

    @post("/dates/{date_id:int}/move")
    async def move_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        async def act(sent: MoveFields) -> None:
            day = parse_day(sent.day, "day")
            start = clock_time(sent.start, "start")
            end = clock_time(sent.end, "end")
            await event_dates.move(
                actor,
                date_id,
                datetime.combine(day, start).isoformat(timespec="minutes"),
                datetime.combine(day, end).isoformat(timespec="minutes") if end > start else None,
            )

        return await self._date_action(request, actor, date_id, "changed", MoveFields, act)


async def _confirm_cancel(
    request: Request[Any, Any, Any], actor: Actor, date_id: int, reason: str
) -> Response[str]:
    """Calling off a date mails everyone on it: first say who, and that the mail cannot be
    taken back (the date itself can be put back on)."""
    date_view = await event_dates.get_date(actor, date_id)
    language = language_of(request)
    back = f"/organise/series/{date_view.series_id}#date-{date_id}"
    explanation = [
        translate(
            language,
            N_(
                "%(confirmed)s people with a place and %(waiting)s on the waiting list get an "
                "e-mail that this date is called off."
            ),
            confirmed=date_view.confirmed_count,
            waiting=date_view.waiting_count,
        ),
        translate(language, N_("Your reason in the e-mail: %(reason)s"), reason=reason)
        if reason
        else translate(language, N_("The e-mail gives no reason: go back to add one.")),
        translate(
            language,
            N_("You can put the date back on afterwards, but the e-mail cannot be taken back."),
        ),
    ]
    return staff_page(
        request,
        actor,
        "confirm.html",
        heading=translate(language, N_("Call off %(date)s?"), date=when(date_view, language)),
        explanation=explanation,
        action=f"/organise/dates/{date_id}/cancel",
        hidden=[("reason", reason)],
        yes=translate(language, N_("Yes, call off this date")),
        no=translate(language, N_("No, go back")),
        back=back,
        back_label=date_view.series_title,
    )
