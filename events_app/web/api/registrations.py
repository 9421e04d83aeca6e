"""Public registration API and the private manage link (no account; the token is the key).

``POST /api/v1/registrations`` answers 202 with what was asked for and nothing else — the same
status and body shape whether the address was new, already registered or held for a
confirmation — because the caller need not own the address.  The person gets one mail with the
outcome and their private manage link; ``POST /api/v1/manage-link`` mails that link again.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Annotated, Any, Literal

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.middleware import DefineMiddleware
from litestar.params import FromPath, JSONBody
from litestar.status_codes import HTTP_200_OK, HTTP_202_ACCEPTED

from events_app import urls
from events_app.domain.errors import DomainError
from events_app.registration import manage, my_data, registrations, subscriptions
from events_app.registration.registrations import Receipt
from events_app.settings import Settings
from events_app.web.api.types import Id, WallClock
from events_app.web.rate_limit import shared_rate_limit

__all__ = [
    "LinkRequestController",
    "ManageController",
    "RegistrationController",
    "registration_rate_limit",
]

Text200 = Annotated[str, msgspec.Meta(max_length=200)]
Text2000 = Annotated[str, msgspec.Meta(max_length=2000)]


class RegistrationCreate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text200
    email: Annotated[str, msgspec.Meta(max_length=254)]
    date_ids: Annotated[list[Id], msgspec.Meta(max_length=registrations.MAX_DATES)] = []
    # The first name of ``date_ids``, still read until the sunset in ``web/api/moved.py``.
    occurrence_ids: Annotated[
        list[Id],
        msgspec.Meta(
            max_length=registrations.MAX_DATES,
            description="Deprecated: the former name of date_ids.",
        ),
    ] = []
    series_id: Id | None = None  # the whole series: every future date, and new ones
    programme_id: Id | None = None  # the whole programme: every future date of its series
    language: Annotated[str, msgspec.Meta(max_length=2)] | None = None
    role: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    needs: Text2000 | None = None
    answers: dict[str, str | bool] = {}
    consent: bool = False
    # How the person comes to the hybrid dates among those asked for: required when there is
    # one, not kept for dates that are not hybrid.
    attendance: Literal["on_site", "online"] | None = None


class RegistrationAccepted(msgspec.Struct):
    """What the request asked for; the outcome goes to the mailbox."""

    email: str
    date_ids: list[int]
    message: str


ACCEPTED_MESSAGE = (
    "Received. An e-mail to this address says whether there is a place or a place on the "
    "waiting list, with the calendar invitations and a private link to change or cancel. Some "
    "events first ask the person to confirm the address with the link in that e-mail."
)


def accepted(receipt: Receipt) -> RegistrationAccepted:
    return RegistrationAccepted(
        email=receipt.email,
        date_ids=sorted(receipt.date_ids),
        message=ACCEPTED_MESSAGE,
    )


def registration_rate_limit(
    settings: Settings, applies: Callable[[Request[Any, Any, Any]], bool] | None = None
) -> DefineMiddleware:
    """Registrations a minute per client address, counted for all app processes together."""
    if applies is None:
        return shared_rate_limit(settings.registration_rate_limit)
    return shared_rate_limit(settings.registration_rate_limit, applies=applies)


class RegistrationController(Controller):
    path = "/api/v1/registrations"
    tags = ["registration"]

    @post(
        "/",
        summary="Register for one or more dates (no account needed)",
        status_code=HTTP_202_ACCEPTED,
    )
    async def register(self, data: JSONBody[RegistrationCreate]) -> RegistrationAccepted:
        """Give exactly one of ``date_ids``, ``series_id`` or ``programme_id``.

        The answer is the same whether or not the address was registered before: the outcome
        (a place, the waiting list, a confirmation to click) is mailed to the address.  For a
        hybrid date ``attendance`` (``on_site`` or ``online``) is required.
        """
        if data.occurrence_ids and not data.date_ids:
            data.date_ids = data.occurrence_ids
        elif data.occurrence_ids:
            raise DomainError(
                "choose_one",
                "Give date_ids only (occurrence_ids is its former name).",
                field="date_ids",
            )
        chosen = [
            bool(data.date_ids),
            data.series_id is not None,
            data.programme_id is not None,
        ]
        if sum(chosen) != 1:
            raise DomainError(
                "choose_one",
                "Choose dates (date_ids), a whole series (series_id) or a whole "
                "programme (programme_id), and only one of them.",
                field="date_ids",
            )
        person: dict[str, Any] = {
            "name": data.name,
            "email": data.email,
            "language": data.language,
            "role": data.role,
            "needs": data.needs,
            "answers": dict(data.answers),
            "consent": data.consent,
            "attendance": data.attendance,
        }
        if data.series_id is not None:
            receipt = await subscriptions.subscribe_series(data.series_id, **person)
        else:
            dates = (
                await subscriptions.programme_dates(data.programme_id)
                if data.programme_id is not None
                else data.date_ids
            )
            receipt = await registrations.register(dates, **person)
        return accepted(receipt)


class LinkRequest(msgspec.Struct, forbid_unknown_fields=True):
    email: Annotated[str, msgspec.Meta(max_length=254)]


class LinkRequested(msgspec.Struct):
    message: str


class LinkRequestController(Controller):
    path = "/api/v1/manage-link"
    tags = ["registration"]

    @post("/", summary="E-mail me my private manage link", status_code=HTTP_202_ACCEPTED)
    async def send(self, data: JSONBody[LinkRequest]) -> LinkRequested:
        """The same answer whether or not the address is known; only a known one gets mail."""
        await manage.send_link(data.email)
        return LinkRequested(
            message="If this address has registrations, a mail with its private link is on its way."
        )


class ManagedOut(msgspec.Struct):
    registration_id: int
    date_id: int
    status: str
    position: int | None
    title: str
    series_slug: str
    local_start: WallClock
    local_end: WallClock
    timezone: str
    starts_at: datetime
    date_status: str
    name: str
    role: str | None
    needs: str
    held: bool  # waiting for the person to confirm their address


class ManageOut(msgspec.Struct):
    email: str
    language: str
    feed_url: str
    registrations: list[ManagedOut]


class DetailsUpdate(msgspec.Struct, forbid_unknown_fields=True):
    name: Text200 | None = None
    needs: Text2000 | None = None
    role: Annotated[str, msgspec.Meta(max_length=16)] | None = None
    language: Annotated[str, msgspec.Meta(max_length=2)] | None = None


class Count(msgspec.Struct):
    cancelled: int


class Confirmed(msgspec.Struct):
    confirmed: int


class FeedUrl(msgspec.Struct):
    feed_url: str


async def _manage_out(token: str) -> ManageOut:
    attendee, mine = await manage.my_registrations(token)
    return ManageOut(
        email=attendee["email"],
        language=attendee["language"],
        feed_url=urls.personal_feed(attendee["feed_token"]),
        registrations=[
            ManagedOut(
                registration_id=m.registration_id,
                date_id=m.date_id,
                status=m.status,
                position=m.position,
                title=m.series_title,
                series_slug=m.series_slug,
                local_start=m.local_start,
                local_end=m.local_end,
                timezone=m.timezone,
                starts_at=m.starts_at,
                date_status=m.date_status,
                name=m.name,
                role=m.role,
                needs=m.needs,
                held=m.held,
            )
            for m in mine
        ],
    )


class ManageController(Controller):
    """Everything here is keyed by the person's manage token (≥ 256 bits)."""

    path = "/api/v1/manage/{token:str}"
    tags = ["registration"]

    @get("/", summary="My registrations")
    async def show(self, token: FromPath[str]) -> ManageOut:
        return await _manage_out(token)

    @patch("/", summary="Change my name, needs, role or language")
    async def update(self, token: FromPath[str], data: JSONBody[DetailsUpdate]) -> ManageOut:
        await manage.update_my_details(
            token, name=data.name, needs=data.needs, role=data.role, language=data.language
        )
        return await _manage_out(token)

    @post(
        "/registrations/{registration_id:int}/cancel",
        summary="Cancel one registration (or leave the waiting list)",
        status_code=HTTP_200_OK,
    )
    async def cancel_one(self, token: FromPath[str], registration_id: FromPath[int]) -> Count:
        return Count(cancelled=int(await manage.cancel_mine(token, registration_id)))

    @post("/cancel-all", summary="Cancel all my registrations", status_code=HTTP_200_OK)
    async def cancel_all(self, token: FromPath[str]) -> Count:
        return Count(cancelled=await manage.cancel_all_mine(token))

    @post("/feed-token", summary="A new personal feed address", status_code=HTTP_200_OK)
    async def new_feed(self, token: FromPath[str]) -> FeedUrl:
        feed_token = await manage.reissue_feed_token(token)
        return FeedUrl(feed_url=urls.personal_feed(feed_token))

    @post(
        "/confirm",
        summary="Confirm my address: held registrations count from now on",
        status_code=HTTP_200_OK,
    )
    async def confirm(self, token: FromPath[str]) -> Confirmed:
        return Confirmed(confirmed=await manage.confirm_held(token))

    @post(
        "/new-link",
        summary="A new manage link, sent by mail; this one stops working",
        status_code=HTTP_202_ACCEPTED,
    )
    async def new_link(self, token: FromPath[str]) -> LinkRequested:
        await manage.replace_manage_token(token)
        return LinkRequested(message="A new link is on its way by mail; this one no longer works.")

    @get("/data", summary="Download everything stored about me (JSON)")
    async def export(self, token: FromPath[str]) -> Response[dict[str, Any]]:
        data = await my_data.export_my_data(token)
        return Response(
            data, headers={"Content-Disposition": 'attachment; filename="my-data.json"'}
        )

    @delete("/", summary="Delete my data now", status_code=204)
    async def erase(self, token: FromPath[str]) -> None:
        await my_data.delete_my_data(token)
