"""Attendance for hosts: marking people present on a phone, breakout groups of the people
registered or present, and the participation report of a series or programme (with CSV).

Every page checks access through the services; a date that is not yours is "not found".
"""

from __future__ import annotations

import csv
import io
from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.groups import MAX_GROUPS
from events_app.hosting import host_dates, signups
from events_app.i18n import translate
from events_app.programmes import participation
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import Line, decode_form
from events_app.web.pages.host import message_of, row_id
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["AttendanceController"]

ATTENDED = {"yes": True, "no": False, "unknown": None}


class MarkFields(msgspec.Struct):
    """One tap on the attendance page: the choice, and the date to show again on an error."""

    attended: Line = ""
    event_date: Line = ""


def _wants_json(request: Request[Any, Any, Any]) -> bool:
    return "application/json" in request.headers.get("accept", "")


def _group_count(raw: str | None) -> int | None:
    if raw and raw.isascii() and raw.isdecimal() and len(raw) <= 3:
        value = int(raw)
        if 2 <= value <= MAX_GROUPS:
            return value
    return None


class AttendanceController(Controller):
    path = "/host"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    async def _attendance(
        self,
        request: Request[Any, Any, Any],
        actor: Actor,
        date_id: int,
        *,
        status: int = 200,
        error: str = "",
    ) -> Response[str]:
        date = await host_dates.date_summary(actor, date_id)
        data = await signups.signup_list(actor, date_id)
        confirmed = sorted(data["confirmed"], key=lambda r: (r["name"] or "").casefold())
        return staff_page(
            request,
            actor,
            "host_attendance.html",
            status=status,
            date=date,
            people=confirmed,
            error=error,
            window=host_dates.attendance_window(date["starts_at"], date["ends_at"], clock.now()),
            present=sum(1 for r in confirmed if r["attended"] is True),
            absent=sum(1 for r in confirmed if r["attended"] is False),
        )

    @get("/dates/{date_id:int}/attendance")
    async def attendance(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        return await self._attendance(request, actor, date_id)

    @post("/attendance/{registration_id:int}")
    async def mark(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        registration_id: FromPath[int],
    ) -> Response[Any]:
        """One tap: present, absent or not recorded.  JSON for the page's script, else 303."""
        sent = await decode_form(request, MarkFields)
        choice = sent.attended
        language = language_of(request)
        try:
            if choice not in ATTENDED:
                raise DomainError("attended_unknown", "Choose present or absent.")
            date_id = await host_dates.record_attendance(actor, registration_id, ATTENDED[choice])
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            message = message_of(exc, language)
            if _wants_json(request):
                return Response({"code": exc.code, "detail": message}, status_code=409)
            shown = row_id(sent.event_date)
            if not shown:
                raise
            return await self._attendance(request, actor, shown, status=409, error=message)
        if _wants_json(request):
            return Response({"id": registration_id, "attended": choice}, status_code=200)
        return Redirect(
            f"/host/dates/{date_id}/attendance#person-{registration_id}", status_code=303
        )

    @get("/dates/{date_id:int}/groups")
    async def groups(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        date = await host_dates.date_summary(actor, date_id)
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
            groups, people = await host_dates.groups_for(actor, date_id, count, who)
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
        )

    @get("/dates/{date_id:int}/groups.csv")
    async def groups_csv(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        date_id: FromPath[int],
    ) -> Response[str]:
        count = _group_count(request.query_params.get("n"))
        if count is None:
            raise DomainError("groups_count", "Choose a number of groups from 2 to 50.")
        who = "present" if request.query_params.get("who") == "present" else "registered"
        groups, _ = await host_dates.groups_for(actor, date_id, count, who)
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
                "Content-Disposition": f'attachment; filename="groups-{date_id}.csv"',
                "Cache-Control": "no-store",
            },
        )

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
