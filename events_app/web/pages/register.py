"""Registration forms for a series (``/events/{slug}/register``) and a programme.

The form is plain HTML; a POST checks the CSRF token, then calls exactly the services that the
JSON API calls.  A broken rule shows the form again (status 400) with the message next to its
field and the input kept.  Success redirects (303) to a "check your e-mail" page that names
only the dates this form asked for: whoever typed the address need not own it, so nothing of
the person (their other registrations, their status, their links) is shown — that goes to the
mailbox.  A reload of that page never registers twice.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect

from events_app import urls
from events_app.agenda import catalogue, public
from events_app.domain import attendance
from events_app.domain.consent import consent_for
from events_app.domain.errors import DomainError, NotFound, gather
from events_app.domain.person import ROLES, clean_contact
from events_app.registration import applications, registrations, subscriptions
from events_app.registration.registrations import Receipt
from events_app.settings import get_settings
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import decode_to_show
from events_app.web.pages.forms import (
    FormInput,
    RegistrationFields,
    field_messages,
    read_registration,
)
from events_app.web.pages.series import calendar_links, feed_links

__all__ = ["RegisterController", "programme_context"]

FORM_DATES = 12  # the next dates offered one by one; "all dates" covers the rest


def _missing() -> NotFound:
    return NotFound("page_unknown", "This page does not exist (any more).")


def _done(receipt: Receipt) -> Redirect:
    ids = ",".join(str(i) for i in sorted(receipt.date_ids)[:MAX_SHOWN])
    return Redirect(f"/registered?dates={ids}", status_code=303)


MAX_SHOWN = 50


async def _series_context(slug: str) -> dict[str, Any]:
    series = await catalogue.series_by_slug(slug)
    if series is None:
        raise _missing()
    dates = [d for d in await public.upcoming_dates([series.id]) if d.can_register]
    if series.together:
        # One event: every date at once, and nobody new once it has begun.
        if await public.event_under_way(series.id):
            dates = []
    else:
        dates = dates[:FORM_DATES]
    questions = await registrations.questions_for(series.organisation_id, [series.id])
    return {"series": series, "dates": dates, "questions": questions, "roles": ROLES,
            "hybrid": series.format == "hybrid", "hybrid_some": False,
            "applying": series.admission == "apply",
            "closed": await public.registration_closed(series.id)}  # fmt: skip


async def programme_context(slug: str, language: str) -> dict[str, Any]:
    programme = await catalogue.programme_by_slug(slug)
    if programme is None:
        raise _missing()
    series = await catalogue.series_list(programme_id=programme["id"])
    questions = await registrations.questions_for(
        programme["organisation"], [s["id"] for s in series]
    )
    days = await public.programme_sessions(programme["id"])
    return {
        "programme": programme,
        "consent": consent_for(
            programme["consent_text"] or "",
            programme["consent_text_en"] or "",
            programme["consent_language"] or "nl",
            language,
        ),
        "days": days,
        "hybrid": any(d.format == "hybrid" for _, day in days for d in day),
        "hybrid_some": any(d.format != "hybrid" for _, day in days for d in day),
        "questions": questions,
        "roles": ROLES,
        "links": {d.id: calendar_links(d) for _, day in days for d in day},
        "feed": feed_links(urls.programme_feed(slug), language),
    }


def _first_checks(formats: Iterable[str], person: dict[str, Any]) -> None:
    """What the form can tell before registering, every field at once: how the person comes
    to hybrid dates, their name and their address (the service checks them again)."""
    found: list[DomainError] = []
    try:
        attendance.choose(formats, person["attendance"], required=True)
    except DomainError as exc:
        found.append(exc)
    try:
        clean_contact(name=person["name"], email=person["email"], language=person["language"],
                      role=person["role"], needs=person["needs"])  # fmt: skip
    except DomainError as exc:
        found.append(exc)
    gather(found)


async def _apply(context: dict[str, Any], chosen: list[int], person: dict[str, Any]) -> Redirect:
    """An application instead of a registration: one date, or the whole event (its first
    day names it); the same "check your e-mail" page, in an application's words."""
    dates = context["dates"]
    if context["series"].together:
        if not dates:
            raise DomainError("no_dates", "", field="dates")
        chosen = [dates[0].id]
    elif len(chosen) != 1:
        raise DomainError("one_date", "Choose one date to apply for.", field="dates")
    elif chosen[0] not in {d.id for d in dates}:
        raise DomainError("date_unknown", "", field="dates")
    applied = await applications.apply(chosen, **person)
    ids = ",".join(str(i) for i in applied)
    return Redirect(f"/registered?dates={ids}&applied=yes", status_code=303)


class RegisterController(Controller):
    @get("/events/{series_slug:str}/register", include_in_schema=False)
    async def form(
        self, request: Request[Any, Any, Any], series_slug: FromPath[str]
    ) -> Response[str]:
        context = await _series_context(series_slug)
        chosen = request.query_params.get("date", "")
        dates = context["dates"]
        picked = [d.id for d in dates if str(d.id) == chosen]
        if not picked and len(dates) == 1:
            picked = [dates[0].id]
        return page(request, "register.html", values=FormInput(dates=picked), errors={}, **context)

    @post("/events/{series_slug:str}/register", include_in_schema=False)
    async def register(
        self, request: Request[Any, Any, Any], series_slug: FromPath[str]
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, RegistrationFields)
        values = read_registration(sent)
        context = await _series_context(series_slug)
        language = language_of(request)
        person = values.person(context["questions"], language)
        try:
            if rejected:
                raise rejected
            _first_checks([context["series"].format], person)
            if context["applying"]:
                return await _apply(context, values.dates, person)
            if context["series"].together:
                if not context["dates"]:
                    raise DomainError("no_dates", "", field="dates")
                receipt = await registrations.register([d.id for d in context["dates"]], **person)
            elif values.whole:
                receipt = await subscriptions.subscribe_series(context["series"].id, **person)
            else:
                if not values.dates:
                    raise DomainError("dates_missing", "Choose at least one date.", field="dates")
                allowed = {d.id for d in context["dates"]}
                if not set(values.dates) <= allowed:
                    raise DomainError("date_unknown", "", field="dates")
                receipt = await registrations.register(values.dates, **person)
        except DomainError as exc:
            errors = field_messages(exc, language)
            return page(
                request, "register.html", status=400, values=values, errors=errors, **context
            )
        return _done(receipt)

    @post("/programmes/{programme_slug:str}/register", include_in_schema=False)
    async def register_programme(
        self, request: Request[Any, Any, Any], programme_slug: FromPath[str]
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, RegistrationFields)
        values = read_registration(sent)
        language = language_of(request)
        context = await programme_context(programme_slug, language)
        person = values.person(context["questions"], language)
        programme = context["programme"]
        try:
            if rejected:
                raise rejected
            if programme["selection"] == "whole":
                dates = await subscriptions.programme_dates(programme["id"])
            else:
                allowed = {d.id for _, day in context["days"] for d in day if d.can_register}
                if not values.dates:
                    raise DomainError("dates_missing", "Choose at least one date.", field="dates")
                if not set(values.dates) <= allowed:
                    raise DomainError("date_unknown", "", field="dates")
                dates = values.dates
            chosen = set(dates)
            _first_checks(
                [d.format for _, day in context["days"] for d in day if d.id in chosen], person
            )
            receipt = await registrations.register(dates, **person)
        except DomainError as exc:
            errors = field_messages(exc, language)
            return page(
                request, "programme.html", status=400, values=values, errors=errors, **context
            )
        return _done(receipt)

    @get("/registered", include_in_schema=False)
    async def registered(
        self,
        request: Request[Any, Any, Any],
        dates: FromQuery[str] = "",
        applied: FromQuery[str] = "",
    ) -> Response[str]:
        ids = [
            found
            for part in dates.split(",")[:MAX_SHOWN]
            if (found := id_from_text(part)) is not None
        ]
        return page(
            request,
            "registered.html",
            dates=await public.published_dates(ids),
            hold_minutes=get_settings().confirm_hold_minutes,
            applied=applied == "yes",
        )
