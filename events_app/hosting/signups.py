"""Sign-up lists for hosts and organisers, and the organiser's manual changes.

Hosts see only the dates they host (a ``SeriesHost`` row for the whole series or for that
date); organisers see every date of their organisation.  Anyone else is told the date does
not exist.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import Conflict, NotFound
from events_app.mail import outbox
from events_app.registration import cancelling, registrations, seats
from events_app.tables import EventDate, Membership, Registration, SeriesHost

__all__ = [
    "DateAccess",
    "access_to_date",
    "signup_list",
    "signup_csv",
    "add_by_hand",
    "cancel_by_organiser",
    "promote",
    "cell",
]


@dataclass(frozen=True, slots=True)
class DateAccess:
    date_id: int
    series_id: int
    organisation_id: int
    is_organiser: bool


async def access_to_date(actor: Actor, date_id: int, *, organiser_only: bool = False) -> DateAccess:
    row = (
        await EventDate.select(
            EventDate.id,
            EventDate.series,
            EventDate.series.organisation.as_alias("organisation"),
        )
        .where(EventDate.id == date_id)
        .first()
    )
    unknown = NotFound("not_found", "This does not exist or is not yours to see.")
    if row is None or row["organisation"] not in actor.roles:
        raise unknown
    organiser = actor.roles[row["organisation"]] == Membership.Role.organiser
    if not organiser:
        if organiser_only:
            raise unknown
        hosts = await SeriesHost.exists().where(
            (SeriesHost.account == actor.account_id)
            & (SeriesHost.series == row["series"])
            & (SeriesHost.event_date.is_null() | (SeriesHost.event_date == date_id))
        )
        if not hosts:
            raise unknown
    return DateAccess(date_id, row["series"], row["organisation"], organiser)


async def signup_list(actor: Actor, date_id: int) -> dict[str, Any]:
    """Confirmed, waiting (in order) and cancelled registrations of one date, with counts."""
    await access_to_date(actor, date_id)
    event_date = (
        await EventDate.select(
            EventDate.id,
            EventDate.local_start,
            EventDate.timezone,
            EventDate.confirmed_count,
            EventDate.waiting_count,
            EventDate.status,
            EventDate.series.title.as_alias("title"),
            EventDate.series.format.as_alias("format"),
        )
        .where(EventDate.id == date_id)
        .first()
    )
    assert event_date is not None
    rows = (
        await Registration.select(
            Registration.id,
            Registration.name,
            Registration.email,
            Registration.role,
            Registration.needs,
            Registration.answers,
            Registration.language,
            Registration.status,
            Registration.waiting_since,
            Registration.attended,
            Registration.attendance,
            Registration.source,
            Registration.hold_until,
            Registration.created_at,
            Registration.cancelled_at,
        )
        .where(Registration.event_date == date_id)
        .order_by(Registration.created_at)
        .order_by(Registration.id)
        .output(load_json=True)
    )
    waiting = sorted(
        (r for r in rows if r["status"] == Registration.Status.waiting),
        key=lambda r: (r["waiting_since"], r["id"]),
    )
    for position, row in enumerate(waiting, start=1):
        row["position"] = position
    confirmed = [r for r in rows if r["status"] == Registration.Status.confirmed]
    return {
        "event_date": event_date,
        "capacity": await seats.capacity_of(date_id),
        # A hybrid date: who comes on site and who online (of those with a place).
        "hybrid": event_date["format"] == "hybrid",
        "attendance": {
            choice: sum(1 for r in confirmed if r["attendance"] == choice)
            for choice in (*Registration.Attendance, None)
        },
        "confirmed": confirmed,
        "waiting": waiting,
        "cancelled": [r for r in rows if r["status"] == Registration.Status.cancelled],
    }


CSV_COLUMNS = ("status", "position", "name", "email", "role", "needs", "answers", "registered_at",
               "attendance")  # fmt: skip


async def signup_csv(actor: Actor, date_id: int) -> str:
    """The sign-up list as CSV for Excel and LibreOffice: UTF-8 with a byte-order mark, ';'.

    Dutch Excel splits columns on ';' and needs the BOM to read UTF-8; LibreOffice reads both.
    """
    data = await signup_list(actor, date_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for group in Registration.Status:  # confirmed, waiting, cancelled
        for row in data[group]:
            answers = "; ".join(f"{k}: {v}" for k, v in (row["answers"] or {}).items())
            writer.writerow(
                [
                    row["status"],
                    row.get("position", ""),
                    cell(row["name"]),
                    cell(row["email"]),
                    row["role"] or "",
                    cell(row["needs"]),
                    cell(answers),
                    row["created_at"].isoformat(timespec="minutes"),
                    row["attendance"] or "",
                ]
            )
    return "\ufeff" + buffer.getvalue()


def cell(value: str) -> str:
    """Keep spreadsheet programs from running a cell as a formula (CSV injection)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


async def add_by_hand(actor: Actor, date_id: int, **person: Any) -> registrations.Receipt:
    """An organiser adds someone (no consent box, registration times do not apply)."""
    await access_to_date(actor, date_id, organiser_only=True)
    return await registrations.register(
        [date_id], source="organiser", added_by=actor.account_id, **person
    )


async def _registration_date(registration_id: int) -> int:
    row = (
        await Registration.select(Registration.event_date)
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    return int(row["event_date"])


async def cancel_by_organiser(actor: Actor, registration_id: int) -> None:
    access = await access_to_date(
        actor, await _registration_date(registration_id), organiser_only=True
    )
    async with db.transaction():
        if not await cancelling.cancel(registration_id, by="organiser"):
            raise Conflict("already_cancelled", "This registration was already cancelled.")
        await audit.record(
            "registration_cancelled",
            "registration",
            registration_id,
            organisation_id=access.organisation_id,
            account_id=actor.account_id,
        )


async def promote(actor: Actor, registration_id: int) -> None:
    """Move one person from the waiting list onto the date, out of turn, if a seat is free."""
    date_id = await _registration_date(registration_id)
    access = await access_to_date(actor, date_id, organiser_only=True)
    async with db.transaction():
        locked = await seats.lock_dates([date_id])  # every day of a whole event
        row = await Registration.select().where(Registration.id == registration_id).first()
        assert row is not None
        if row["status"] != Registration.Status.waiting:
            raise Conflict("not_waiting", "This person is not on the waiting list.")
        rows = [row]
        if len(locked) > 1 and row["attendee"] is not None:  # one place on all its days
            rows = list(
                await Registration.select()
                .where(
                    (Registration.attendee == row["attendee"])
                    & Registration.event_date.is_in(sorted(locked))
                    & (Registration.status == Registration.Status.waiting)
                )
                .order_by(Registration.event_date)
            )
        for day in rows:
            if not await seats.take_seat(
                day["event_date"], await seats.capacity_of(day["event_date"])
            ):
                raise Conflict("date_full", "The date is full: raise its capacity first.")
            await EventDate.update({EventDate.waiting_count: EventDate.waiting_count - 1}).where(
                EventDate.id == day["event_date"]
            )
        now = clock.now()
        await Registration.update(
            {
                Registration.status: Registration.Status.confirmed,
                Registration.waiting_since: None,
                Registration.updated_at: now,
            }
        ).where(Registration.id.is_in([day["id"] for day in rows]))
        await outbox.enqueue(
            "event_promoted" if len(locked) > 1 else "registration_promoted",
            to_email=row["email"],
            to_name=row["name"],
            language=row["language"],
            organisation_id=access.organisation_id,
            date_id=None if len(locked) > 1 else date_id,
            registration_id=None if len(locked) > 1 else registration_id,
            context={"registrations": [day["id"] for day in rows], "attendee": row["attendee"]}
            if len(locked) > 1
            else None,
        )
        await audit.record(
            "registration_promoted",
            "registration",
            registration_id,
            organisation_id=access.organisation_id,
            account_id=actor.account_id,
        )
