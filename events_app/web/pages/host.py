"""Pages for hosts (and the organisers of the same dates): my dates, the sign-up list with
its CSV and print view, people added or moved by hand, and a message to everyone registered.
Attendance, groups and participation are :mod:`events_app.web.pages.host_attendance`.

Every page checks access through the services; a date that is not yours is "not found".
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock, urls
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.domain.person import ROLE_LABELS
from events_app.hosting import feed_address as host_feeds
from events_app.hosting import host_dates, signups
from events_app.hosting import mail_log as organiser_mail
from events_app.i18n import LANGUAGES, translate
from events_app.series import dates as event_dates
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import (
    Email,
    Line,
    Name,
    Text,
    Topic,
    decode_form,
    decode_to_show,
)
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for
from events_app.web.pages.organise_form import speakers_from
from events_app.web.pages.organise_text import errors_of
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["HostController", "message_of", "row_id"]


def message_of(exc: DomainError, language: str) -> str:
    return message_for(exc, language, "host")


class RegistrationFields(msgspec.Struct):
    """A button on the sign-up list: the date to go back to."""

    event_date: Line = ""


class AddPersonFields(msgspec.Struct):
    name: Name = ""
    email: Email = ""
    role: Line = ""
    language: Line = ""
    attendance: Line = ""  # a hybrid date: on site or online (may be left open)


class DateDetailsFields(msgspec.Struct):
    """What a host sets on their date: its topic and its own speakers (one per line)."""

    topic: Topic = ""
    speakers: Text = ""


class MailFields(msgspec.Struct):
    subject: Line = ""
    body: Text = ""
    who: Line = "confirmed"


def row_id(text: str) -> int:
    """An id sent in a form; 0 (which names nothing) when it is not one."""
    return id_from_text(text) or 0


def _past(
    hosted: list[dict[str, Any]], organisations: list[dict[str, Any]], now: datetime
) -> list[dict[str, Any]]:
    """Past dates, newest first: those the person hosted and, for an organiser, every date of
    their organisations (each once)."""
    by_id = {d["id"]: d for d in hosted if d["ends_at"] <= now}
    by_id.update((d["id"], d) for d in organisations)
    return sorted(by_id.values(), key=lambda d: d["starts_at"], reverse=True)


class HostController(Controller):
    path = "/host"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/")
    async def my_dates(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Response[str]:
        now = clock.now()
        hosted = await host_dates.hosted_dates(actor, now)
        feed = urls.host_feed(await host_feeds.host_feed_token(actor))
        return staff_page(
            request,
            actor,
            "host_dates.html",
            upcoming=[d for d in hosted if d["ends_at"] > now],
            past=_past(hosted, await host_dates.organisation_past_dates(actor, now), now),
            organiser=bool(actor.organiser_of()),
            organisation_dates=await host_dates.organisation_dates(actor, now),
            host_webcal=urls.webcal(feed),
        )

    async def _list(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        date_id: int,
        *,
        template: str = "host_date.html",
        status: int = 200,
        error: str = "",
        add_errors: dict[str, str] | None = None,
        add_values: dict[str, str] | None = None,
        details_errors: dict[str, str] | None = None,
        details_values: dict[str, str] | None = None,
    ) -> Response[str]:
        date = await host_dates.date_summary(actor, date_id)
        speakers = "".join(
            f"{s['name']}{' (moderator)' if s['role'] == 'moderator' else ''}\n"
            for s in date["own_speakers"]
        )
        data = await signups.signup_list(actor, date_id)
        context = {
            "date": date,
            "confirmed": data["confirmed"],
            "waiting": data["waiting"],
            "cancelled": data["cancelled"],
            "hybrid": data["hybrid"],
            "attendance": data["attendance"],
            "error": error,
            "add_errors": add_errors or {},
            "add_values": add_values or {"name": "", "email": "", "role": ""},
            "roles": list(ROLE_LABELS),
            "details_errors": details_errors or {},
            "details_values": details_values or {"topic": date["topic"], "speakers": speakers},
            "done": request.query_params.get("done", ""),
            "public_url": urls.date_page(date["series_slug"], date_id),
        }
        if template == "host_print.html":
            return page(request, "staff/host_print.html", private=True, **context)
        return staff_page(request, actor, template, status=status, **context)

    @get("/dates/{date_id:int}")
    async def signup_list(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        return await self._list(request, actor, date_id)

    @get("/dates/{date_id:int}/print")
    async def print_view(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        return await self._list(request, actor, date_id, template="host_print.html")

    @get("/dates/{date_id:int}/signups.csv")
    async def signup_csv(
        self, actor: NamedDependency[Actor], date_id: FromPath[int]
    ) -> Response[str]:
        body = await signups.signup_csv(actor, date_id)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="signups-{date_id}.csv"',
                "Cache-Control": "no-store",
            },
        )

    async def _registration_change(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        registration_id: int,
        done: str,
        act: Callable[[Actor, int], Awaitable[object]],
    ) -> Response[Any]:
        """Organisers only: one change to a registration, then back to the sign-up list."""
        sent = await decode_form(request, RegistrationFields)
        date_id = row_id(sent.event_date)
        try:
            await act(actor, registration_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._list(
                request,
                actor,
                date_id,
                status=409,
                error=message_of(exc, language_of(request)),
            )
        return Redirect(f"/host/dates/{date_id}?done={done}", status_code=303)

    @post("/registrations/{registration_id:int}/promote")
    async def promote(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        registration_id: FromPath[int],
    ) -> Response[Any]:
        """From the waiting list to a place."""
        return await self._registration_change(
            request, actor, registration_id, "promoted", signups.promote
        )

    @post("/registrations/{registration_id:int}/cancel")
    async def cancel(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        registration_id: FromPath[int],
    ) -> Response[Any]:
        return await self._registration_change(
            request, actor, registration_id, "cancelled", signups.cancel_by_organiser
        )

    @post("/dates/{date_id:int}/add")
    async def add_person(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        """Organisers add someone by hand (a phone call, a paper list): no consent box."""
        sent, rejected = await decode_to_show(request, AddPersonFields)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            receipt = await signups.add_by_hand(
                actor,
                date_id,
                name=sent.name,
                email=sent.email,
                role=sent.role or None,
                language=sent.language if sent.language in LANGUAGES else None,
                attendance=sent.attendance.strip() or None,
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._list(
                request,
                actor,
                date_id,
                status=400,
                add_errors=field_messages(exc, language),
                add_values=msgspec.structs.asdict(sent),
            )
        status = receipt.outcomes[0].status if receipt.outcomes else "confirmed"
        return Redirect(f"/host/dates/{date_id}?done=added_{status}", status_code=303)

    @post("/dates/{date_id:int}/details")
    async def change_details(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        """Hosts of the date or its series and organisers: the date's topic and speakers."""
        sent, rejected = await decode_to_show(request, DateDetailsFields)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            speakers = speakers_from(sent.speakers)
            await event_dates.host_change(actor, date_id, sent.topic, speakers)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            await host_dates.date_summary(actor, date_id)  # others: 404, not the form
            return await self._list(
                request,
                actor,
                date_id,
                status=400,
                details_errors=errors_of(exc, language),
                details_values=msgspec.structs.asdict(sent),
            )
        return Redirect(f"/host/dates/{date_id}?done=details", status_code=303)

    async def _mail_form(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        date_id: int,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Response[str]:
        date = await host_dates.date_summary(actor, date_id)
        return staff_page(
            request,
            actor,
            "host_mail.html",
            status=status,
            date=date,
            errors=errors or {},
            values=values or {"subject": "", "body": "", "who": "confirmed"},
            sent=request.query_params.get("sent", ""),
            max_subject=organiser_mail.MAX_SUBJECT,
            max_body=organiser_mail.MAX_BODY,
        )

    @get("/dates/{date_id:int}/mail")
    async def mail_form(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        return await self._mail_form(request, actor, date_id)

    @post("/dates/{date_id:int}/mail")
    async def send_mail(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[Any]:
        sent, rejected = await decode_to_show(request, MailFields)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            count = await organiser_mail.message_registrants(
                actor,
                date_id,
                subject=sent.subject,
                body=sent.body,
                include_waiting=sent.who == "both",
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            if exc.code == "subject_invalid":
                message = translate(
                    language,
                    "Write a subject of at most %(max)s characters.",
                    max=organiser_mail.MAX_SUBJECT,
                )
            elif exc.code == "body_invalid":
                message = translate(
                    language,
                    "Write a message of at most %(max)s characters.",
                    max=organiser_mail.MAX_BODY,
                )
            else:
                message = message_for(exc, language, "host")
            return await self._mail_form(
                request,
                actor,
                date_id,
                status=400,
                errors=field_messages(exc, language, message),
                values=msgspec.structs.asdict(sent),
            )
        return Redirect(f"/host/dates/{date_id}/mail?sent={count}", status_code=303)
