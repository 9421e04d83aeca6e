"""Registering: one transaction per request, the mail queued in the same transaction.

A person registers for one or more dates with one form.  Each date gets its own registration
(confirmed, or waiting when full and the series keeps a waiting list), and the whole request
causes exactly **one** mail, listing every date with a calendar invitation for each.

Whoever sends the form need not own the address, so the answer never tells them more than
what they asked for: no manage link, no feed address, no "already registered".  Registering
an address again for a date it already has changes nothing and answers exactly the same; only
the mail (to the mailbox) says so.  Errors that stop a registration (a full date without a
waiting list, closed registration) depend on the date alone, never on the person.

"Confirm first" (per organisation, or per series): a registration from an address that has
never proven its mailbox is *held* — it takes its seat or queue place, but only for
``EVENTS_CONFIRM_HOLD_MINUTES`` — until the person presses "confirm" behind the link in the
mail; unconfirmed holds are given back by the worker
(:func:`events_app.registration.cancelling.release_expired_holds`).

One registration, in the one global lock order: the person's rows first (the hourly mail
counter, the address: :mod:`~events_app.registration.attendees`), then the request is checked
(:mod:`~events_app.registration.request`), then a whole-series registration's series row and
every date of the request are locked (:mod:`~events_app.registration.locking`), and the seats,
rows and mail decided under those locks are written here.  A unique-index race (the same
address for the same date twice at once) is retried by the outermost caller only, in a fresh
transaction.

On PostgreSQL the writes are sent in one statement (:class:`events_app.db.Writes`): with
BEGIN, COMMIT and the rate limit's upsert before the transaction, six round trips in all for a
new address.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns import Column
from piccolo.utils.encoding import dump_json

from events_app import audit, clock, db
from events_app.domain import together
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.domain.person import clean_contact
from events_app.domain.seats import check_open, effective_capacity
from events_app.mail import outbox
from events_app.registration.attendees import note_attendance, person_and_dates
from events_app.registration.locking import lock, lock_series
from events_app.registration.request import (
    MAX_DATES,
    Form,
    Request,
    checked,
    dates_added_meanwhile,
    facts,
    questions_for,
)
from events_app.settings import get_settings
from events_app.tables import EventDate, Registration, SeriesSubscription

# MAX_DATES and questions_for are named here too: the pages and the API ask the module where
# registering starts what a registration form may hold.
__all__ = [
    "ACTIVE",
    "MAX_DATES",
    "Outcome",
    "Receipt",
    "questions_for",
    "register",
]

ACTIVE = (Registration.Status.confirmed, Registration.Status.waiting)
ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one date (for organisers and tests; never shown to the public)."""

    date_id: int
    registration_id: int
    status: str
    position: int | None
    already_registered: bool


@dataclass(frozen=True, slots=True)
class Receipt:
    email: str
    outcomes: tuple[Outcome, ...]
    held: bool  # waiting for the person to confirm their address

    @property
    def date_ids(self) -> tuple[int, ...]:
        return tuple(o.date_id for o in self.outcomes)


async def register(
    date_ids: Sequence[int],
    *,
    name: str,
    email: str,
    language: str | None = None,
    role: str | None = None,
    needs: str | None = None,
    answers: dict[str, Any] | None = None,
    consent: bool = False,
    source: str = "self",
    added_by: int | None = None,
    subscribe_series: int | None = None,
    attendance: str | None = None,
    receipt_kind: str = "registration_receipt",
) -> Receipt:
    """Register one person for the given dates of one organisation (one mail in all).

    ``subscribe_series``: also register for the series' dates added later (a whole-series
    registration), in the same transaction.  ``attendance``: on site or online, for the
    hybrid dates (see :mod:`events_app.domain.attendance`).  ``receipt_kind``: the mail
    (an accepted application's reads as such).
    """
    ids = list(dict.fromkeys(date_ids))
    if not ids:
        raise DomainError("dates_missing", "Choose at least one date.", field="date_ids")
    if len(ids) > MAX_DATES:
        raise DomainError("too_many_dates", f"Choose at most {MAX_DATES} dates.")
    form = Form(
        ids=ids,
        contact=clean_contact(name=name, email=email, language=language, role=role, needs=needs),
        answers=answers or {},
        consent=consent,
        source=source,
        added_by=added_by,
        subscribe_series=subscribe_series,
        attendance=attendance,
        receipt_kind=receipt_kind,
    )
    if db.in_transaction():
        # Joined: the caller's transaction is the unit of work, and only it may retry.
        return await _register_in_transaction(form)
    for attempt in range(ATTEMPTS):
        try:
            async with db.transaction():
                return await _register_in_transaction(form)
        except Exception as exc:
            # Two requests by the same address for the same date raced past the check for an
            # existing registration; the unique index stopped the second.  Again, in a new
            # transaction: it finds what the first made.
            if not db.is_unique_violation(exc) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def _register_in_transaction(form: Form) -> Receipt:
    # The person's rows first (their mail counter, their address), then the series and the
    # dates: the order every unit of work keeps, and the dates stay locked for less time.
    # What the request asks is checked after the person's rows (a refusal rolls them back).
    mail_allowed, attendee, dates = await person_and_dates(form)
    request = await checked(form, dates)
    dates = request.dates
    if request.subscribe_series is not None:
        await lock_series(request.subscribe_series)
        dates = dates + await dates_added_meanwhile(request)
    locked = await lock(dates, attendee["id"])
    now = clock.now()  # after the locks: the waiting list is ordered by this instant
    fresh = []
    for row in dates:
        date = locked.get(row["id"])
        if date is None:
            raise NotFound("date_unknown", "One of the chosen dates does not exist.")
        # The date may have been moved, cancelled or filled since it was read.
        row = {**row, **date, "version": row["version"]}
        if request.source == "self":
            check_open(facts(row), now)
        elif row["status"] != EventDate.Status.scheduled:
            raise Conflict("date_cancelled", "This date has been cancelled.")
        capacity = effective_capacity(date["capacity"], row["series_capacity"])
        full = capacity is not None and date["confirmed_count"] >= capacity
        fresh.append({**row, "capacity": capacity, "full": full})
    one_seat_per_event(fresh)
    for row in fresh:
        if row["full"] and not row["waitlist"]:
            # Decided before looking at the person: the answer must not depend on whether
            # this address is already registered.
            raise Conflict("date_full", "This date is full and has no waiting list.")
    hold_until: datetime | None = None
    if request.confirm_first and attendee["verified_at"] is None:
        hold_until = now + timedelta(minutes=get_settings().confirm_hold_minutes)
    writes = db.Writes()
    outcomes = [
        await _register_one(row, attendee["id"], request, hold_until, now, writes) for row in fresh
    ]
    if request.subscribe_series is not None:
        await _subscribe(request, attendee["id"], hold_until, now)
    if request.added_by is not None:
        for outcome in outcomes:
            await audit.record(
                "registration_added",
                "registration",
                outcome.registration_id,
                organisation_id=request.organisation_id,
                account_id=request.added_by,
            )
    held = hold_until is not None
    await outbox.enqueue(
        "registration_confirm" if held else request.receipt_kind,
        to_email=request.person.email,
        to_name=request.person.name,
        language=request.person.language,
        organisation_id=request.organisation_id,
        context={
            "registrations": [o.registration_id for o in outcomes],
            "already": [o.registration_id for o in outcomes if o.already_registered],
            "attendee": attendee["id"],
        },
        held=not mail_allowed,
        writes=writes,
    )
    await writes.send()
    await note_attendance(
        request, fresh, [None if o.already_registered else o.registration_id for o in outcomes]
    )
    return Receipt(email=request.person.email, outcomes=tuple(outcomes), held=held)


def one_seat_per_event(rows: list[dict[str, Any]]) -> None:
    """The days of an event registered as one share one seat and one waiting list: when one
    day is full, the person waits for all of them.  A person already on the event keeps the
    place they have on every day (a day added later follows the others)."""
    events: dict[int, list[dict[str, Any]]] = {}
    for row in rows:
        if row["together"]:
            events.setdefault(row["series"], []).append(row)
    for days in events.values():
        full = together.event_full(
            together.EventDay(d["starts_at"], d["confirmed_count"], d["capacity"]) for d in days
        )
        held = [
            d["registration_status"]
            for d in days
            if d["registration"] is not None and d["registration_status"] in ACTIVE
        ]
        if held:
            full = held[0] == Registration.Status.waiting
        for day in days:
            day["full"] = full


_NEW_REGISTRATION = """
INSERT INTO registration ({id}event_date, attendee, name, email, role, needs, answers, language,
                          status, waiting_since, source, hold_until, created_at, updated_at)
VALUES ({value}{{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}})
"""
_SEAT = "UPDATE event_date SET confirmed_count = confirmed_count + 1 WHERE id = {}"
_PLACE_IN_QUEUE = "UPDATE event_date SET waiting_count = waiting_count + 1 WHERE id = {}"


async def _register_one(
    row: dict[str, Any],
    attendee_id: int,
    request: Request,
    hold_until: datetime | None,
    now: datetime,
    writes: db.Writes,
) -> Outcome:
    """One date of the request, its date locked: a seat when one is free, else a place in
    the queue (a full date without a waiting list was refused before)."""
    date_id = row["id"]
    person = request.person
    if row["registration"] is not None and row["registration_status"] in ACTIVE:
        # Nothing changes: not the details (a stranger may be typing someone else's address),
        # not the place in the queue.  The mail tells the owner of the address.
        return Outcome(
            date_id=date_id,
            registration_id=row["registration"],
            status=row["registration_status"],
            position=None,
            already_registered=True,
        )
    if row["full"]:
        status = Registration.Status.waiting
        await writes.add(_PLACE_IN_QUEUE, date_id)
    else:
        status = Registration.Status.confirmed
        await writes.add(_SEAT, date_id)
    values: dict[Column | str, Any] = {
        Registration.name: person.name,
        Registration.email: person.email,
        Registration.role: person.role,
        Registration.needs: person.needs,
        Registration.answers: person.answers,
        Registration.language: person.language,
        Registration.status: status,
        Registration.waiting_since: now if status == Registration.Status.waiting else None,
        Registration.source: request.source,
        Registration.hold_until: hold_until,
        Registration.updated_at: now,
        Registration.cancelled_at: None,
        Registration.attended: None,
    }
    columns = (
        date_id,
        attendee_id,
        person.name,
        person.email,
        person.role,
        person.needs,
        dump_json(person.answers),
        person.language,
        str(status),
        values[Registration.waiting_since],
        request.source,
        hold_until,
        now,
        now,
    )
    if row["registration"] is not None:  # cancelled before: the same row comes back to life
        registration_id = int(row["registration"])
        await Registration.update(values).where(Registration.id == registration_id)
    elif row["new_registration"] is not None:  # PostgreSQL: the id came with the lock
        registration_id = int(row["new_registration"])
        sql = _NEW_REGISTRATION.format(id="id, ", value="{}, ")
        await writes.add(sql, registration_id, *columns)
    else:
        sql = _NEW_REGISTRATION.format(id="", value="") + " RETURNING id"
        registration_id = int((await db.execute(sql, *columns))[0]["id"])
    return Outcome(
        date_id=date_id,
        registration_id=registration_id,
        status=status,
        position=None,
        already_registered=False,
    )


async def _subscribe(
    request: Request, attendee_id: int, hold_until: datetime | None, now: datetime
) -> None:
    series_id = request.subscribe_series
    assert series_id is not None
    existing = (
        await SeriesSubscription.select(SeriesSubscription.id, SeriesSubscription.cancelled_at)
        .where(
            (SeriesSubscription.series == series_id) & (SeriesSubscription.attendee == attendee_id)
        )
        .first()
    )
    person = request.person
    values: dict[Any, Any] = {
        "name": person.name,
        "role": person.role,
        "needs": person.needs,
        "answers": person.answers,
        "language": person.language,
        "attendance": request.attendance,
        "hold_until": hold_until,
    }
    if existing is None:
        await SeriesSubscription.insert(
            SeriesSubscription(series=series_id, attendee=attendee_id, created_at=now, **values)
        )
    elif existing["cancelled_at"] is not None:
        await SeriesSubscription.update({"cancelled_at": None, **values}).where(
            SeriesSubscription.id == existing["id"]
        )
    # An active subscription stays as it is, whoever typed the address this time.
