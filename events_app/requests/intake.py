"""The requester's side: the public form, their own page behind the private link, their
messages, and withdrawing.

Sending the form always gets the same answer, whatever the address: the link to the request's
own page goes only by mail (made from the row's salt, never stored), at most a few
such mails per address a day, and each counts toward the outbox's hourly limit per address.
The organisation's contact address hears of new requests at most once an hour.  A link that
does not open a request (never made, mistyped, or the request's data removed) is one 404.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from events_app import clock, db
from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError, NotFound, gather
from events_app.domain.expert_requests import (
    MAX_TEXT,
    CheckedRequest,
    RequestForm,
    RequestStatus,
    Who,
    check_move,
    check_request,
    requester_may_write,
)
from events_app.mail import outbox
from events_app.requests import history, links, notices
from events_app.requests.views import RequestPage, request_view
from events_app.tables import ExpertRequest, Organisation

__all__ = [
    "OrganisationView",
    "check_form",
    "check_message",
    "organisation_by_slug",
    "page_for_token",
    "request_by_link",
    "send_links",
    "send_message",
    "submit",
    "withdraw",
]


def _unknown() -> NotFound:
    return NotFound("request_link_unknown", "This link does not work (any more).")


def check_message(text: str) -> str:
    """A message as it is kept (trimmed), or a refusal at its field."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not text:
        raise DomainError("message_missing", "Write a message first.", field="message")
    if len(text) > MAX_TEXT:
        raise DomainError(
            "message_too_long", "Please keep a message under 5000 characters.", field="message"
        )
    return text


def check_form(
    form: RequestForm, today: date, *, found: Sequence[DomainError] = ()
) -> tuple[CheckedRequest, str]:
    """The request as it is kept and the address, or every problem at once (with ``found``,
    those the caller saw already)."""
    refusals: list[DomainError] = list(found)
    checked = None
    try:
        checked = check_request(form, today)
    except DomainError as exc:
        refusals.append(exc)
    address = ""
    try:
        address = normalise_email(form.contact_email, field="contact_email")
    except DomainError as exc:
        refusals.append(exc)
    gather(refusals)
    assert checked is not None
    return checked, address


@dataclass(frozen=True, slots=True)
class OrganisationView:
    id: int
    slug: str
    name: str


async def organisation_by_slug(slug: str) -> OrganisationView:
    """The organisation whose form it is, or a 404."""
    found = (
        await Organisation.select(Organisation.id, Organisation.slug, Organisation.name)
        .where(Organisation.slug == slug)
        .first()
    )
    if found is None:
        raise NotFound("organisation_unknown", "This organisation does not exist.")
    return OrganisationView(int(found["id"]), str(found["slug"]), str(found["name"]))


async def submit(
    organisation_slug: str,
    form: RequestForm,
    *,
    language: str = "nl",
    found: Sequence[DomainError] = (),
) -> None:
    """Keep a request and queue its mails; every problem of the form at once (with ``found``,
    those the caller saw already), each at its field.  An unknown organisation is a 404; the
    answer is otherwise the same for every address."""
    organisation = await organisation_by_slug(organisation_slug)
    language = language if language in ("nl", "en") else "nl"
    now = clock.now()
    checked, address = check_form(form, now.date(), found=found)
    salt = links.new_salt()
    token_hash = links.find_hash(links.token_for("request", salt))
    async with db.transaction():
        # The person's counter first (the global lock order), then the request's rows.
        mail_allowed = await notices.count_received(address)
        [row] = await ExpertRequest.insert(
            ExpertRequest(
                organisation=organisation.id,
                kind=checked.kind.value,
                topic=checked.topic,
                audience=checked.audience,
                people=checked.people,
                preferred_days=[day.isoformat() for day in checked.preferred_days],
                period=checked.period,
                format=checked.format,
                address=checked.address,
                requester_organisation=checked.requester_organisation,
                contact_name=checked.contact_name,
                contact_email=address,
                notes=checked.notes,
                language=language,
                status=RequestStatus.new.value,
                salt=salt,
                token_hash=token_hash,
                created_at=now,
                updated_at=now,
            )
        ).returning(ExpertRequest.id)
        request_id = int(row["id"])
        request: dict[str, Any] = {
            "id": request_id,
            "organisation": organisation.id,
            "contact_email": address,
            "contact_name": checked.contact_name,
            "language": language,
            "salt": salt,
        }
        await history.record(
            request_id, "requester", "sent", status=RequestStatus.new.value, shared=True
        )
        if mail_allowed:
            await notices.mail_requester("request_received", request, limited=True)
        await notices.notify_organisation("request_new", request)


async def request_by_link(token: str, *, lock: bool = False) -> dict[str, Any]:
    """The request the private link opens (locked with ``lock``, inside a transaction); the
    same 404 for any other token and for a request whose data was removed."""
    if not links.usable(token):
        raise _unknown()
    query = ExpertRequest.select().where(ExpertRequest.token_hash == links.find_hash(token))
    if lock and db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    row = await query.output(load_json=True).first()
    if row is None or row["anonymised_at"] is not None:
        raise _unknown()
    return row


async def _organisation_name(organisation_id: int) -> str:
    found = (
        await Organisation.select(Organisation.name)
        .where(Organisation.id == organisation_id)
        .first()
    )
    return str(found["name"]) if found else ""


async def page_for_token(token: str) -> RequestPage:
    """The request as its requester sees it: what they sent, its status, the shared history."""
    row = await request_by_link(token)
    view = request_view(row, await _organisation_name(row["organisation"]))
    return RequestPage(view, await history.entries(view.id, shared_only=True))


async def send_message(token: str, text: str) -> None:
    """The requester writes to the organisation (shared in the history); the organisation's
    contact hears of it at most once an hour per request."""
    text = check_message(text)
    async with db.transaction():
        row = await request_by_link(token, lock=True)
        if not requester_may_write(row["status"]):
            raise DomainError(
                "request_closed", "This request is closed: messages cannot be added.",
                field="message",
            )  # fmt: skip
        await history.record(row["id"], "requester", "message", text=text, shared=True)
        await _touch(row["id"], clock.now())
        await notices.notify_organisation("request_reply", row)


async def withdraw(token: str) -> None:
    """The requester withdraws the request (until it is accepted); it is then closed."""
    async with db.transaction():
        row = await request_by_link(token, lock=True)
        target = check_move(row["status"], RequestStatus.withdrawn, Who.requester)
        now = clock.now()
        await ExpertRequest.update(
            {
                ExpertRequest.status: target.value,
                ExpertRequest.closed_at: now,
                ExpertRequest.updated_at: now,
            }
        ).where(ExpertRequest.id == row["id"])
        await history.record(row["id"], "requester", "withdrawn", status=target.value, shared=True)
        await notices.notify_organisation("request_reply", row)


RESENT_REQUESTS = 3  # "e-mail me my link again": the newest open requests of the address


async def send_links(email: str) -> None:
    """Mail the address the links of its newest open requests, if it has any.

    The caller learns nothing: the answer is the same for every address, and the mails (or,
    with nothing to send, one count) go toward the address's hourly limit, as for the manage
    link."""
    address = normalise_email(email)
    async with db.transaction():
        rows = await (
            ExpertRequest.select()
            .where(
                (ExpertRequest.contact_email == address)
                & ExpertRequest.anonymised_at.is_null()
                & ExpertRequest.status.not_in(["withdrawn", "done"])
            )
            .order_by(ExpertRequest.created_at, ascending=False)
            .limit(RESENT_REQUESTS)
        )
        if not rows:
            await outbox.count_toward_limit(address)
            return
        for row in rows:
            await notices.mail_requester("request_link", row, limited=True)


async def _touch(request_id: int, now: datetime) -> None:
    await ExpertRequest.update({ExpertRequest.updated_at: now}).where(
        ExpertRequest.id == request_id
    )
