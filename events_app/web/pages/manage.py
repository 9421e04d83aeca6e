"""The private manage page (``/manage/{token}``): the same actions as the JSON API's manage link.

Every change is a POST form with a CSRF token, followed by a 303 back to the page with a short
note of what happened (``?done=…``).  Pages here are never cached (``Cache-Control: no-store``)
and send no Referer, because the token in the address is the key.  An unknown token (never
issued, or the data was deleted) is one and the same 404: we keep nothing that could tell
the two apart.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock, urls
from events_app.domain.errors import DomainError
from events_app.domain.person import ROLES
from events_app.registration import applications, manage, my_data
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import (
    Email,
    Line,
    Name,
    NoFields,
    Text,
    decode_form,
    decode_to_show,
)
from events_app.web.pages.forms import field_messages
from events_app.web.pages.series import feed_links

__all__ = ["LinkRequestController", "ManagePageController"]

DONE = ("cancelled", "cancelled_all", "details", "feed", "confirmed", "too_late", "withdrawn")


class DetailsFields(msgspec.Struct):
    """The person's own details on their manage page."""

    name: Name = ""
    needs: Text = ""
    role: Line = ""
    language: Line = ""


class ConfirmFields(msgspec.Struct):
    """A step that asks first: ``yes`` once the person has seen what it does."""

    confirm: Line = ""


class EmailFields(msgspec.Struct):
    email: Email = ""


def _back(token: str, done: str) -> Redirect:
    return Redirect(f"/manage/{token}?done={done}", status_code=303)


async def _show(
    request: Request[Any, Any, Any],
    token: str,
    *,
    status: int = 200,
    errors: dict[str, str] | None = None,
    details: dict[str, str] | None = None,
) -> Response[str]:
    attendee, mine = await manage.my_registrations(token)
    now = clock.now()
    upcoming = [m for m in mine if m.starts_at > now]
    active = [m for m in upcoming if m.status != "cancelled"]
    current = active[0] if active else (mine[-1] if mine else None)
    done = request.query_params.get("done", "")
    return page(
        request,
        "manage.html",
        status=status,
        private=True,
        token=token,
        email=attendee["email"],
        upcoming=upcoming,
        applications=await applications.my_applications(attendee["id"]),
        past=[m for m in mine if m.starts_at <= now][-10:],
        active=active,
        held=any(m.held and m.status != "cancelled" for m in upcoming),
        done=done if done in DONE else "",
        feed=feed_links(urls.personal_feed(attendee["feed_token"]), "nl"),
        roles=ROLES,
        errors=errors or {},
        details=details
        or {
            "name": current.name if current else "",
            "needs": current.needs if current else "",
            "role": (current.role or "") if current else "",
            "language": attendee["language"],
        },
    )


class ManagePageController(Controller):
    path = "/manage/{token:str}"

    @get("/", include_in_schema=False)
    async def show(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        return await _show(request, token)

    @post("/cancel/{registration_id:int}", include_in_schema=False)
    async def cancel_one(
        self, request: Request[Any, Any, Any], token: FromPath[str], registration_id: FromPath[int]
    ) -> Redirect:
        await decode_form(request, NoFields)
        await manage.cancel_mine(token, registration_id)
        return _back(token, "cancelled")

    @post("/applications/{application_id:int}/withdraw", include_in_schema=False)
    async def withdraw(
        self, request: Request[Any, Any, Any], token: FromPath[str], application_id: FromPath[int]
    ) -> Redirect:
        await decode_form(request, NoFields)
        await applications.withdraw_mine(token, application_id)
        return _back(token, "withdrawn")

    @post("/cancel-all", include_in_schema=False)
    async def cancel_all(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[str] | Redirect:
        """First shows what will be cancelled; with ``confirm=yes`` cancels it all."""
        sent = await decode_form(request, ConfirmFields)
        if sent.confirm != "yes":
            _, mine = await manage.my_registrations(token)
            now = clock.now()
            active = [m for m in mine if m.starts_at > now and m.status != "cancelled"]
            return page(request, "cancel_all.html", private=True, token=token, active=active)
        await manage.cancel_all_mine(token)
        return _back(token, "cancelled_all")

    @post("/details", include_in_schema=False)
    async def details(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        sent, rejected = await decode_to_show(request, DetailsFields)
        details = msgspec.structs.asdict(sent)
        try:
            if rejected:
                raise rejected
            await manage.update_my_details(
                token,
                name=details["name"],
                needs=details["needs"],
                role=details["role"],
                language=details["language"] or None,
            )
        except DomainError as exc:
            errors = field_messages(exc, language_of(request), field=exc.field or "name")
            return await _show(request, token, status=400, errors=errors, details=details)
        return _back(token, "details")

    @post("/feed", include_in_schema=False)
    async def new_feed(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Redirect:
        await decode_form(request, NoFields)
        await manage.reissue_feed_token(token)
        return _back(token, "feed")

    @post("/confirm", include_in_schema=False)
    async def confirm(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Redirect:
        await decode_form(request, NoFields)
        confirmed = await manage.confirm_held(token)
        return _back(token, "confirmed" if confirmed else "too_late")

    @post("/new-link", include_in_schema=False)
    async def new_link(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[str]:
        await decode_form(request, NoFields)
        await manage.replace_manage_token(token)
        return page(request, "link_request.html", private=True, sent=True, email="", errors={})

    @get("/data", include_in_schema=False)
    async def data(self, token: FromPath[str]) -> Response[dict[str, Any]]:
        exported = await my_data.export_my_data(token)
        return Response(
            exported,
            headers={
                "Content-Disposition": 'attachment; filename="my-data.json"',
                "Cache-Control": "no-store",
                "Referrer-Policy": "no-referrer",
            },
        )

    @get("/delete", include_in_schema=False)
    async def confirm_delete(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[str]:
        attendee = await manage.attendee_for_token(token)
        return page(request, "delete.html", private=True, token=token, email=attendee["email"])

    @post("/delete", include_in_schema=False)
    async def delete(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        await decode_form(request, NoFields)
        await my_data.delete_my_data(token)
        return page(request, "deleted.html", private=True)


class LinkRequestController(Controller):
    """``/manage``: "e-mail me my link" — the same answer for every address."""

    path = "/manage"

    @get("/", include_in_schema=False)
    async def form(self, request: Request[Any, Any, Any]) -> Response[str]:
        return page(request, "link_request.html", private=True, sent=False, email="", errors={})

    @post("/", include_in_schema=False)
    async def send(self, request: Request[Any, Any, Any]) -> Response[str]:
        sent, rejected = await decode_to_show(request, EmailFields)
        email = sent.email
        try:
            if rejected:
                raise rejected
            await manage.send_link(email)
        except DomainError as exc:
            errors = field_messages(exc, language_of(request), field="email")
            return page(
                request,
                "link_request.html",
                status=400,
                private=True,
                sent=False,
                email=email,
                errors=errors,
            )
        return page(request, "link_request.html", private=True, sent=True, email="", errors={})
