"""What a person can do with their private manage link: no account, just the token.

The token is 256 bits from ``secrets``; an unknown token is simply "not found".  Deleting
one's data cancels every active registration (freeing seats for the waiting list), wipes the
personal data from past ones, and removes the person's tokens.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.person import LANGUAGES, MAX_NAME, MAX_NEEDS, ROLES
from events_app.services import registrations
from events_app.services.seats import waiting_position
from events_app.tables import Attendee, Registration, SeriesSubscription

__all__ = [
    "ManagedRegistration",
    "attendee_for_token",
    "my_registrations",
    "cancel_mine",
    "cancel_all_mine",
    "update_my_details",
    "export_my_data",
    "delete_my_data",
    "reissue_feed_token",
]


@dataclass(frozen=True, slots=True)
class ManagedRegistration:
    registration_id: int
    occurrence_id: int
    status: str
    position: int | None
    series_title: str
    series_slug: str
    local_start: datetime
    local_end: datetime
    timezone: str
    starts_at: datetime
    occurrence_status: str
    name: str
    role: str | None
    needs: str


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
            Registration.occurrence,
            Registration.status,
            Registration.name,
            Registration.role,
            Registration.needs,
            Registration.occurrence.series.title.as_alias("series_title"),  # type: ignore[union-attr]
            Registration.occurrence.series.slug.as_alias("series_slug"),  # type: ignore[union-attr]
            Registration.occurrence.local_start.as_alias("local_start"),
            Registration.occurrence.local_end.as_alias("local_end"),
            Registration.occurrence.timezone.as_alias("timezone"),
            Registration.occurrence.starts_at.as_alias("starts_at"),
            Registration.occurrence.status.as_alias("occurrence_status"),
        )
        .where(Registration.attendee == attendee["id"])
        .order_by(Registration.occurrence.starts_at)
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
                occurrence_id=row["occurrence"],
                status=row["status"],
                position=position,
                series_title=row["series_title"],
                series_slug=row["series_slug"],
                local_start=row["local_start"],
                local_end=row["local_end"],
                timezone=row["timezone"],
                starts_at=row["starts_at"],
                occurrence_status=row["occurrence_status"],
                name=row["name"],
                role=row["role"],
                needs=row["needs"],
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
        return await registrations.cancel(registration_id)


async def _active_ids(attendee_id: int) -> list[int]:
    rows = await Registration.select(Registration.id).where(
        (Registration.attendee == attendee_id)
        & Registration.status.is_in(list(registrations.ACTIVE))
        & (Registration.occurrence.starts_at > clock.now())
    )
    return [row["id"] for row in rows]


async def cancel_all_mine(token: str) -> int:
    attendee = await attendee_for_token(token)
    async with db.transaction():
        count = 0
        for registration_id in await _active_ids(attendee["id"]):
            count += await registrations.cancel(registration_id)
        await SeriesSubscription.update({SeriesSubscription.cancelled_at: clock.now()}).where(
            (SeriesSubscription.attendee == attendee["id"])
            & SeriesSubscription.cancelled_at.is_null()
        )
        return count


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
    values[Registration.updated_at] = clock.now()
    async with db.transaction():
        await Registration.update(values).where(
            (Registration.attendee == attendee["id"])
            & (Registration.occurrence.starts_at > clock.now())
        )
        if language is not None:
            await Attendee.update({Attendee.language: language}).where(
                Attendee.id == attendee["id"]
            )


async def export_my_data(token: str) -> dict[str, Any]:
    """Everything stored about the person, as plain JSON-able data."""
    attendee, mine = await my_registrations(token)
    details = (
        await Registration.select(
            Registration.id,
            Registration.email,
            Registration.answers,
            Registration.language,
            Registration.created_at,
            Registration.cancelled_at,
            Registration.attended,
        )
        .where(Registration.attendee == attendee["id"])
        .output(load_json=True)
    )
    by_id = {row["id"]: row for row in details}
    return {
        "email": attendee["email"],
        "language": attendee["language"],
        "created_at": attendee["created_at"].isoformat(),
        "registrations": [
            {
                "event": item.series_title,
                "starts": item.local_start.isoformat(timespec="minutes"),
                "timezone": item.timezone,
                "status": item.status,
                "name": item.name,
                "email": by_id[item.registration_id]["email"],
                "role": item.role,
                "needs": item.needs,
                "answers": by_id[item.registration_id]["answers"],
                "language": by_id[item.registration_id]["language"],
                "attended": by_id[item.registration_id]["attended"],
                "registered_at": by_id[item.registration_id]["created_at"].isoformat(),
            }
            for item in mine
        ],
    }


async def delete_my_data(token: str) -> None:
    attendee = await attendee_for_token(token)
    now = clock.now()
    async with db.transaction():
        for registration_id in await _active_ids(attendee["id"]):
            await registrations.cancel(registration_id, notify=False)
        await Registration.update(
            {
                Registration.name: "",
                Registration.email: "",
                Registration.needs: "",
                Registration.answers: {},
                Registration.attendee: None,
                Registration.anonymised_at: now,
                Registration.updated_at: now,
            }
        ).where(Registration.attendee == attendee["id"])
        await Attendee.delete().where(Attendee.id == attendee["id"])


async def reissue_feed_token(token: str) -> str:
    """A new personal feed address; the old one stops working at once."""
    attendee = await attendee_for_token(token)
    new = registrations.new_token()
    async with db.transaction():
        await Attendee.update({Attendee.feed_token: new}).where(Attendee.id == attendee["id"])
    return new
