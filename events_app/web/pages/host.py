"""Pages for hosts (and the organisers of the same dates): my sessions, the sign-up list with
its CSV and print view, attendance on a phone, and breakout groups.

Every page checks access through the services; a date that is not yours is "not found".
"""

from __future__ import annotations

import csv
import io
from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock, urls
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.groups import MAX_GROUPS
from events_app.domain.person import ROLE_LABELS
from events_app.hosting import feed_address as host_feeds
from events_app.hosting import host_dates as host_sessions
from events_app.hosting import mail_log as organiser_mail
from events_app.hosting import signups
from events_app.i18n import N_, translate
from events_app.programmes import participation
from events_app.web.pages.context import language_of, page
from events_app.web.pages.csrf import FIELD, check_csrf
from events_app.web.pages.forms import error_message
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["HostController"]

ATTENDED = {"yes": True, "no": False, "unknown": None}
MESSAGES = {
    "not_confirmed": N_("Only people with a place can be marked present."),
    "attended_unknown": N_("Choose present or absent."),
    "attendance_early": N_("Attendance can be recorded from one hour before the start."),
    "attendance_closed": N_("Attendance can be recorded until 30 days after the date."),
    "already_cancelled": N_("This registration was already cancelled."),
    "not_waiting": N_("This person is not on the waiting list."),
    "date_full": N_("The date is full: raise its capacity first."),
}
DONE = ("promoted", "cancelled")


def _message(exc: DomainError, language: str) -> str:
    text = MESSAGES.get(exc.code)
    return translate(language, text) if text else translate(language, exc.message)


async def _form(request: Request[Any, Any, Any]) -> dict[str, str]:
    form = await request.form()
    values = {k: v[:200] for k, v in form.items() if isinstance(k, str) and isinstance(v, str)}
    check_csrf(request, values.get(FIELD))
    return values


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _group_count(raw: str | None) -> int | None:
    if raw and raw.isdigit() and len(raw) <= 3:
        value = int(raw)
        if 2 <= value <= MAX_GROUPS:
            return value
    return None


class HostController(Controller):
    path = "/host"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/")
    async def sessions(
        self, request: Request[Any, Any, Any], actor: NamedDependency[Actor]
    ) -> Response[str]:
        now = clock.now()
        hosted = await host_sessions.hosted_dates(actor, now)
        feed = urls.host_feed(await host_feeds.host_feed_token(actor))
        return staff_page(
            request,
            actor,
            "host_sessions.html",
            upcoming=[d for d in hosted if d["ends_at"] > now],
            past=list(reversed([d for d in hosted if d["ends_at"] <= now])),
            organisation_dates=await host_sessions.organisation_dates(actor, now),
            host_webcal=urls.webcal(feed),
        )

    async def _list(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        occurrence_id: int,
        *,
        template: str = "host_date.html",
        status: int = 200,
        error: str = "",
        add_errors: dict[str, str] | None = None,
        add_values: dict[str, str] | None = None,
    ) -> Response[str]:
        date = await host_sessions.date_summary(actor, occurrence_id)
        data = await signups.signup_list(actor, occurrence_id)
        language = language_of(request)
        context = {
            "date": date,
            "confirmed": data["confirmed"],
            "waiting": data["waiting"],
            "cancelled": data["cancelled"],
            "role_label": lambda role: (
                translate(language, ROLE_LABELS[role]) if role in ROLE_LABELS else ""
            ),
            "error": error,
            "add_errors": add_errors or {},
            "add_values": add_values or {"name": "", "email": "", "role": ""},
            "roles": list(ROLE_LABELS),
            "done": request.query_params.get("done", ""),
            "public_url": urls.date_page(date["series_slug"], occurrence_id),
        }
        if template == "host_print.html":
            return page(request, "staff/host_print.html", private=True, **context)
        return staff_page(request, actor, template, status=status, **context)

    @get("/dates/{occurrence_id:int}")
    async def signup_list(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[str]:
        return await self._list(request, actor, occurrence_id)

    @get("/dates/{occurrence_id:int}/print")
    async def print_view(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[str]:
        return await self._list(request, actor, occurrence_id, template="host_print.html")

    @get("/dates/{occurrence_id:int}/signups.csv")
    async def signup_csv(
        self, actor: NamedDependency[Actor], occurrence_id: FromPath[int]
    ) -> Response[str]:
        body = await signups.signup_csv(actor, occurrence_id)
        return Response(
            body,
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="signups-{occurrence_id}.csv"',
                "Cache-Control": "no-store",
            },
        )

    @post("/registrations/{registration_id:int}/{action:str}")
    async def change(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        registration_id: FromPath[int],
        action: FromPath[str],
    ) -> Response[Any]:
        """Organisers only: promote from the waiting list, or cancel a registration."""
        values = await _form(request)
        occurrence_id = int(values.get("occurrence", "0") or 0)
        try:
            if action == "promote":
                await signups.promote(actor, registration_id)
            elif action == "cancel":
                await signups.cancel_by_organiser(actor, registration_id)
            else:
                return Response("", status_code=404)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._list(
                request,
                actor,
                occurrence_id,
                status=409,
                error=_message(exc, language_of(request)),
            )
        done = "promoted" if action == "promote" else "cancelled"
        return Redirect(f"/host/dates/{occurrence_id}?done={done}", status_code=303)

    async def _attendance(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        occurrence_id: int,
        *,
        status: int = 200,
        error: str = "",
    ) -> Response[str]:
        date = await host_sessions.date_summary(actor, occurrence_id)
        data = await signups.signup_list(actor, occurrence_id)
        confirmed = sorted(data["confirmed"], key=lambda r: (r["name"] or "").casefold())
        return staff_page(
            request,
            actor,
            "host_attendance.html",
            status=status,
            date=date,
            people=confirmed,
            error=error,
            window=host_sessions.attendance_window(date["starts_at"], date["ends_at"], clock.now()),
            present=sum(1 for r in confirmed if r["attended"] is True),
            absent=sum(1 for r in confirmed if r["attended"] is False),
        )

    @post("/dates/{occurrence_id:int}/add")
    async def add_person(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        """Organisers add someone by hand (a phone call, a paper list): no consent box."""
        values = await _form(request)
        language = language_of(request)
        try:
            receipt = await signups.add_by_hand(
                actor,
                occurrence_id,
                name=values.get("name", ""),
                email=values.get("email", ""),
                role=values.get("role") or None,
                language=values.get("language") if values.get("language") in ("nl", "en") else None,
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return await self._list(
                request,
                actor,
                occurrence_id,
                status=400,
                add_errors={exc.field or "form": error_message(exc, language)},
                add_values=values,
            )
        status = receipt.outcomes[0].status if receipt.outcomes else "confirmed"
        return Redirect(f"/host/dates/{occurrence_id}?done=added_{status}", status_code=303)

    @get("/dates/{occurrence_id:int}/attendance")
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[str]:
        return await self._attendance(request, actor, occurrence_id)

    @post("/attendance/{registration_id:int}")
    async def mark(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        registration_id: FromPath[int],
    ) -> Response[Any]:
        """One tap: present, absent or not recorded.  JSON for the page's script, else 303."""
        values = await _form(request)
        choice = values.get("attended", "")
        language = language_of(request)
        try:
            if choice not in ATTENDED:
                raise DomainError("attended_unknown", "Choose present or absent.")
            occurrence_id = await host_sessions.record_attendance(
                actor, registration_id, ATTENDED[choice]
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = _message(exc, language)
            if _wants_json(request):
                return Response({"code": exc.code, "detail": message}, status_code=409)
            shown = values.get("occurrence", "")
            if not shown.isdigit() or len(shown) > 12:
                raise
            return await self._attendance(request, actor, int(shown), status=409, error=message)
        if _wants_json(request):
            return Response({"id": registration_id, "attended": choice}, status_code=200)
        return Redirect(
            f"/host/dates/{occurrence_id}/attendance#person-{registration_id}", status_code=303
        )

    @get("/dates/{occurrence_id:int}/groups")
    async def groups(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[str]:
        date = await host_sessions.date_summary(actor, occurrence_id)
        raw = request.query_params.get("n")
        who = "present" if request.query_params.get("who") == "present" else "registered"
        count = _group_count(raw)
        error = ""
        groups: list[Any] = []
        people = 0
        if raw is not None and count is None:
            error = translate(
                language_of(request), "Choose a number from 2 to %(max)s.", max=MAX_GROUPS
            )
        elif count is not None:
            groups, people = await host_sessions.groups_for(actor, occurrence_id, count, who)
        return staff_page(
            request,
            actor,
            "host_groups.html",
            status=400 if error else 200,
            date=date,
            n=raw or "",
            who=who,
            groups=groups,
            people=people,
            error=error,
            max_groups=MAX_GROUPS,
            role_label=lambda role: (
                translate(language_of(request), ROLE_LABELS[role]) if role in ROLE_LABELS else ""
            ),
        )

    @get("/dates/{occurrence_id:int}/groups.csv")
    async def groups_csv(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[str]:
        count = _group_count(request.query_params.get("n"))
        if count is None:
            raise DomainError("groups_count", "Choose a number of groups from 2 to 50.")
        who = "present" if request.query_params.get("who") == "present" else "registered"
        groups, _ = await host_sessions.groups_for(actor, occurrence_id, count, who)
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(("group", "name", "role"))
        for number, group in enumerate(groups, start=1):
            for member in group:
                writer.writerow((number, signups.cell(member.name), member.role))
        return Response(
            "\ufeff" + buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": f'attachment; filename="groups-{occurrence_id}.csv"',
                "Cache-Control": "no-store",
            },
        )

    async def _mail_form(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        occurrence_id: int,
        *,
        status: int = 200,
        errors: dict[str, str] | None = None,
        values: dict[str, str] | None = None,
    ) -> Response[str]:
        date = await host_sessions.date_summary(actor, occurrence_id)
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

    @get("/dates/{occurrence_id:int}/mail")
    async def mail_form(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[str]:
        return await self._mail_form(request, actor, occurrence_id)

    @post("/dates/{occurrence_id:int}/mail")
    async def send_mail(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        occurrence_id: FromPath[int],
    ) -> Response[Any]:
        form = await request.form()
        values = {
            key: str(form.get(key) or "")[: organiser_mail.MAX_BODY + 100]
            for key in ("subject", "body", "who", FIELD)
        }
        check_csrf(request, values[FIELD])
        language = language_of(request)
        try:
            count = await organiser_mail.message_registrants(
                actor,
                occurrence_id,
                subject=values["subject"],
                body=values["body"],
                include_waiting=values["who"] == "both",
            )
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            text = MESSAGES.get(exc.code)
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
                message = translate(language, text) if text else exc.message
            return await self._mail_form(
                request,
                actor,
                occurrence_id,
                status=400,
                errors={exc.field or "form": message},
                values=values,
            )
        return Redirect(f"/host/dates/{occurrence_id}/mail?sent={count}", status_code=303)

    @get("/{kind:str}/{scope_id:int}/participation")
    async def participation(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        kind: FromPath[str],
        scope_id: FromPath[int],
    ) -> Response[str]:
        report = await participation.participation(actor, _scope_kind(kind), scope_id, clock.now())
        return staff_page(request, actor, "host_participation.html", report=report)

    @get("/{kind:str}/{scope_id:int}/participation.csv")
    async def participation_csv(
        self, actor: NamedDependency[Actor], kind: FromPath[str], scope_id: FromPath[int]
    ) -> Response[str]:
        report = await participation.participation(actor, _scope_kind(kind), scope_id, clock.now())
        buffer = io.StringIO()
        writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
        writer.writerow(("name", "email", "registered", "attended", "held", "percentage", "hours"))
        for person in report["people"]:
            writer.writerow(
                (
                    signups.cell(person.name),
                    signups.cell(person.person),
                    person.registered,
                    person.attended,
                    report["held"],
                    person.share(report["held"]),
                    f"{person.hours:.2f}".replace(".", ","),
                )
            )
        return Response(
            "\ufeff" + buffer.getvalue(),
            media_type="text/csv; charset=utf-8",
            headers={
                "Content-Disposition": (
                    f'attachment; filename="participation-{kind}-{scope_id}.csv"'
                ),
                "Cache-Control": "no-store",
            },
        )


def _scope_kind(kind: str) -> str:
    if kind not in ("series", "programmes"):
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    return "series" if kind == "series" else "programme"
