"""One series for its organisers: the page with its dates, and the forms on it (details,
hosts, speakers, a new schedule shown before it is saved, an extra date, the end)."""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date, datetime
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock, urls
from events_app.accounts.credentials import Actor
from events_app.accounts.team import team
from events_app.agenda.dates import SeriesView
from events_app.domain.errors import DomainError
from events_app.i18n import N_, format_date, translate
from events_app.requests import proposals
from events_app.series import dates as event_dates
from events_app.series import lifecycle as series_lifecycle
from events_app.series import people
from events_app.series import planning as series_service
from events_app.tables import EventDate
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import decode_form, decode_to_show
from events_app.web.pages.organise_choices import choices_of
from events_app.web.pages.organise_fields import (
    AddDateFields,
    EndFields,
    HostsFields,
    SeriesFields,
    SpeakersFields,
)
from events_app.web.pages.organise_form import (
    SCHEDULE_FIELDS,
    SeriesForm,
    clock_time,
    confirm_first_choice,
    details_from,
    not_before_today,
    parse_day,
    schedule_form_of,
    schedule_from,
    speakers_from,
)
from events_app.web.pages.organise_text import DONE, errors_of, kinds
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["PREVIEW_DATES", "SeriesAdminController", "show_series"]

PREVIEW_DATES = 8
# The series page lists this many coming dates, one line each; "show all" lists the rest.
COMPACT_DATES = 12


async def show_series(
    request: Request[Any, Any, Any],
    actor: Actor,
    series_id: int,
    *,
    status: int = 200,
    error: str = "",
    edit: SeriesForm | None = None,
    errors: dict[str, str] | None = None,
    schedule: SeriesForm | None = None,
    change: dict[str, Any] | None = None,
    pause: dict[str, Any] | None = None,
) -> Response[str]:
    """The series page, with what a form sent back (its errors, a schedule change or a pause
    to confirm: ``pause`` holds the pause form's values, errors and preview)."""
    series = await series_service.get_series(actor, series_id)
    now = clock.now()
    dates = await event_dates.list_dates(actor, series_id)
    form = edit or form_of(series)
    if schedule is not None:
        form = replace(form, **{k: getattr(schedule, k) for k in SCHEDULE_FIELDS})
    else:
        coming = [d for d in dates if d.starts_at > now and d.status == EventDate.Status.scheduled]
        start_day = coming[0].local_start.date() if coming else now.date()
        prefill = schedule_form_of(
            series.rrule, series.first_start, series.duration_minutes, start_day
        )
        form = replace(form, **prefill)
    members = (await team(actor, series.organisation_id))["members"]
    done = request.query_params.get("done", "")
    upcoming = [d for d in dates if not d.past]
    all_dates = request.query_params.get("dates") == "all"
    return staff_page(
        request,
        actor,
        "series_admin.html",
        status=status,
        series=series,
        upcoming=upcoming if all_dates else upcoming[:COMPACT_DATES],
        upcoming_count=len(upcoming),
        past=[d for d in dates if d.past][-10:],
        members=members,
        host_ids={h.account_id for h in series.hosts},
        error=error,
        form=form,
        change=change,
        pause=pause or {"form": _pause_form(series), "errors": {}, "preview": None},
        schedule_failed=schedule is not None and bool(errors),
        kinds=kinds(language_of(request)),
        zone=series.timezone,
        errors=errors or {},
        done=done if done in DONE else "",
        public_url=urls.series_page(series.slug),
        today=now.date().isoformat(),
        origin=await proposals.origin_of(actor, series_id),
    )


class SeriesAdminController(Controller):
    path = "/organise"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/series/{series_id:int}")
    async def series_page(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[str]:
        return await show_series(request, actor, series_id)

    @post("/series/{series_id:int}/details")
    async def change_details(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, SeriesFields)
        form = SeriesForm.read(sent)
        try:
            if rejected:
                raise rejected
            series = await series_service.get_series(actor, series_id)
            details = details_from(form, series.timezone)
            await series_service.update_series(actor, series_id, details)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await show_series(
                request,
                actor,
                series_id,
                status=400,
                edit=form,
                errors=errors_of(exc, language_of(request)),
            )
        done = "details" if details["published"] else "details_draft"
        return Redirect(f"/organise/series/{series_id}?done={done}", status_code=303)

    @post("/series/{series_id:int}/hosts")
    async def change_hosts(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Redirect:
        sent = await decode_form(request, HostsFields)
        chosen = [found for v in sent.hosts if (found := id_from_text(v)) is not None]
        await people.set_hosts(actor, chosen, series_id=series_id)
        return Redirect(f"/organise/series/{series_id}?done=hosts", status_code=303)

    @post("/series/{series_id:int}/schedule")
    async def change_schedule(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        """A new rule, time or length from a day on: first shown with what it does, then saved.

        Registrations are kept; dates that disappear are cancelled and their people told."""
        sent, rejected = await decode_to_show(request, SeriesFields)
        form = SeriesForm.read(sent)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            when = schedule_from(form)
            assert when.start_date is not None  # schedule_from insists on it
            not_before_today(when.start_date)
            if sent.action == "save":
                await series_service.update_series(
                    actor, series_id, {}, when=when, effective_from=when.start_date
                )
                return Redirect(f"/organise/series/{series_id}?done=schedule", status_code=303)
            preview = await series_service.preview(actor, when, limit=500)
            dates = await event_dates.list_dates(actor, series_id, start=when.start_date)
            kept = {d["local_start"] for d in preview["dates"]}
            gone = [
                d
                for d in dates
                if d.status == EventDate.Status.scheduled and d.local_start not in kept
            ]
            change = {
                "rule_text": preview["rule_text"],
                "dates": preview["dates"][:PREVIEW_DATES],
                "gone": gone,
                "people": sum(d.confirmed_count + d.waiting_count for d in gone),
                "warnings": preview["warnings"],
            }
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            field = "start_date" if exc.field == "effective_from" else None
            errors = errors_of(exc, language)
            if field:
                errors = {field: next(iter(errors.values()))}
            return await show_series(
                request, actor, series_id, status=400, schedule=form, errors=errors
            )
        return await show_series(request, actor, series_id, schedule=form, change=change)

    @post("/series/{series_id:int}/add-date")
    async def add_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        """An extra date outside the rule (the second day of a training, a make-up meeting)."""
        sent, rejected = await decode_to_show(request, AddDateFields)
        try:
            if rejected:
                raise rejected
            day = parse_day(sent.day, "day")
            not_before_today(day)
            start = clock_time(sent.start, "start")
            end = clock_time(sent.end, "end")
            if end <= start:
                raise DomainError("end_before_start", "", field="end")
            date_id, _ = await event_dates.add_date(
                actor,
                series_id,
                datetime.combine(day, start).isoformat(timespec="minutes"),
                datetime.combine(day, end).isoformat(timespec="minutes"),
                None,
                {},
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(errors_of(exc, language_of(request)).values()))
            return await show_series(request, actor, series_id, status=400, error=message)
        return Redirect(f"/organise/series/{series_id}?done=added#date-{date_id}", status_code=303)

    @post("/series/{series_id:int}/speakers")
    async def change_speakers(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, SpeakersFields)
        try:
            if rejected:
                raise rejected
            await people.set_speakers(actor, speakers_from(sent.speakers), series_id=series_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(errors_of(exc, language_of(request)).values()))
            return await show_series(request, actor, series_id, status=400, error=message)
        return Redirect(f"/organise/series/{series_id}?done=speakers", status_code=303)

    @post("/series/{series_id:int}/end")
    async def end(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, EndFields)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            day = parse_day(sent.from_, "from")
            if sent.confirm != "yes":
                return await _confirm_end(request, actor, series_id, day)
            await series_lifecycle.end_series(actor, series_id, day)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(errors_of(exc, language).values()))
            return await show_series(request, actor, series_id, status=400, error=message)
        return Redirect(f"/organise/series/{series_id}?done=ended", status_code=303)


async def _confirm_end(
    request: Request[Any, Any, Any], actor: Actor, series_id: int, day: date
) -> Response[str]:
    """Stopping a series calls off every date from a day on and mails everyone on them: say
    how many first; this one cannot be undone."""
    series = await series_service.get_series(actor, series_id)
    dates = await event_dates.list_dates(actor, series_id, start=day)
    going = [d for d in dates if d.status == EventDate.Status.scheduled]
    language = language_of(request)
    return staff_page(
        request,
        actor,
        "confirm.html",
        heading=translate(
            language,
            N_("Stop %(title)s from %(day)s?"),
            title=series.title,
            day=format_date(day, language),
        ),
        explanation=[
            translate(
                language,
                N_(
                    "%(dates)s dates are called off, and the %(people)s people registered for "
                    "them (with a place or waiting) get an e-mail."
                ),
                dates=len(going),
                people=sum(d.confirmed_count + d.waiting_count for d in going),
            ),
            translate(language, N_("This cannot be undone.")),
        ],
        action=f"/organise/series/{series_id}/end",
        hidden=[("from", day.isoformat())],
        yes=translate(language, N_("Yes, stop the series")),
        no=translate(language, N_("No, go back")),
        back=f"/organise/series/{series_id}",
        back_label=series.title,
    )


def _pause_form(series: SeriesView) -> dict[str, str]:
    """The pause form as first shown: no days yet, and the series' own rhythm in weeks."""
    found = re.search(r"INTERVAL=(\d+)", series.rrule or "")
    weekly = "FREQ=WEEKLY" in (series.rrule or "")
    weeks = int(found.group(1)) if found and weekly else 1 if weekly else 2
    return {"first_off": "", "last_off": "", "resume_on": "", "weeks": str(weeks)}


def form_of(series: SeriesView) -> SeriesForm:
    return SeriesForm(
        **vars(choices_of(series)),
        title=series.title,
        summary=series.summary,
        description=series.description,
        kind=series.kind,
        format=series.format,
        location=series.location,
        meeting_url=series.meeting_url,
        capacity="" if series.capacity is None else str(series.capacity),
        waitlist=series.waitlist,
        together=series.together,
        applications=series.admission == "apply",
        confirm_first=confirm_first_choice(series.confirm_first),
        published=series.published,
    )
