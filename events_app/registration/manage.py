"""What a person can do with their private manage link: no account, just the token.

The token is 256 bits from ``secrets`` and reaches the person only by mail, so whoever holds it
has proven the mailbox.  An unknown token is simply "not found".  A person can ask for their
link by address (:func:`send_link`: the same answer whether or not the address is known), make
a new one (the old one stops working at once; the new one is mailed, never shown), confirm
held registrations ("confirm first"), and see or delete all their data
(:mod:`events_app.registration.my_data`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.agenda.views import waiting_position
from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.needs import needs_deleted_at
from events_app.domain.person import MAX_NAME, MAX_NEEDS, ROLES
from events_app.i18n import LANGUAGES
from events_app.mail import outbox
from events_app.registration import cancelling, registrations, seats
from events_app.registration.attendees import new_token
from events_app.tables import Attendee, Registration, SeriesSubscription

__all__ = [
    "ManagedRegistration",
    "attendee_for_token",
    "my_registrations",
    "cancel_mine",
    "cancel_all_mine",
    "update_my_details",
    "active_of",
    "confirm_held",
    "reissue_feed_token",
    "replace_manage_token",
    "send_link",
]


@dataclass(frozen=True, slots=True)
class ManagedRegistration:
    registration_id: int
    date_id: int
    status: str
    position: int | None
    series_title: str
    series_slug: str
    local_start: datetime
    local_end: datetime
    timezone: str
    starts_at: datetime
    date_status: str
    name: str
    role: str | None
    needs: str
    held: bool  # waiting for the person to confirm their address
    together: bool = False  # a day of an event registered as one: cancelled as a whole
    attendance: str | None = None  # on site or online (hybrid dates)
    needs_until: datetime | None = None  # when the needs written for it are deleted


async def attendee_for_token(token: str) -> dict[str, Any]:
    if not token or len(token) > 100:
        raise NotFound("link_unknown", "This link is not valid (any more).")
    row = await Attendee.select().where(Attendee.manage_token == token).first()
    if row is None:
        raise NotFound("link_unknown", "This link is not valid (any more).")
    return row


async def my_registrations(token: str) -> tuple[dict[str, Any], list[ManagedRegistration]]:
    attendee = await attendee_for_token(token)
    rows = (
        await Registration.select(
            Registration.id,
            Registration.event_date,
            Registration.status,
            Registration.name,
            Registration.role,
            Registration.needs,
            Registration.hold_until,
            Registration.attendance,
            Registration.event_date.series.title.as_alias("series_title"),  # type: ignore[union-attr]
            Registration.event_date.series.slug.as_alias("series_slug"),  # type: ignore[union-attr]
            Registration.event_date.series.together.as_alias("together"),  # type: ignore[union-attr]
            Registration.event_date.local_start.as_alias("local_start"),
            Registration.event_date.local_end.as_alias("local_end"),
            Registration.event_date.timezone.as_alias("timezone"),
            Registration.event_date.starts_at.as_alias("starts_at"),
            Registration.event_date.status.as_alias("date_status"),
            Registration.event_date.ends_at.as_alias("ends_at"),
            Registration.event_date.series.organisation.needs_days.as_alias("needs_days"),  # type: ignore[union-attr]
        )
        .where(Registration.attendee == attendee["id"])
        .order_by(Registration.event_date.starts_at)
    )
    result = []
    for row in rows:
        position = (
            await waiting_position(row["id"])
            if row["status"] == Registration.Status.waiting
            else None
        )
        result.append(
            ManagedRegistration(
                registration_id=row["id"],
                date_id=row["event_date"],
                status=row["status"],
                position=position,
                series_title=row["series_title"],
                series_slug=row["series_slug"],
                local_start=row["local_start"],
                local_end=row["local_end"],
                timezone=row["timezone"],
                starts_at=row["starts_at"],
                date_status=row["date_status"],
                name=row["name"],
                role=row["role"],
                needs=row["needs"],
                held=row["hold_until"] is not None,
                together=bool(row["together"]),
                attendance=row["attendance"],
                needs_until=needs_deleted_at(row["ends_at"], row["needs_days"])
                if row["needs"]
                else None,
            )
        )
    return attendee, result


async def cancel_mine(token: str, registration_id: int) -> bool:
    attendee = await attendee_for_token(token)
    async with db.transaction():
        owned = await Registration.exists().where(
            (Registration.id == registration_id) & (Registration.attendee == attendee["id"])
        )
        if not owned:
            raise NotFound("registration_unknown", "This registration is not on your list.")
        return await cancelling.cancel(registration_id)


async def active_of(attendee_id: int) -> list[dict[str, Any]]:
    """Coming registrations that hold a seat or a queue place."""
    return await Registration.select(
        Registration.id,
        Registration.event_date,
        Registration.event_date.series.organisation.as_alias(  # type: ignore[union-attr]
            "organisation"
        ),
    ).where(
        (Registration.attendee == attendee_id)
        & Registration.status.is_in(list(registrations.ACTIVE))
        & (Registration.event_date.starts_at > clock.now())
    )


def _per_organisation(rows: list[dict[str, Any]]) -> dict[int, list[int]]:
    """Registration ids grouped by organisation, in id order: a mail speaks for one
    organisation (its From, Reply-To, and the ORGANIZER of every calendar object in it)."""
    grouped: dict[int, list[int]] = {}
    for row in sorted(rows, key=lambda row: row["id"]):
        grouped.setdefault(row["organisation"], []).append(row["id"])
    return dict(sorted(grouped.items()))


async def cancel_all_mine(token: str) -> int:
    """Cancel every coming registration; one mail per organisation lists them all (with a
    calendar cancellation for each), however many there were."""
    attendee = await attendee_for_token(token)
    async with db.transaction():
        mine = await active_of(attendee["id"])
        await seats.lock_dates(sorted({row["event_date"] for row in mine}))
        cancelled = [row for row in mine if await cancelling.cancel(row["id"], notify=False)]
        await SeriesSubscription.update({SeriesSubscription.cancelled_at: clock.now()}).where(
            (SeriesSubscription.attendee == attendee["id"])
            & SeriesSubscription.cancelled_at.is_null()
        )
        for organisation_id, ids in _per_organisation(cancelled).items():
            await outbox.enqueue(
                "cancellation_receipt",
                to_email=attendee["email"],
                language=attendee["language"],
                organisation_id=organisation_id,
                context={"registrations": ids, "attendee": attendee["id"]},
            )
        return len(cancelled)


async def update_my_details(
    token: str,
    *,
    name: str | None = None,
    needs: str | None = None,
    role: str | None = None,
    language: str | None = None,
) -> None:
    """Change name, needs, role or language on every registration that is still to come."""
    attendee = await attendee_for_token(token)
    values: dict[Any, Any] = {}
    if name is not None:
        clean = " ".join(name.split())
        if not clean or len(clean) > MAX_NAME:
            raise DomainError(
                "name_invalid", "Fill in a name of at most 200 characters.", field="name"
            )
        values[Registration.name] = clean
    if needs is not None:
        if len(needs.strip()) > MAX_NEEDS:
            raise DomainError("needs_too_long", "Use at most 2000 characters.", field="needs")
        values[Registration.needs] = needs.strip()
    if role is not None:
        if role not in (*ROLES, ""):
            raise DomainError("role_unknown", f"Choose one of: {', '.join(ROLES)}.", field="role")
        values[Registration.role] = role or None
    if language is not None:
        if language not in LANGUAGES:
            raise DomainError("language_unknown", "Choose nl or en.", field="language")
        values[Registration.language] = language
    if not values:
        return
    # A whole-series registration keeps its own copy for the dates added later: it changes too,
    # so needs taken away do not come back with the next date.
    following = {
        getattr(SeriesSubscription, column._meta.name): value for column, value in values.items()
    }
    values[Registration.updated_at] = clock.now()
    async with db.transaction():
        await Registration.update(values).where(
            (Registration.attendee == attendee["id"])
            & (Registration.event_date.starts_at > clock.now())
        )
        await SeriesSubscription.update(following).where(
            (SeriesSubscription.attendee == attendee["id"])
            & SeriesSubscription.cancelled_at.is_null()
        )
        if language is not None:
            await Attendee.update({Attendee.language: language}).where(
                Attendee.id == attendee["id"]
            )


async def send_link(email: str) -> None:
    """Mail the person their manage link, if the address is known.

    The caller learns nothing: the answer is the same for a known and an unknown address, and
    the mail counts toward the address's hourly limit.
    """
    address = normalise_email(email)
    async with db.transaction():
        attendee = (
            await Attendee.select(Attendee.id, Attendee.email, Attendee.language)
            .where(Attendee.email == address)
            .first()
        )
        if attendee is None:
            # Nobody to mail, but the same counting as for a known address: the answer's
            # timing must not tell the two apart.
            await outbox.count_toward_limit(address)
            return
        await _queue_link(attendee)


async def _queue_link(attendee: dict[str, Any]) -> None:
    await outbox.enqueue(
        "manage_link",
        to_email=attendee["email"],
        language=attendee["language"],
        context={"attendee": attendee["id"]},
        limited=True,
    )


async def replace_manage_token(token: str) -> None:
    """A new manage link, sent by mail only; the old one stops working at once (404)."""
    attendee = await attendee_for_token(token)
    async with db.transaction():
        updated = (
            await Attendee.update({Attendee.manage_token: new_token()})
            .where((Attendee.id == attendee["id"]) & (Attendee.manage_token == token))
            .returning(Attendee.id)
        )
        if not updated:
            raise NotFound("link_unknown", "This link is not valid (any more).")
        await _queue_link(attendee)


async def confirm_held(token: str) -> int:
    """The person confirms their address: held registrations count from now on.

    Holds that ran out before the click are not revived (their places may be someone else's
    by now).  One mail (per organisation) then confirms the registrations, with their calendar
    invitations.
    Returns how many registrations were confirmed.
    """
    attendee = await attendee_for_token(token)
    now = clock.now()
    async with db.transaction():
        held = await Registration.select(Registration.id, Registration.event_date).where(
            (Registration.attendee == attendee["id"])
            & Registration.hold_until.is_not_null()
            & Registration.status.is_in(list(registrations.ACTIVE))
        )
        await seats.lock_dates(sorted({row["event_date"] for row in held}))
        confirmed = (
            await Registration.update({Registration.hold_until: None, Registration.updated_at: now})
            .where(
                (Registration.attendee == attendee["id"])
                & (Registration.hold_until >= now)
                & Registration.status.is_in(list(registrations.ACTIVE))
            )
            .returning(Registration.id, Registration.event_date)
        )
        await SeriesSubscription.update({SeriesSubscription.hold_until: None}).where(
            (SeriesSubscription.attendee == attendee["id"]) & (SeriesSubscription.hold_until >= now)
        )
        await Attendee.update({Attendee.verified_at: now}).where(
            (Attendee.id == attendee["id"]) & Attendee.verified_at.is_null()
        )
        organisations = await Registration.select(
            Registration.id,
            Registration.event_date.series.organisation.as_alias(  # type: ignore[union-attr]
                "organisation"
            ),
        ).where(Registration.id.is_in([row["id"] for row in confirmed] or [0]))
        for organisation_id, ids in _per_organisation(organisations).items():
            await outbox.enqueue(
                "registration_receipt",
                to_email=attendee["email"],
                language=attendee["language"],
                organisation_id=organisation_id,
                context={"registrations": ids, "already": [], "attendee": attendee["id"]},
            )
    return len(confirmed)


async def reissue_feed_token(token: str) -> str:
    """A new personal feed address; the old one stops working at once."""
    attendee = await attendee_for_token(token)
    new = new_token()
    async with db.transaction():
        await Attendee.update({Attendee.feed_token: new}).where(Attendee.id == attendee["id"])
    return new
