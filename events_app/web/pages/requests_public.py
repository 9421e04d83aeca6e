"""The requester's pages: the request form of an organisation, the "check your e-mail" answer,
and the request's own page behind the private link (messages, withdrawing).

``POST /organisations/{slug}/request`` answers the same page for every valid form, whatever the
address: the link comes only by mail.  A problem shows the form again with every message at its
field and everything typed kept.  ``/request/{token}`` and its actions answer one 404 for any
token that opens no request.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from events_app import clock
from events_app.domain.errors import DomainError, NotFound, Refusals
from events_app.domain.expert_requests import RequestForm, RequestKind
from events_app.domain.request_words import (
    ACTION_LABELS,
    FORMAT_LABELS,
    KIND_LABELS,
    STATUS_LABELS,
    STATUS_TEXTS,
)
from events_app.i18n import N_, translate
from events_app.requests import intake, proposals
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import (
    Email,
    FormRejected,
    Line,
    Location,
    Name,
    NoFields,
    Text,
    Title,
    Topic,
    decode_form,
    decode_to_show,
)
from events_app.web.pages.forms import field_messages
from events_app.web.pages.messages import message_for

__all__ = [
    "RequestFormController",
    "RequestLinkPageController",
    "RequestLinksController",
    "request_errors",
    "words",
]

# The words of refusals about requests (the domain's English, as catalogue entries).
MESSAGES: dict[str, str] = {
    "kind_unknown": N_("Choose what you are asking for."),
    "topic_missing": N_("Say what it should be about."),
    "people_range": N_("Give a number from 1 to 10000."),
    "people_invalid": N_("Give a number from 1 to 10000."),
    "days_too_many": N_("Give at most three days."),
    "day_invalid": N_("This is not a date."),
    "day_range": N_("Choose days from today up to two years ahead."),
    "when_missing": N_("Give one to three days that suit you, or a period."),
    "format_unknown": N_("Choose online, in person or both."),
    "address_missing": N_("Say where it would take place."),
    "message_missing": N_("Write a message first."),
    "message_too_long": N_("Please keep a message under 5000 characters."),
    "request_closed": N_("This request is closed: messages cannot be added."),
    "status_move": N_("A request cannot go from this status to that one."),
    "status_unknown": N_("This status does not exist."),
    "status_by_proposal": N_("A request is proposed or accepted through a proposal, not here."),
}
TOO_LONG = {
    "topic": 200,
    "contact_name": 200,
    "period": 200,
    "requester_organisation": 200,
    "audience": 300,
    "address": 500,
    "notes": 5000,
}


def _message(exc: DomainError, language: str) -> str:
    if exc.code == "too_long" and exc.field in TOO_LONG:
        return translate(language, "Use at most %(max)s characters.", max=TOO_LONG[exc.field])
    text = MESSAGES.get(exc.code)
    return translate(language, text) if text else message_for(exc, language)


def request_errors(exc: DomainError, language: str, field: str = "form") -> dict[str, str]:
    """Every problem at its input (``field`` when the error names none), in the page's
    language."""
    if isinstance(exc, FormRejected):  # the decoder refused fields: its own messages
        return exc.messages(language)
    refusals = exc.refusals if isinstance(exc, Refusals) else [exc]
    found: dict[str, str] = {}
    for refusal in refusals:
        found.setdefault(refusal.field or field, _message(refusal, language))
    return found


def words() -> dict[str, Any]:
    """The labels every request page uses (msgids; the templates translate them)."""
    return {
        "kind_labels": KIND_LABELS,
        "status_labels": STATUS_LABELS,
        "status_texts": STATUS_TEXTS,
        "format_labels": FORMAT_LABELS,
        "action_labels": ACTION_LABELS,
    }


class RequestFields(msgspec.Struct):
    kind: Line = ""
    topic: Title = ""
    audience: Topic = ""
    people: Line = ""
    preferred_days: list[Line] = []
    period: Title = ""
    format: Line = ""
    address: Location = ""
    requester_organisation: Name = ""
    contact_name: Name = ""
    contact_email: Email = ""
    notes: Text = ""


class MessageFields(msgspec.Struct):
    message: Text = ""


EMPTY_FORM = msgspec.structs.asdict(RequestFields())


ORDER = list(EMPTY_FORM)


def _position(field: str) -> int:
    return ORDER.index(field) if field in ORDER else len(ORDER)


def _people(raw: str) -> int | None:
    raw = raw.strip()
    if not raw:
        return None
    if not raw.isdigit() or len(raw) > 6:
        raise DomainError("people_invalid", "Give a number from 1 to 10000.", field="people")
    return int(raw)


def read_request(sent: RequestFields, people: int | None) -> RequestForm:
    """The form as the service takes it."""
    return RequestForm(
        kind=sent.kind,
        topic=sent.topic,
        contact_name=sent.contact_name,
        contact_email=sent.contact_email,
        audience=sent.audience,
        people=people,
        preferred_days=tuple(day for day in sent.preferred_days[:4] if day.strip()),
        period=sent.period,
        format=sent.format,
        address=sent.address,
        requester_organisation=sent.requester_organisation,
        notes=sent.notes,
    )


class RequestFormController(Controller):
    path = "/organisations/{organisation_slug:str}/request"

    async def _form(
        self,
        request: Request[Any, Any, Any],
        slug: str,
        *,
        status: int = 200,
        form: dict[str, Any] | None = None,
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        organisation = await intake.organisation_by_slug(slug)
        return page(
            request,
            "request_form.html",
            status=status,
            organisation=organisation,
            form=form or EMPTY_FORM,
            errors=errors or {},
            kinds=[kind.value for kind in RequestKind],
            **words(),
        )

    @get("/", include_in_schema=False)
    async def show(
        self, request: Request[Any, Any, Any], organisation_slug: FromPath[str]
    ) -> Response[str]:
        return await self._form(request, organisation_slug)

    @post("/", include_in_schema=False, status_code=200)
    async def send(
        self, request: Request[Any, Any, Any], organisation_slug: FromPath[str]
    ) -> Response[str]:
        sent, rejected = await decode_to_show(request, RequestFields)
        language = language_of(request)
        form = msgspec.structs.asdict(sent)
        errors = request_errors(rejected, language) if rejected else {}
        problems: list[DomainError] = []
        try:
            people = _people(sent.people)
        except DomainError as exc:  # shown with the service's problems
            problems.append(exc)
            people = None
        checked = read_request(sent, people)
        try:
            if errors:  # fields refused already: the others are checked, nothing is kept
                intake.check_form(checked, clock.now().date(), found=problems)
            else:
                await intake.submit(organisation_slug, checked, language=language, found=problems)
        except NotFound:
            raise
        except DomainError as exc:
            for field, message in request_errors(exc, language).items():
                errors.setdefault(field, message)
        if errors:
            errors = {f: errors[f] for f in sorted(errors, key=_position)}  # as the form reads
            return await self._form(
                request, organisation_slug, status=400, form=form, errors=errors
            )
        organisation = await intake.organisation_by_slug(organisation_slug)
        return page(request, "request_sent.html", private=True, organisation=organisation)


class EmailFields(msgspec.Struct):
    email: Email = ""


class RequestLinksController(Controller):
    """``/request``: "e-mail me the link to my request again", the same answer for every
    address (as ``/manage``)."""

    path = "/request"

    @get("/", include_in_schema=False)
    async def form(self, request: Request[Any, Any, Any]) -> Response[str]:
        return page(request, "request_links.html", private=True, sent=False, email="", errors={})

    @post("/", include_in_schema=False, status_code=200)
    async def send(self, request: Request[Any, Any, Any]) -> Response[str]:
        sent, rejected = await decode_to_show(request, EmailFields)
        try:
            if rejected:
                raise rejected
            await intake.send_links(sent.email)
        except DomainError as exc:
            errors = field_messages(exc, language_of(request), field="email")
            return page(
                request,
                "request_links.html",
                status=400,
                private=True,
                sent=False,
                email=sent.email,
                errors=errors,
            )
        return page(request, "request_links.html", private=True, sent=True, email="", errors={})


DONE = ("message", "withdrawn", "accepted", "declined")


async def request_page(
    request: Request[Any, Any, Any],
    token: str,
    *,
    status: int = 200,
    message: str = "",
    answer: str = "",
    errors: dict[str, str] | None = None,
) -> Response[str]:
    """The requester's own page (what they typed comes back with its errors)."""
    found = await intake.page_for_token(token)
    done = request.query_params.get("done", "")
    return page(
        request,
        "request_page.html",
        status=status,
        private=True,
        token=token,
        found=found,
        proposals=await proposals.for_requester(found.request.id),
        message=message,
        answer=answer,
        errors=errors or {},
        done=done if done in DONE else "",
        **words(),
    )


class RequestLinkPageController(Controller):
    path = "/request/{token:str}"

    async def _show(
        self,
        request: Request[Any, Any, Any],
        token: str,
        *,
        status: int = 200,
        message: str = "",
        errors: dict[str, str] | None = None,
    ) -> Response[str]:
        return await request_page(request, token, status=status, message=message, errors=errors)

    @get("/", include_in_schema=False)
    async def show(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        return await self._show(request, token)

    @post("/messages", include_in_schema=False)
    async def write(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[Any]:
        sent, rejected = await decode_to_show(request, MessageFields)
        try:
            if rejected:
                raise rejected
            await intake.send_message(token, sent.message)
        except NotFound:
            raise
        except DomainError as exc:
            errors = request_errors(exc, language_of(request), "message")
            return await self._show(request, token, status=400, message=sent.message, errors=errors)
        return Redirect(f"/request/{token}?done=message#history", status_code=303)

    @get("/withdraw", include_in_schema=False)
    async def confirm(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        found = await intake.page_for_token(token)
        return page(
            request, "request_withdraw.html", private=True, token=token, found=found, **words()
        )

    @post("/withdraw", include_in_schema=False)
    async def withdraw(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[Any]:
        await decode_form(request, NoFields)
        try:
            await intake.withdraw(token)
        except NotFound:
            raise
        except DomainError as exc:
            errors = request_errors(exc, language_of(request), "withdraw")
            return await self._show(request, token, status=409, errors=errors)
        return Redirect(f"/request/{token}?done=withdrawn", status_code=303)
