"""The mail log for organisers: what was sent to whom and when, failures with "send again"."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get, post
from litestar.di import NamedDependency
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.accounts.organisations import list_organisations
from events_app.domain.errors import DomainError
from events_app.hosting import mail_log as organiser_mail
from events_app.i18n import N_, translate
from events_app.web.api.types import id_from_text
from events_app.web.pages.context import language_of
from events_app.web.pages.form_input import NoFields, decode_form
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["MailLogController"]

PAGE = 50
KIND_LABELS = {
    "registration_confirmed": N_("Registration confirmed"),
    "registration_details": N_("Registration details"),
    "registration_waiting": N_("On the waiting list"),
    "registration_promoted": N_("Got a place"),
    "registration_cancelled": N_("Registration cancelled"),
    "date_changed": N_("Date changed"),
    "date_cancelled": N_("Date cancelled"),
    "series_ended": N_("Series stopped"),
    "reminder": N_("Reminder"),
    "materials_available": N_("Materials"),
    "certificate": N_("Certificate"),
    "host_digest": N_("Sign-up list for the host"),
    "organiser_message": N_("Message from the organisation"),
    "registration_receipt": N_("Registration"),
    "registration_confirm": N_("Please confirm"),
    "cancellation_receipt": N_("Cancellations"),
    "event_promoted": N_("Got a place"),
    "request_received": N_("Request received"),
    "request_link": N_("Link to a request"),
    "request_new": N_("New requests"),
    "request_reply": N_("The requester wrote"),
    "request_message": N_("Message to a requester"),
    "request_declined": N_("Request declined"),
}
STATUS_LABELS = {
    "pending": N_("waiting to be sent"),
    "sent": N_("sent"),
    "failed": N_("failed"),
    "held": N_("held back (too many mails to this address)"),
    "skipped": N_("not sent, on purpose"),
}


class MailLogController(Controller):
    path = "/organise/{organisation_id:int}/mail"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/")
    async def log(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        status = request.query_params.get("status") or None
        before = request.query_params.get("before", "")
        language = language_of(request)
        rows = await organiser_mail.mail_log(
            actor,
            organisation_id,
            status=status if status in STATUS_LABELS else None,
            before_id=id_from_text(before),
            limit=PAGE + 1,
        )
        organisation = next(
            o for o in await list_organisations(actor) if o["id"] == organisation_id
        )
        return staff_page(
            request,
            actor,
            "mail_log.html",
            organisation=organisation,
            mails=rows[:PAGE],
            more=rows[PAGE - 1]["id"] if len(rows) > PAGE else None,
            shown=status if status in STATUS_LABELS else "",
            kind_label=lambda kind: (
                translate(language, KIND_LABELS[kind]) if kind in KIND_LABELS else kind
            ),
            status_label=lambda value: translate(language, STATUS_LABELS.get(value) or value),
            done=request.query_params.get("done", "") == "retried",
            error="",
        )

    @post("/{mail_id:int}/retry")
    async def retry(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        mail_id: FromPath[int],
    ) -> Response[Any]:
        await decode_form(request, NoFields)
        actor.require_organiser(organisation_id)
        try:
            await organiser_mail.retry(actor, mail_id)
        except DomainError as exc:
            if exc.status_code == 404:
                raise
            return Redirect(f"/organise/{organisation_id}/mail?status=failed", status_code=303)
        return Redirect(
            f"/organise/{organisation_id}/mail?status=failed&done=retried", status_code=303
        )
