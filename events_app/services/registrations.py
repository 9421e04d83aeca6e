"""Registering and cancelling: one transaction each, the mail queued in the same transaction.

A person registers for one or more dates with one form.  Each date gets its own registration
(confirmed, or waiting when full and the series keeps a waiting list) and its own mail, because
a calendar invitation carries one date.  Registering again with the same address for the same
date returns the existing registration and sends its details again; it never takes a second seat.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from piccolo.columns import Column

from events_app import clock, db
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.domain.person import PersonDetails, QuestionSpec, clean_person
from events_app.domain.seats import DateFacts, check_open, effective_capacity
from events_app.services import audit, outbox, seats
from events_app.tables import Attendee, Occurrence, Organisation, Question, Registration, Series

__all__ = [
    "Outcome",
    "Receipt",
    "MAX_DATES",
    "register",
    "cancel",
    "questions_for",
    "new_token",
]

MAX_DATES = 100
ACTIVE = (Registration.Status.confirmed, Registration.Status.waiting)


@dataclass(frozen=True, slots=True)
class Outcome:
    occurrence_id: int
    registration_id: int
    status: str
    position: int | None
    already_registered: bool


@dataclass(frozen=True, slots=True)
class Receipt:
    manage_token: str
    feed_token: str
    email: str
    outcomes: tuple[Outcome, ...]


def new_token() -> str:
    """An unguessable token (256 bits) for manage links and personal feeds."""
    return secrets.token_urlsafe(32)


async def _dates(occurrence_ids: Sequence[int]) -> list[dict[str, Any]]:
    rows = await Occurrence.select(
        Occurrence.id,
        Occurrence.series,
        Occurrence.status,
        Occurrence.starts_at,
        Occurrence.capacity,
        Occurrence.series.organisation.as_alias("organisation"),
        Occurrence.series.capacity.as_alias("series_capacity"),
        Occurrence.series.waitlist.as_alias("waitlist"),
        Occurrence.series.published.as_alias("published"),
        Occurrence.series.status.as_alias("series_status"),
        Occurrence.series.registration_mode.as_alias("registration_mode"),
        Occurrence.series.registration_opens_at.as_alias("opens_at"),
        Occurrence.series.registration_closes_at.as_alias("closes_at"),
    ).where(Occurrence.id.is_in(list(occurrence_ids)))
    by_id = {row["id"]: row for row in rows}
    missing = [i for i in occurrence_ids if i not in by_id]
    if missing:
        raise NotFound("date_unknown", "One of the chosen dates does not exist.")
    return [by_id[i] for i in occurrence_ids]


def _facts(row: dict[str, Any]) -> DateFacts:
    return DateFacts(
        status=row["status"],
        starts_at=row["starts_at"],
        series_status=row["series_status"],
        published=row["published"],
        registration_mode=row["registration_mode"],
        opens_at=row["opens_at"],
        closes_at=row["closes_at"],
    )


async def questions_for(organisation_id: int, series_ids: Sequence[int]) -> list[QuestionSpec]:
    rows = (
        await Question.select()
        .where(
            (Question.organisation == organisation_id)
            & (Question.series.is_null() | Question.series.is_in(list(series_ids) or [0]))
        )
        .order_by(Question.position)
        .order_by(Question.id)
        .output(load_json=True)
    )
    return [
        QuestionSpec(
            id=row["id"],
            label=row["label"],
            kind=row["kind"],
            required=row["required"],
            choices=tuple(row["choices"] or ()),
        )
        for row in rows
    ]


async def register(
    occurrence_ids: Sequence[int],
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
) -> Receipt:
    """Register one person for the given dates of one organisation."""
    ids = list(dict.fromkeys(occurrence_ids))
    if not ids:
        raise DomainError("dates_missing", "Choose at least one date.", field="occurrence_ids")
    if len(ids) > MAX_DATES:
        raise DomainError("too_many_dates", f"Choose at most {MAX_DATES} dates.")
    dates = await _dates(ids)
    organisations = {row["organisation"] for row in dates}
    if len(organisations) != 1:
        raise DomainError("mixed_organisations", "Register for one organisation's dates at a time.")
    organisation_id = organisations.pop()
    organisation = (
        await Organisation.select(Organisation.consent_text, Organisation.language)
        .where(Organisation.id == organisation_id)
        .first()
    )
    assert organisation is not None
    now = clock.now()
    if source == "self":
        for row in dates:
            check_open(_facts(row), now)
    person = clean_person(
        name=name,
        email=email,
        language=language,
        role=role,
        needs=needs,
        answers=answers,
        questions=await questions_for(organisation_id, [row["series"] for row in dates]),
        consent_required=source == "self" and bool(organisation["consent_text"].strip()),
        consent=consent,
        default_language=organisation["language"],
    )
    for attempt in range(3):
        try:
            async with db.transaction():
                receipt = await _register_in_transaction(dates, person, organisation_id, source)
                if added_by is not None:
                    for outcome in receipt.outcomes:
                        await audit.record(
                            "registration_added",
                            "registration",
                            outcome.registration_id,
                            organisation_id=organisation_id,
                            account_id=added_by,
                        )
                return receipt
        except Exception as exc:
            # Two requests for the same address raced past the existence checks; the unique
            # indexes stopped the second one.  Once more, and it finds what the first made.
            if not db.is_unique_violation(exc) or attempt == 2:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def _attendee(person: PersonDetails) -> dict[str, Any]:
    row = await Attendee.select().where(Attendee.email == person.email).first()
    if row is not None:
        return row
    inserted = await Attendee.insert(
        Attendee(
            email=person.email,
            manage_token=new_token(),
            feed_token=new_token(),
            language=person.language,
            created_at=clock.now(),
        )
    ).returning(*Attendee.all_columns())
    return inserted[0]


async def _register_in_transaction(
    dates: list[dict[str, Any]], person: PersonDetails, organisation_id: int, source: str
) -> Receipt:
    attendee = await _attendee(person)
    outcomes = []
    for row in dates:
        outcomes.append(await _register_one(row, attendee, person, organisation_id, source))
    return Receipt(
        manage_token=attendee["manage_token"],
        feed_token=attendee["feed_token"],
        email=person.email,
        outcomes=tuple(outcomes),
    )


async def _register_one(
    row: dict[str, Any],
    attendee: dict[str, Any],
    person: PersonDetails,
    organisation_id: int,
    source: str,
) -> Outcome:
    occurrence_id = row["id"]
    locked = await seats.lock_date(occurrence_id)
    now = clock.now()  # after the lock: the waiting list is ordered by this instant
    if locked is None:
        raise NotFound("date_unknown", "One of the chosen dates does not exist.")
    # The date may have been moved or cancelled since it was read outside the transaction.
    row = {
        **row,
        "status": locked["status"],
        "starts_at": locked["starts_at"],
        "capacity": locked["capacity"],
    }
    if source == "self":
        check_open(_facts(row), now)
    elif row["status"] != Occurrence.Status.scheduled:
        raise Conflict("date_cancelled", "This date has been cancelled.")
    existing = (
        await Registration.select(Registration.id, Registration.status)
        .where(
            (Registration.occurrence == occurrence_id) & (Registration.attendee == attendee["id"])
        )
        .first()
    )
    if existing is not None and existing["status"] in ACTIVE:
        await outbox.enqueue(
            "registration_details",
            to_email=person.email,
            to_name=person.name,
            language=person.language,
            organisation_id=organisation_id,
            occurrence_id=occurrence_id,
            registration_id=existing["id"],
        )
        return Outcome(
            occurrence_id=occurrence_id,
            registration_id=existing["id"],
            status=existing["status"],
            position=await seats.waiting_position(existing["id"]),
            already_registered=True,
        )
    capacity = effective_capacity(row["capacity"], row["series_capacity"])
    if await seats.take_seat(occurrence_id, capacity):
        status = Registration.Status.confirmed
    elif row["waitlist"]:
        status = Registration.Status.waiting
        await Occurrence.update({Occurrence.waiting_count: Occurrence.waiting_count + 1}).where(
            Occurrence.id == occurrence_id
        )
    else:
        raise Conflict("date_full", "This date is full and has no waiting list.")
    values: dict[Column | str, Any] = {
        Registration.name: person.name,
        Registration.email: person.email,
        Registration.role: person.role,
        Registration.needs: person.needs,
        Registration.answers: person.answers,
        Registration.language: person.language,
        Registration.status: status,
        Registration.waiting_since: now if status == Registration.Status.waiting else None,
        Registration.source: source,
        Registration.updated_at: now,
        Registration.cancelled_at: None,
        Registration.attended: None,
    }
    if existing is not None:  # cancelled before: the same row comes back to life
        registration_id = int(existing["id"])
        await Registration.update(values).where(Registration.id == registration_id)
    else:
        inserted = await Registration.insert(
            Registration(
                occurrence=occurrence_id,
                attendee=attendee["id"],
                created_at=now,
                **{_name(column): value for column, value in values.items()},
            )
        ).returning(Registration.id)
        registration_id = int(inserted[0]["id"])
    position = (
        await seats.waiting_position(registration_id)
        if status == Registration.Status.waiting
        else None
    )
    await outbox.enqueue(
        "registration_confirmed"
        if status == Registration.Status.confirmed
        else "registration_waiting",
        to_email=person.email,
        to_name=person.name,
        language=person.language,
        context={"position": position} if position else {},
        organisation_id=organisation_id,
        occurrence_id=occurrence_id,
        registration_id=registration_id,
    )
    return Outcome(
        occurrence_id=occurrence_id,
        registration_id=registration_id,
        status=status,
        position=position,
        already_registered=False,
    )


def _name(column: Column | str) -> str:
    return column if isinstance(column, str) else column._meta.name


async def cancel(registration_id: int, *, notify: bool = True, by: str = "self") -> bool:
    """Cancel one registration inside the caller's transaction; frees its seat or queue place.

    Returns False when it was already cancelled.  The freed seat goes to the first person
    waiting, in the same transaction.
    """
    row = (
        await Registration.select(
            Registration.id,
            Registration.status,
            Registration.occurrence,
            Registration.email,
            Registration.name,
            Registration.language,
            Registration.occurrence.series.organisation.as_alias(  # type: ignore[union-attr]
                "organisation"
            ),
        )
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None:
        raise NotFound("registration_unknown", "This registration does not exist.")
    await seats.lock_date(row["occurrence"])
    status = (
        await Registration.select(Registration.status)
        .where(Registration.id == registration_id)
        .first()
    )
    assert status is not None
    row["status"] = status["status"]  # read again now that the date is locked
    if row["status"] not in ACTIVE:
        return False
    now = clock.now()
    await Registration.update(
        {
            Registration.status: Registration.Status.cancelled,
            Registration.cancelled_at: now,
            Registration.waiting_since: None,
            Registration.updated_at: now,
        }
    ).where(Registration.id == registration_id)
    if row["status"] == Registration.Status.confirmed:
        await seats.release_seat(row["occurrence"])
    else:
        await Occurrence.update({Occurrence.waiting_count: Occurrence.waiting_count - 1}).where(
            (Occurrence.id == row["occurrence"]) & (Occurrence.waiting_count > 0)
        )
    if notify and row["email"]:
        await outbox.enqueue(
            "registration_cancelled",
            to_email=row["email"],
            to_name=row["name"],
            language=row["language"],
            context={"by": by},
            organisation_id=row["organisation"],
            occurrence_id=row["occurrence"],
            registration_id=registration_id,
        )
    await seats.fill_free_seats(row["occurrence"])
    return True


async def series_of(occurrence_id: int) -> int:
    row = await Occurrence.select(Occurrence.series).where(Occurrence.id == occurrence_id).first()
    if row is None:
        raise NotFound("date_unknown", "This date does not exist.")
    return int(row["series"])


async def published_series(series_id: int) -> dict[str, Any]:
    row = await Series.select().where((Series.id == series_id) & Series.published.eq(True)).first()
    if row is None:
        raise NotFound("series_unknown", "This event does not exist.")
    return row
