"""A date's materials: links, a written text or a file (kept in the database), and the one
"here are the materials" mail that the organiser sends when they are all there.

Adding or removing a material mails nobody.  :func:`send_materials` queues one mail per person
(everyone registered, or only those who came) listing every material of the date; it is only
possible after the date ended, a second time only when confirmed, and never twice within a few
minutes (see :func:`events_app.domain.materials.may_send`).  Who sent it when is read from the
audit log, which that same transaction writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import audit, clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain import materials as rules
from events_app.domain.errors import Conflict, DomainError, NotFound, gather
from events_app.mail import outbox
from events_app.series import details as series_details
from events_app.settings import get_settings
from events_app.tables import AuditLog, EventDate, Material, Registration

__all__ = [
    "StoredFile",
    "add_file",
    "audience_counts",
    "check_access",
    "add_link",
    "add_text",
    "delete_material",
    "file_for_organiser",
    "last_sent",
    "public_file",
    "send_materials",
    "sent_before",
]

SENT = "materials_sent"  # the audit action that records a sending
TITLE_LIMIT = 200  # the column's length: longer is refused, never cut


@dataclass(frozen=True, slots=True)
class StoredFile:
    name: str
    content_type: str
    inline: bool
    data: bytes


def _title(title: str) -> tuple[str, DomainError | None]:
    title = " ".join(title.split())
    if not title:
        return title, DomainError("title_missing", "Give the material a title.", field="title")
    if len(title) > TITLE_LIMIT:
        return title, DomainError(
            "title_too_long", f"Use at most {TITLE_LIMIT} characters.", field="title"
        )
    return title, None


async def _insert(actor: Actor, date_id: int, values: dict[str, Any]) -> dict[str, Any]:
    """One new material, recorded in the audit log; nobody is mailed."""
    async with db.transaction():
        _, series = await owned.date_for(actor, date_id, lock=True)
        rows = await Material.insert(
            Material(event_date=date_id, created_at=clock.now(), **values)
        ).returning(Material.id)
        material_id = int(rows[0]["id"])
        await audit.record(
            "material_added",
            "material",
            material_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"date_id": date_id, "title": values["title"],
                    "kind": values["kind"]},
        )  # fmt: skip
    shown = {k: v for k, v in values.items() if k != "data"}
    return {"id": material_id, "url": "", "body": "", "file_name": "", "size": 0, **shown}


async def add_link(actor: Actor, date_id: int, title: str, url: str) -> dict[str, Any]:
    title, refused = _title(title)
    problems = [refused] if refused else []
    try:
        url = series_details.check_url(url, "url")
        if not url:
            raise DomainError("url_missing", "Give the address of the material.", field="url")
    except DomainError as exc:
        problems.append(exc)
    gather(problems)
    values = {"kind": Material.Kind.link, "title": title, "url": url}
    return await _insert(actor, date_id, values)


async def add_text(actor: Actor, date_id: int, title: str, body: str) -> dict[str, Any]:
    """A written material (a report, the questions from the chat); line breaks are kept."""
    title, refused = _title(title)
    problems = [refused] if refused else []
    try:
        body = rules.check_text(body)
    except DomainError as exc:
        problems.append(exc)
    gather(problems)
    values = {"kind": Material.Kind.text, "title": title, "body": body}
    return await _insert(actor, date_id, values)


async def add_file(
    actor: Actor, date_id: int, title: str, file_name: str, data: bytes
) -> dict[str, Any]:
    """A file kept in the database; without a title its cleaned name is the title."""
    problems: list[DomainError] = []
    name, kind = "", None
    try:
        name, kind = rules.check_file(file_name, data, get_settings().max_upload_bytes)
    except DomainError as exc:
        problems.append(exc)
    title, refused = _title(title or name)
    if refused and name:
        problems.append(refused)
    gather(problems)
    assert kind is not None
    values = {
        "kind": Material.Kind.file, "title": title, "file_name": name,
        "content_type": kind.content_type, "size": len(data), "data": data,
    }  # fmt: skip
    return await _insert(actor, date_id, values)


async def delete_material(actor: Actor, date_id: int, material_id: int) -> None:
    async with db.transaction():
        _, series = await owned.date_for(actor, date_id, lock=True)
        rows = (
            await Material.delete()
            .where((Material.id == material_id) & (Material.event_date == date_id))
            .returning(Material.id)
        )
        if not rows:
            raise NotFound("not_found", "This does not exist or is not yours to see.")
        await audit.record(
            "material_deleted",
            "material",
            material_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"date_id": date_id},
        )


async def _file(date_id: int, material_id: int) -> StoredFile | None:
    row = (
        await Material.select(Material.file_name, Material.content_type, Material.data)
        .where(
            (Material.id == material_id)
            & (Material.event_date == date_id)
            & (Material.kind == Material.Kind.file)
        )
        .first()
    )
    if row is None or row["data"] is None:
        return None
    kind = rules.file_type_for(row["file_name"])
    return StoredFile(
        row["file_name"], row["content_type"], bool(kind and kind.inline), bytes(row["data"])
    )


async def public_file(series_slug: str, date_id: int, material_id: int) -> StoredFile:
    """A file, for whoever may see the date's page (a published series): the same people who
    see its materials listed there.  Anything else is "not found"."""
    date = (
        await EventDate.select(EventDate.id)
        .where(
            (EventDate.id == date_id)
            & (EventDate.series.slug == series_slug)
            & EventDate.series.published.eq(True)  # type: ignore[union-attr]
        )
        .first()
    )
    found = await _file(date_id, material_id) if date else None
    if found is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    return found


async def file_for_organiser(actor: Actor, date_id: int, material_id: int) -> StoredFile:
    """A file of a date of the organiser's own organisation (published or not)."""
    await owned.date_for(actor, date_id)
    found = await _file(date_id, material_id)
    if found is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    return found


async def check_access(actor: Actor, date_id: int) -> None:
    """Only the organisers of the date's organisation ("not found" for anyone else)."""
    await owned.date_for(actor, date_id)


async def last_sent(date_id: int) -> datetime | None:
    """When the date's materials were last mailed (None: never)."""
    row = (
        await AuditLog.select(AuditLog.created_at)
        .where(
            (AuditLog.action == SENT)
            & (AuditLog.entity == "event_date")
            & (AuditLog.entity_id == date_id)
        )
        .order_by(AuditLog.created_at, ascending=False)
        .first()
    )
    return row["created_at"] if row else None


async def send_materials(actor: Actor, date_id: int, audience: str, *, again: bool = False) -> int:
    """Queue one mail per person (by address) with all the date's materials: to everyone
    registered (confirmed, or marked present) or only to those who came.  Returns how many."""
    if audience not in rules.AUDIENCES:
        raise DomainError("audience_invalid", "Choose who gets the materials.", field="audience")
    async with db.transaction():
        date, series = await owned.date_for(actor, date_id, lock=True)
        now = clock.now()
        if date["status"] != EventDate.Status.scheduled:
            raise Conflict("materials_not_held", "This date did not take place.")
        rules.may_send(date["ends_at"], now, await last_sent(date_id), again)
        if not await Material.exists().where(Material.event_date == date_id):
            raise Conflict("materials_none", "Add the materials first.")
        came = Registration.attended.eq(True)
        who = came if audience == "attended" else (
            came | (Registration.status == Registration.Status.confirmed)
        )  # fmt: skip
        people = await (
            Registration.select(
                Registration.id, Registration.email, Registration.name, Registration.language
            )
            .where(
                (Registration.event_date == date_id)
                & (Registration.email != "")
                & Registration.anonymised_at.is_null()
                & who
            )
            .order_by(Registration.id)
        )
        seen: set[str] = set()
        for person in people:
            address = person["email"].strip().lower()
            if address in seen:
                continue
            seen.add(address)
            await outbox.enqueue(
                "materials_available",
                to_email=person["email"],
                to_name=person["name"],
                language=person["language"],
                organisation_id=series["organisation"],
                date_id=date_id,
                registration_id=person["id"],
            )
        await audit.record(
            SENT,
            "event_date",
            date_id,
            organisation_id=series["organisation"],
            account_id=actor.account_id,
            detail={"audience": audience, "recipients": len(seen)},
        )
    return len(seen)


async def audience_counts(date_id: int) -> dict[str, int]:
    """How many people each choice of :func:`send_materials` reaches (by registration)."""
    base = (
        (Registration.event_date == date_id)
        & (Registration.email != "")
        & Registration.anonymised_at.is_null()
    )
    came = Registration.attended.eq(True)
    confirmed = Registration.status == Registration.Status.confirmed
    return {
        "attended": await Registration.count().where(base & came),
        "registered": await Registration.count().where(base & (came | confirmed)),
    }


async def sent_before(date_ids: list[int]) -> dict[int, datetime]:
    """For the organiser's page: when each date's materials were last mailed."""
    rows = await AuditLog.select(AuditLog.entity_id, AuditLog.created_at).where(
        (AuditLog.action == SENT)
        & (AuditLog.entity == "event_date")
        & AuditLog.entity_id.is_in(date_ids or [0])
    )
    result: dict[int, datetime] = {}
    for row in rows:
        key = int(row["entity_id"])
        if key not in result or row["created_at"] > result[key]:
            result[key] = row["created_at"]
    return result
