"""Organiser pages: the organisation's series and programmes, and a new series with the
recurrence builder (the rule in words and the next dates before saving).

One series' page is :mod:`events_app.web.pages.organise_series`, its dates' actions
:mod:`events_app.web.pages.organise_dates`.  The services do the work and the checks
(organisers of the organisation only; anything else is "not found"); these modules read forms
and show their errors at the right field.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import urls
from events_app.accounts.credentials import Actor
from events_app.accounts.team import team
from events_app.domain import slugs
from events_app.domain.errors import DomainError, NotFound, gather
from events_app.domain.holidays import HolidayChoice, choose, holidays_among
from events_app.domain.schedule import ScheduleInput
from events_app.programmes import planning as programmes
from events_app.series import planning as series_service
from events_app.series.materialise import horizon_for
from events_app.tables import Series
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import decode_to_show
from events_app.web.pages.organise_fields import SeriesFields
from events_app.web.pages.organise_form import (
    SeriesForm,
    details_from,
    not_before_today,
    schedule_from,
    skip_dates_from,
)
from events_app.web.pages.organise_series import PREVIEW_DATES
from events_app.web.pages.organise_text import errors_of, kinds
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["OrganiseController"]

# What the organiser's list shows: running series, those that ended or were cancelled, or all.
SHOWS = ("current", "over", "all")


def chosen(series: list[dict[str, Any]], text: str, show: str) -> list[dict[str, Any]]:
    """The series whose title has ``text`` in it (any case), of the chosen kind."""
    wanted = text.casefold()
    return [
        s
        for s in series
        if wanted in s["title"].casefold()
        and (show == "all" or (s["status"] == Series.Status.active) == (show == "current"))
    ]


def in_date_order(series: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Soonest next date first; series without a coming date after them, newest first."""
    coming = sorted((s for s in series if s["next_start"]), key=lambda s: s["next_start"])
    rest = sorted(
        (s for s in series if not s["next_start"]), key=lambda s: s["first_start"], reverse=True
    )
    return coming + rest


# Enough dates for a year of even a daily series: the holidays are looked for up to the horizon.
PREVIEW_LIMIT = 500


def _days(values: list[str]) -> set[date]:
    """ISO days sent back by the builder's own holiday boxes; anything else names no holiday."""
    found = set()
    for value in values:
        try:
            found.add(date.fromisoformat(value.strip()))
        except ValueError:
            continue
    return found


def _holidays(dates: list[dict[str, Any]], sent: SeriesFields) -> tuple[list[HolidayChoice], bool]:
    """The public holidays among the dates that will be written now (up to the horizon), each
    with whether it is skipped, and whether the organiser has yet to see some of them."""
    if not dates:
        return [], False
    horizon = horizon_for(dates[0]["starts_at"])
    found = holidays_among(d["local_start"].date() for d in dates if d["starts_at"] < horizon)
    offered = _days(sent.holidays_offered.split(","))
    choices = choose(found, offered, _days(list(sent.skip_holiday)))
    return choices, any(c.holiday.day not in offered for c in choices)


def _read_builder(form: SeriesForm, zone: str) -> tuple[ScheduleInput, dict[str, Any], list[date]]:
    """The builder's three parts (when, what and where, days to skip), each checked, and every
    refused field of all three at once."""
    found: list[DomainError] = []
    when = details = skips = None
    try:
        when = schedule_from(form)
        assert when.start_date is not None  # schedule_from insists on it
        not_before_today(when.start_date)
    except DomainError as exc:
        found.append(exc)
    try:
        details = details_from(form, zone)
    except DomainError as exc:
        found.append(exc)
    try:
        skips = skip_dates_from(form)
    except DomainError as exc:
        found.append(exc)
    try:
        if form.slug:
            slugs.check_slug(form.slug)
    except DomainError as exc:
        found.append(exc)
    gather(found)
    assert when is not None and details is not None and skips is not None
    return when, details, skips


def _holidays_as_sent(sent: SeriesFields) -> list[HolidayChoice]:
    """The holiday boxes as they were, when the form comes back with an error."""
    offered = sorted(_days(sent.holidays_offered.split(",")))
    found = holidays_among(offered)
    return choose(found, set(offered), _days(list(sent.skip_holiday)))


class OrganiseController(Controller):
    path = "/organise"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/")
    async def overview(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Response[str]:
        organisations = actor.organiser_of()
        if not organisations:
            raise NotFound("not_found", "This does not exist or is not yours to see.")
        teams = [await team(actor, org) for org in sorted(organisations)]
        text = " ".join(request.query_params.get("q", "").split())[:200]
        show = request.query_params.get("show", "current")
        show = show if show in SHOWS else "current"
        return staff_page(
            request,
            actor,
            "organise.html",
            q=text,
            show=show,
            organisations=[
                {
                    **t["organisation"],
                    "series": in_date_order(
                        chosen(
                            await series_service.list_series(
                                actor, organisation_id=t["organisation"]["id"]
                            ),
                            text,
                            show,
                        )
                    ),
                    "programmes": await programmes.list_programmes(actor, t["organisation"]["id"]),
                }
                for t in teams
            ],
        )

    async def _new_form(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        organisation_id: int,
        form: SeriesForm,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        preview: dict[str, Any] | None = None,
        holidays: list[HolidayChoice] | None = None,
        holidays_unseen: bool = False,
    ) -> Response[str]:
        organisation = await series_service.organisation_of(actor, organisation_id)
        language = language_of(request)
        return staff_page(
            request,
            actor,
            "series_form.html",
            status=status,
            organisation=organisation,
            form=form,
            errors=errors or {},
            preview=preview,
            holidays=holidays or [],
            holidays_unseen=holidays_unseen,
            kinds=kinds(language),
            zone=organisation["timezone"],
            public_base=urls.absolute(""),
        )

    @get("/{organisation_id:int}/series/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        once = request.query_params.get("once") == "1"
        organisation = await series_service.organisation_of(actor, organisation_id)
        form = SeriesForm(
            repeat="none" if once else "weekly", interval="1", language=organisation["language"]
        )
        return await self._new_form(request, actor, organisation_id, form)

    @post("/{organisation_id:int}/series/new")
    async def create(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, SeriesFields)
        form = SeriesForm.read(sent)
        language = language_of(request)
        organisation = await series_service.organisation_of(actor, organisation_id)  # 404 first
        try:
            if rejected:
                raise rejected
            when, details, skips = _read_builder(form, organisation["timezone"])
            preview = await series_service.preview(actor, when, limit=PREVIEW_LIMIT)
            days = {d["local_start"].date() for d in preview["dates"]}
            for day in skips:
                if day not in days:
                    raise DomainError("skip_not_a_date", "", field="skip")
            choices, unseen = _holidays(preview["dates"], sent)
            names = {c.holiday.day: c.holiday.name(language) for c in choices if c.skip}
            skipped = set(skips) | set(names)
            preview["dates"] = [
                {
                    **d,
                    "skipped": d["local_start"].date() in skipped,
                    "holiday": names.get(d["local_start"].date(), ""),
                }
                for d in preview["dates"][: PREVIEW_DATES + len(skipped)]
            ]
            if sent.action != "save" or unseen:
                return await self._new_form(
                    request,
                    actor,
                    organisation_id,
                    form,
                    preview=preview,
                    holidays=choices,
                    holidays_unseen=sent.action == "save" and unseen,
                )
            series_id, _ = await series_service.create_series(
                actor, organisation_id, when, {**details, "slug": form.slug or None},
                skip_days=skipped,
            )  # fmt: skip
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._new_form(
                request,
                actor,
                organisation_id,
                form,
                status=400,
                errors=errors_of(exc, language),
                holidays=_holidays_as_sent(sent),
            )
        done = "created" if details["published"] else "created_draft"
        return Redirect(f"/organise/series/{series_id}?done={done}", status_code=303)
