"""Organiser pages: the organisation's series, a new series with the recurrence builder (the
rule in words and the next dates before saving), and one series' dates with their actions.

The services do the work and the checks (organisers of the organisation only; anything else
is "not found"); this module reads forms and shows their errors at the right field.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock, db, urls
from events_app.accounts.credentials import Actor
from events_app.accounts.team import team
from events_app.agenda.dates import SeriesView
from events_app.calendar.describe import kind_label
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.schedule import parse_time
from events_app.i18n import N_, translate
from events_app.programmes import planning as programmes
from events_app.series import dates as occurrences
from events_app.series import lifecycle as series_lifecycle
from events_app.series import people
from events_app.series import planning as series_service
from events_app.tables import Occurrence
from events_app.web.pages.context import language_of
from events_app.web.pages.csrf import FIELD, check_csrf
from events_app.web.pages.organise_form import (
    FIELD_FOR,
    KINDS,
    SCHEDULE_FIELDS,
    SeriesForm,
    confirm_first_choice,
    details_from,
    number,
    parse_day,
    schedule_form_of,
    schedule_from,
    skip_dates_from,
)
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["OrganiseController"]

PREVIEW_DATES = 8
AMSTERDAM = ZoneInfo("Europe/Amsterdam")  # the builder's times are Dutch wall-clock time
MESSAGES = {
    "title_missing": N_("Give the series a title."),
    "start_missing": N_("Give the first date."),
    "invalid_time": N_("Write the time as 19:30."),
    "end_before_start": N_("The end must be after the start."),
    "in_the_past": N_("This date and time has already passed."),
    "invalid_day": N_("Write the date as 29-12-2026."),
    "invalid_number": N_("Fill in a whole number in the range shown."),
    "location_missing": N_("Give the address."),
    "invalid_url": N_("Give a web address that starts with https://."),
    "until_missing": N_("Give the last date."),
    "skip_not_a_date": N_("This day is not one of the series' dates."),
    "kind_unknown": N_("Choose a kind of event."),
    "format_unknown": N_("Choose online, in person or both."),
    "repeat_unknown": N_("Choose how often it repeats."),
    "nth_unknown": N_("Choose which week of the month."),
    "weekday_unknown": N_("Choose days from Monday to Sunday."),
    "ends_unknown": N_("Choose when the series ends."),
    "confirm_first_unknown": N_("Choose one of the options."),
    "day_out_of_range": N_("That year is too far away: check the date."),
    "date_not_scheduled": N_("This date is already skipped or cancelled."),
    "date_scheduled": N_("This date is not skipped or cancelled."),
    "date_started": N_("This date has already started or is over."),
    "url_missing": N_("Give the address of the material."),
    "date_taken": N_("The series already has a date on that day: move or cancel that one first."),
    "name_missing": N_("Every speaker needs a name."),
}
RULE_MESSAGES = {
    "weekdays": N_("Choose at least one weekday."),
    "interval": N_("Repeat every 1 to 52 weeks or months."),
    "count": N_("The number of times must be between 1 and 1000."),
    "until": N_("Choose an end date or a number of times, not both."),
}
DONE = ("created", "skipped", "cancelled", "restored", "changed", "hosts", "published",
        "unpublished", "ended", "details", "speakers", "material",
        "material_removed", "schedule", "added")  # fmt: skip


def _errors(exc: DomainError, language: str) -> dict[str, str]:
    field = FIELD_FOR.get(exc.field or "", exc.field or "form")
    if exc.code == "invalid_rrule" and exc.field in RULE_MESSAGES:
        return {field: translate(language, RULE_MESSAGES[exc.field])}
    text = MESSAGES.get(exc.code)
    return {field: translate(language, text) if text else exc.message}


async def _values(request: Request[Any, Any, Any]) -> dict[str, Any]:
    form = await request.form()
    values: dict[str, Any] = {}
    for key in form:
        if not isinstance(key, str):
            continue
        items = [v for v in form.getall(key) if isinstance(v, str)]
        values[key] = items if key == "weekdays" else (items[0][:20_000] if items else "")
    check_csrf(request, values.get(FIELD) if isinstance(values.get(FIELD), str) else None)
    return values


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
        return staff_page(
            request,
            actor,
            "organise.html",
            organisations=[
                {
                    **t["organisation"],
                    "series": await series_service.list_series(
                        actor, organisation_id=t["organisation"]["id"]
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
            kinds=_kinds(language),
        )

    @get("/{organisation_id:int}/series/new")
    async def new(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        once = request.query_params.get("once") == "1"
        form = SeriesForm(repeat="none" if once else "weekly", interval="1")
        return await self._new_form(request, actor, organisation_id, form)

    @post("/{organisation_id:int}/series/new")
    async def create(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[Any]:
        values = await _values(request)
        form = SeriesForm.read(values)
        language = language_of(request)
        await series_service.organisation_of(actor, organisation_id)  # 404 before anything
        try:
            when = schedule_from(form)
            assert when.start_date is not None  # schedule_from insists on it
            _not_before_today(when.start_date)
            details = details_from(form)
            skips = skip_dates_from(form)
            preview = await series_service.preview(
                actor, when, limit=500 if skips else PREVIEW_DATES
            )
            days = {d["local_start"].date() for d in preview["dates"]}
            for day in skips:
                if day not in days:
                    raise DomainError("skip_not_a_date", "", field="skip")
            preview["dates"] = [
                {**d, "skipped": d["local_start"].date() in skips}
                for d in preview["dates"][: PREVIEW_DATES + len(skips)]
            ]
            if values.get("action") != "save":
                return await self._new_form(request, actor, organisation_id, form, preview=preview)
            async with db.transaction():
                series_id, _ = await series_service.create_series(
                    actor, organisation_id, when, details
                )
                dates = await occurrences.list_dates(actor, series_id)
                for d in dates:
                    if d.local_start.date() in skips:
                        await occurrences.call_off(actor, d.id, "skipped", "")
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._new_form(
                request, actor, organisation_id, form, status=400, errors=_errors(exc, language)
            )
        return Redirect(f"/organise/series/{series_id}?done=created", status_code=303)

    async def _series(
        self,
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
    ) -> Response[str]:
        series = await series_service.get_series(actor, series_id)
        now = clock.now()
        dates = await occurrences.list_dates(actor, series_id)
        form = edit or _form_of(series)
        if schedule is not None:
            form = replace(form, **{k: getattr(schedule, k) for k in SCHEDULE_FIELDS})
        else:
            coming = [
                d for d in dates if d.starts_at > now and d.status == Occurrence.Status.scheduled
            ]
            start_day = coming[0].local_start.date() if coming else now.date()
            prefill = schedule_form_of(
                series.rrule, series.first_start, series.duration_minutes, start_day
            )
            form = replace(form, **prefill)
        members = (await team(actor, series.organisation_id))["members"]
        done = request.query_params.get("done", "")
        return staff_page(
            request,
            actor,
            "series_admin.html",
            status=status,
            series=series,
            upcoming=[d for d in dates if not d.past],
            past=[d for d in dates if d.past][-10:],
            members=members,
            host_ids={h.account_id for h in series.hosts},
            error=error,
            form=form,
            change=change,
            schedule_failed=schedule is not None and bool(errors),
            kinds=_kinds(language_of(request)),
            errors=errors or {},
            done=done if done in DONE else "",
            public_url=urls.series_page(series.slug),
            today=now.date().isoformat(),
        )

    @get("/series/{series_id:int}")
    async def series_page(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[str]:
        return await self._series(request, actor, series_id)

    @post("/series/{series_id:int}/details")
    async def change_details(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        values = await _values(request)
        form = SeriesForm.read(values)
        try:
            details = details_from(form)
            await series_service.update_series(actor, series_id, details)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._series(
                request,
                actor,
                series_id,
                status=400,
                edit=form,
                errors=_errors(exc, language_of(request)),
            )
        return Redirect(f"/organise/series/{series_id}?done=details", status_code=303)

    @post("/series/{series_id:int}/hosts")
    async def change_hosts(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Redirect:
        form = await request.form()
        check_csrf(request, str(form.get(FIELD) or ""))
        chosen = [int(v) for v in form.getall("hosts", []) if isinstance(v, str) and v.isdigit()]
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
        values = await _values(request)
        form = SeriesForm.read(values)
        language = language_of(request)
        try:
            when = schedule_from(form)
            assert when.start_date is not None  # schedule_from insists on it
            _not_before_today(when.start_date)
            if values.get("action") == "save":
                await series_service.update_series(
                    actor, series_id, {}, when=when, effective_from=when.start_date
                )
                return Redirect(f"/organise/series/{series_id}?done=schedule", status_code=303)
            preview = await series_service.preview(actor, when, limit=500)
            dates = await occurrences.list_dates(actor, series_id, start=when.start_date)
            kept = {d["local_start"] for d in preview["dates"]}
            gone = [
                d
                for d in dates
                if d.status == Occurrence.Status.scheduled and d.local_start not in kept
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
            errors = _errors(exc, language)
            if field:
                errors = {field: next(iter(errors.values()))}
            return await self._series(
                request, actor, series_id, status=400, schedule=form, errors=errors
            )
        return await self._series(request, actor, series_id, schedule=form, change=change)

    @post("/series/{series_id:int}/add-date")
    async def add_date(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        """An extra date outside the rule (the second day of a training, a make-up meeting)."""
        values = await _values(request)
        try:
            day = parse_day(str(values.get("day", "")), "day")
            _not_before_today(day)
            start = _clock(str(values.get("start", "")), "start")
            end = _clock(str(values.get("end", "")), "end")
            if end <= start:
                raise DomainError("end_before_start", "", field="end")
            occurrence_id, _ = await occurrences.add_date(
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
            message = next(iter(_errors(exc, language_of(request)).values()))
            return await self._series(request, actor, series_id, status=400, error=message)
        return Redirect(
            f"/organise/series/{series_id}?done=added#date-{occurrence_id}", status_code=303
        )

    @post("/series/{series_id:int}/speakers")
    async def change_speakers(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        values = await _values(request)
        try:
            await people.set_speakers(actor, _speakers(values), series_id=series_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(_errors(exc, language_of(request)).values()))
            return await self._series(request, actor, series_id, status=400, error=message)
        return Redirect(f"/organise/series/{series_id}?done=speakers", status_code=303)

    @post("/series/{series_id:int}/end")
    async def end(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        series_id: FromPath[int],
    ) -> Response[Any]:
        values = await _values(request)
        language = language_of(request)
        try:
            day = parse_day(str(values.get("from", "")), "from")
            await series_lifecycle.end_series(actor, series_id, day)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(_errors(exc, language).values()))
            return await self._series(request, actor, series_id, status=400, error=message)
        return Redirect(f"/organise/series/{series_id}?done=ended", status_code=303)

    @post("/dates/{occurrence_id:int}/{action:str}")
    async def date_action(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
        action: FromPath[str],
    ) -> Response[Any]:
        values = await _values(request)
        date_view = await occurrences.get_date(actor, occurrence_id)
        series_id = date_view.series_id
        language = language_of(request)
        try:
            if action == "skip":
                await occurrences.call_off(actor, occurrence_id, "skipped", "")
                done = "skipped"
            elif action == "cancel":
                reason = str(values.get("reason", "")).strip()[:500]
                await occurrences.call_off(actor, occurrence_id, "cancelled", reason)
                done = "cancelled"
            elif action == "restore":
                await occurrences.restore(actor, occurrence_id)
                done = "restored"
            elif action == "change":
                async with db.transaction():
                    await occurrences.update_date(actor, occurrence_id, _date_changes(values))
                    await people.set_speakers(actor, _speakers(values), occurrence_id=occurrence_id)
                done = "changed"
            elif action == "material":
                await people.add_material(
                    actor,
                    occurrence_id,
                    str(values.get("title", ""))[:300],
                    str(values.get("url", ""))[:600],
                )
                done = "material"
            elif action == "material-remove":
                material = str(values.get("material", ""))
                if not material.isdigit() or len(material) > 12:
                    raise NotFound("not_found", "This does not exist or is not yours to see.")
                await people.delete_material(actor, occurrence_id, int(material))
                done = "material_removed"
            elif action == "move":
                day = parse_day(str(values.get("day", "")), "day")
                start = _clock(str(values.get("start", "")), "start")
                end = _clock(str(values.get("end", "")), "end")
                await occurrences.move(
                    actor,
                    occurrence_id,
                    datetime.combine(day, start).isoformat(timespec="minutes"),
                    datetime.combine(day, end).isoformat(timespec="minutes")
                    if end > start
                    else None,
                )
                done = "changed"
            else:
                raise NotFound("not_found", "This does not exist or is not yours to see.")
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = next(iter(_errors(exc, language).values()))
            if action == "material" and exc.code == "title_missing":
                message = translate(language, N_("Give the material a title."))
            return await self._series(request, actor, series_id, status=409, error=message)
        return Redirect(
            f"/organise/series/{series_id}?done={done}#date-{occurrence_id}", status_code=303
        )


def _not_before_today(day: date) -> None:
    if day < clock.now().astimezone(AMSTERDAM).date():
        raise DomainError("in_the_past", "", field="start_date")


def _kinds(language: str) -> list[tuple[str, str]]:
    return [(k, kind_label(k, language)) for k in KINDS]


def _clock(text: str, field: str) -> time:
    """A wall-clock time as 19:30 (no zone: ``time.fromisoformat`` would also take 19:30+01:00,
    which cannot be compared with a time without one)."""
    return parse_time(text.strip(), field)


def _speakers(values: dict[str, Any]) -> list[people.SpeakerInput]:
    """Speakers typed one per line; "(moderator)" after a name makes a moderator."""
    found = []
    for line in str(values.get("speakers", "")).splitlines()[:30]:
        name = " ".join(line.split())[:200]
        if not name:
            continue
        moderator = name.lower().endswith(("(moderator)", "(gespreksleider)"))
        if moderator:
            name = name.rsplit("(", 1)[0].strip()
        found.append(people.SpeakerInput(name=name, role="moderator" if moderator else "speaker"))
    return found


def _date_changes(values: dict[str, Any]) -> dict[str, Any]:
    """The overrides of one date: topic and capacity (empty capacity = the series')."""
    changes: dict[str, Any] = {"topic": str(values.get("topic", "")).strip()[:300]}
    capacity = str(values.get("capacity", "")).strip()[:20]
    changes["capacity"] = number(capacity, "capacity", 1, 100_000) if capacity else None
    return changes


def _form_of(series: SeriesView) -> SeriesForm:
    return SeriesForm(
        title=series.title,
        summary=series.summary,
        description=series.description,
        kind=series.kind,
        format=series.format,
        location=series.location,
        meeting_url=series.meeting_url,
        capacity="" if series.capacity is None else str(series.capacity),
        waitlist=series.waitlist,
        confirm_first=confirm_first_choice(series.confirm_first),
        published=series.published,
    )
