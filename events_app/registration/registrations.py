"""Registering and cancelling: one transaction each, the mail queued in the same transaction.

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
mail; unconfirmed holds are given back by the worker (:func:`release_expired_holds`).

Locks, in the one global order: the person's rows first (the hourly mail counter, the address),
then a whole-series registration's series row, then every date of the request in id order, in
one statement — so two requests for the same dates in different orders cannot deadlock, and
the dates stay locked only for the seat, the rows and the mail.  A unique-index race (the same
address for the same date twice at once) is retried by the outermost caller only, in a fresh
transaction.

Round trips are what a registration costs most on PostgreSQL, so there the dates with their
rules and the person's rows are read and written in one statement, the dates are locked
together with their series' seats and the person's registrations (and ids for new ones), and
the seats, rows and mail decided under those locks are written in one more
(:class:`events_app.db.Writes`): with BEGIN, COMMIT and the rate limit's upsert before the
transaction, six in all for a new address.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from piccolo.columns import Column
from piccolo.utils.encoding import dump_json

from events_app import audit, clock, db
from events_app.domain.errors import Busy, Conflict, DomainError, NotFound
from events_app.domain.person import (
    Contact,
    PersonDetails,
    QuestionSpec,
    clean_contact,
    complete_person,
)
from events_app.domain.seats import DateFacts, check_open, effective_capacity
from events_app.mail import outbox
from events_app.registration import seats
from events_app.settings import get_settings
from events_app.tables import (
    Attendee,
    Occurrence,
    Question,
    Registration,
    Series,
    SeriesSubscription,
)

__all__ = [
    "ACTIVE",
    "MAX_DATES",
    "Outcome",
    "Receipt",
    "cancel",
    "new_token",
    "questions_for",
    "register",
    "release_expired_holds",
]

MAX_DATES = 100
ACTIVE = (Registration.Status.confirmed, Registration.Status.waiting)
ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class Outcome:
    """What happened to one date (for organisers and tests; never shown to the public)."""

    occurrence_id: int
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
    def occurrence_ids(self) -> tuple[int, ...]:
        return tuple(o.occurrence_id for o in self.outcomes)


def new_token() -> str:
    """An unguessable token (256 bits) for manage links and personal feeds."""
    return secrets.token_urlsafe(32)


# The dates of a request with their series' and organisation's rules, and whether the
# organisation asks any questions at all (most do not: then they need not be read).  Raw SQL:
# this is the hottest read of the service, and the ORM's joined select costs more to build
# than the database takes to answer it.
_DATES_SQL = """
SELECT o.id, o.series, o.status, o.starts_at, o.capacity,
       s.organisation, s.capacity AS series_capacity, s.waitlist, s.published,
       s.status AS series_status, s.registration_mode,
       s.registration_opens_at AS opens_at, s.registration_closes_at AS closes_at,
       s.confirm_first, g.consent_text, g.language AS organisation_language,
       g.confirm_first AS organisation_confirm_first,
       EXISTS (SELECT 1 FROM question q WHERE q.organisation = s.organisation) AS has_questions,
       {version} AS version
FROM occurrence o
JOIN series s ON s.id = o.series
JOIN organisation g ON g.id = s.organisation
WHERE o.id IN ({ids})
"""


async def _dates(occurrence_ids: Sequence[int]) -> list[dict[str, Any]]:
    sql = _DATES_SQL.format(ids=db.placeholders(len(occurrence_ids)), version=_version())
    return _in_order(occurrence_ids, await db.execute(sql, *occurrence_ids))


def _in_order(occurrence_ids: Sequence[int], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dates' rows in the order asked for; every one of them must exist."""
    by_id = {row["id"]: db.typed(row, _DATE_TYPES) for row in rows}
    missing = [i for i in occurrence_ids if i not in by_id]
    if missing:
        raise NotFound("date_unknown", "One of the chosen dates does not exist.")
    return [by_id[i] for i in occurrence_ids]


_DATE_TYPES = {
    "starts_at": datetime,
    "opens_at": datetime,
    "closes_at": datetime,
    "waitlist": bool,
    "published": bool,
    "confirm_first": bool,
    "organisation_confirm_first": bool,
    "has_questions": bool,
}


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


def _confirm_first(date: dict[str, Any], organisation_default: bool) -> bool:
    """The series' own choice, else the organisation's."""
    own: bool | None = date["confirm_first"]
    return organisation_default if own is None else own


@dataclass(frozen=True, slots=True)
class _Form:
    """What was sent, with what can be checked before knowing the dates."""

    ids: list[int]
    contact: Contact
    answers: dict[str, Any]
    consent: bool
    source: str
    added_by: int | None
    subscribe_series: int | None


@dataclass(frozen=True, slots=True)
class _Request:
    dates: list[dict[str, Any]]
    person: PersonDetails
    organisation_id: int
    confirm_first: bool  # some date of the request asks new addresses to confirm first
    source: str
    added_by: int | None
    subscribe_series: int | None


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
    subscribe_series: int | None = None,
) -> Receipt:
    """Register one person for the given dates of one organisation (one mail in all).

    ``subscribe_series``: also register for the series' dates added later (a whole-series
    registration), in the same transaction.
    """
    ids = list(dict.fromkeys(occurrence_ids))
    if not ids:
        raise DomainError("dates_missing", "Choose at least one date.", field="occurrence_ids")
    if len(ids) > MAX_DATES:
        raise DomainError("too_many_dates", f"Choose at most {MAX_DATES} dates.")
    form = _Form(
        ids=ids,
        contact=clean_contact(name=name, email=email, language=language, role=role, needs=needs),
        answers=answers or {},
        consent=consent,
        source=source,
        added_by=added_by,
        subscribe_series=subscribe_series,
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


# ``{language}``: a placeholder, or an expression that reads it from the dates (PostgreSQL).
_NEW_ATTENDEE = """
INSERT INTO attendee (email, manage_token, feed_token, language, created_at)
VALUES ({{}}, {{}}, {{}}, {language}, {{}})
ON CONFLICT (email) DO NOTHING
RETURNING id, verified_at
"""

# PostgreSQL: the dates with their rules, the hourly mail counter and the address in one
# statement.  The address gets the person's language, else the organisation's.  An address that
# exists is read in the same statement; one that another request is inserting right now is
# waited for by the insert but not seen by that read (the statement's snapshot is older), so it
# is read once more afterwards.
_PERSON_AND_DATES = """
WITH d AS ({dates}),
hit AS ({hit}),
made AS ({attendee})
SELECT d.*, hit.hits, hit.window_start, hit.blocked_until,
       COALESCE(made.id, known.id) AS attendee_id,
       CASE WHEN made.id IS NULL THEN known.verified_at END AS attendee_verified_at,
       made.id IS NOT NULL AS attendee_new
FROM hit
LEFT JOIN made ON TRUE
LEFT JOIN attendee known ON made.id IS NULL AND known.email = {{}}
LEFT JOIN d ON TRUE
"""


_ORGANISATION_LANGUAGE = (
    "COALESCE({}, (SELECT organisation_language FROM d ORDER BY id LIMIT 1), 'nl')"
)


async def _person_and_dates(form: _Form) -> tuple[bool, dict[str, Any], list[dict[str, Any]]]:
    """First in the transaction: the dates (read, not locked) and the person's rows — one more
    mail in the address's hourly limit (a request from the page itself; False once passed)
    and the address's row."""
    contact = form.contact
    if form.source != "self" or not db.is_postgres():
        dates = await _dates(form.ids)
        allowed = True
        if form.source == "self":
            allowed = await outbox.count_toward_limit(contact.email)
        language = contact.language or dates[0]["organisation_language"]
        return allowed, await _attendee(contact.email, language), dates
    counted = outbox.limit_hit(contact.email)
    sql = _PERSON_AND_DATES.format(
        dates=_DATES_SQL.format(ids=db.placeholders(len(form.ids)), version=_version()).strip(),
        hit=counted.sql.strip(),
        attendee=_NEW_ATTENDEE.format(language=_ORGANISATION_LANGUAGE).strip(),
    )
    now = clock.now()
    rows = await db.execute(
        sql,
        *form.ids,
        *counted.values,
        *(contact.email, new_token(), new_token(), contact.language, now),
        contact.email,
    )
    first = rows[0]
    allowed = (await counted.settle(first)).allowed
    dates = _in_order(form.ids, [row for row in rows if row["id"] is not None])
    if first["attendee_id"] is None:
        return allowed, await _known_attendee(contact.email), dates
    attendee = {
        "id": first["attendee_id"],
        "verified_at": first["attendee_verified_at"],
        "new": first["attendee_new"],
    }
    return allowed, attendee, dates


async def _attendee(email: str, language: str) -> dict[str, Any]:
    """The address's row, made when it is new.  An address registering twice at once waits
    for the other's insert and then finds its row (no unique-index failure to retry)."""
    inserted = await db.execute(
        _NEW_ATTENDEE.format(language="{}"), email, new_token(), new_token(), language, clock.now()
    )
    if inserted:
        return {"id": inserted[0]["id"], "verified_at": None, "new": True}
    return await _known_attendee(email)


async def _known_attendee(email: str) -> dict[str, Any]:
    row = (
        await Attendee.select(Attendee.id, Attendee.verified_at)
        .where(Attendee.email == email)
        .first()
    )
    if row is None:  # deleted between the two statements: the caller's retry starts again
        raise Busy()
    return {**row, "new": False}


async def _checked(form: _Form, dates: list[dict[str, Any]]) -> _Request:
    """The request, checked against its dates and their organisation's rules."""
    organisations = {row["organisation"] for row in dates}
    if len(organisations) != 1:
        raise DomainError("mixed_organisations", "Register for one organisation's dates at a time.")
    organisation_id = organisations.pop()
    organisation = dates[0]  # every date carries its organisation's settings
    now = clock.now()
    if form.source == "self":
        for row in dates:
            check_open(_facts(row), now)
    person = complete_person(
        form.contact,
        answers=form.answers,
        questions=(
            await questions_for(organisation_id, [row["series"] for row in dates])
            if organisation["has_questions"]
            else []
        ),
        consent_required=form.source == "self" and bool(organisation["consent_text"].strip()),
        consent=form.consent,
        default_language=organisation["organisation_language"],
    )
    return _Request(
        dates=dates,
        person=person,
        organisation_id=organisation_id,
        confirm_first=form.source == "self"
        and any(_confirm_first(row, row["organisation_confirm_first"]) for row in dates),
        source=form.source,
        added_by=form.added_by,
        subscribe_series=form.subscribe_series,
    )


async def _lock_series(series_id: int) -> None:
    """Lock the series row before its dates (the order organisers' changes and the
    materialiser keep): a whole-series registration and a change of the series' dates then
    happen one after the other."""
    query = Series.select(Series.id).where(Series.id == series_id)
    if db.is_postgres():
        query = query.lock_rows("NO KEY UPDATE")
    await query


async def _dates_added_meanwhile(request: _Request) -> list[dict[str, Any]]:
    """Future dates of the series that were not there when the request was read (made by the
    materialiser or an organiser, who did not see this subscription yet)."""
    assert request.subscribe_series is not None
    known = {row["id"] for row in request.dates}
    rows = (
        await Occurrence.select(Occurrence.id)
        .where(
            (Occurrence.series == request.subscribe_series)
            & (Occurrence.status == Occurrence.Status.scheduled)
            & (Occurrence.starts_at > clock.now())
        )
        .order_by(Occurrence.starts_at)
        .limit(MAX_DATES)
    )
    added = [row["id"] for row in rows if row["id"] not in known]
    return await _dates(added[: max(0, MAX_DATES - len(known))]) if added else []


def _version() -> str:
    """SQL for a date row's version: PostgreSQL's ``xmin`` changes with every update of the row
    (SQLite's single writer needs none)."""
    return "o.xmin::text" if db.is_postgres() else "NULL"


# The dates of the request locked in id order, each with its series' seats and waiting list,
# the person's registration for it (if any) and, on PostgreSQL, an id for a new registration.
_LOCK_SQL = """
SELECT o.id, o.status, o.starts_at, o.capacity, o.confirmed_count, o.series,
       s.capacity AS series_capacity, s.waitlist, {version} AS version,
       r.id AS registration, r.status AS registration_status, {new_id} AS new_registration
FROM occurrence o
JOIN series s ON s.id = o.series
LEFT JOIN registration r ON r.occurrence = o.id AND r.attendee = {{}}
WHERE o.id IN ({ids})
ORDER BY o.id
{lock}
"""
_LOCK_TYPES = {"starts_at": datetime, "waitlist": bool}


async def _lock(dates: list[dict[str, Any]], attendee_id: int) -> dict[int, dict[str, Any]]:
    """Lock the dates (see the module doc) and read what a registration decides by.

    A row locked after waiting for another writer is its newest version, but the series and
    the registration joined to it are as the statement first saw them.  Whatever that writer
    did to a seat or a place in the queue changed the date's counters, and every change of a
    series' seats or waiting list also writes a new version of its future dates (see
    ``series_details``); so where a date's version is not the one read at the start of the
    transaction, its series and the person's registration for it are read again, in a
    statement of their own that sees what that writer committed.  A capacity changed
    meanwhile must neither leave this person waiting beside a free seat nor overbook; a
    registration brought back or cancelled meanwhile must not be brought back twice (two seats
    for one person) nor taken for one that still holds its seat.
    """
    ids = sorted({row["id"] for row in dates})
    postgres = db.is_postgres()
    sql = _LOCK_SQL.format(
        version=_version(),
        new_id="nextval(pg_get_serial_sequence('registration', 'id'))" if postgres else "NULL",
        ids=db.placeholders(len(ids)),
        lock="FOR NO KEY UPDATE OF o" if postgres else "",
    )
    rows = await db.execute(sql, attendee_id, *ids)
    locked = {row["id"]: db.typed(row, _LOCK_TYPES) for row in rows}
    seen = {row["id"]: row["version"] for row in dates}
    changed = [row for row in locked.values() if row["version"] != seen[row["id"]]]
    if changed:
        await _read_again(changed, attendee_id)
    return locked


_READ_AGAIN = """
SELECT o.id, s.capacity AS series_capacity, s.waitlist,
       r.id AS registration, r.status AS registration_status
FROM occurrence o
JOIN series s ON s.id = o.series
LEFT JOIN registration r ON r.occurrence = o.id AND r.attendee = {{}}
WHERE o.id IN ({ids})
"""


async def _read_again(changed: list[dict[str, Any]], attendee_id: int) -> None:
    """The series' seats and the person's registrations of dates that changed meanwhile, as
    committed now (the dates stay locked)."""
    sql = _READ_AGAIN.format(ids=db.placeholders(len(changed)))
    fresh = {
        row["id"]: db.typed(row, {"waitlist": bool})
        for row in await db.execute(sql, attendee_id, *(row["id"] for row in changed))
    }
    for row in changed:
        row.update(
            {
                key: fresh[row["id"]][key]
                for key in ("series_capacity", "waitlist", "registration", "registration_status")
            }
        )


async def _register_in_transaction(form: _Form) -> Receipt:
    # The person's rows first (their mail counter, their address), then the series and the
    # dates: the order every unit of work keeps, and the dates stay locked for less time.
    # What the request asks is checked after the person's rows (a refusal rolls them back).
    mail_allowed, attendee, dates = await _person_and_dates(form)
    request = await _checked(form, dates)
    dates = request.dates
    if request.subscribe_series is not None:
        await _lock_series(request.subscribe_series)
        dates = dates + await _dates_added_meanwhile(request)
    locked = await _lock(dates, attendee["id"])
    now = clock.now()  # after the locks: the waiting list is ordered by this instant
    fresh = []
    for row in dates:
        date = locked.get(row["id"])
        if date is None:
            raise NotFound("date_unknown", "One of the chosen dates does not exist.")
        # The date may have been moved, cancelled or filled since it was read.
        row = {**row, **date, "version": row["version"]}
        if request.source == "self":
            check_open(_facts(row), now)
        elif row["status"] != Occurrence.Status.scheduled:
            raise Conflict("date_cancelled", "This date has been cancelled.")
        capacity = effective_capacity(date["capacity"], row["series_capacity"])
        full = capacity is not None and date["confirmed_count"] >= capacity
        if full and not row["waitlist"]:
            # Decided before looking at the person: the answer must not depend on whether
            # this address is already registered.
            raise Conflict("date_full", "This date is full and has no waiting list.")
        fresh.append({**row, "capacity": capacity, "full": full})
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
        "registration_confirm" if held else "registration_receipt",
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
    return Receipt(email=request.person.email, outcomes=tuple(outcomes), held=held)


_NEW_REGISTRATION = """
INSERT INTO registration ({id}occurrence, attendee, name, email, role, needs, answers, language,
                          status, waiting_since, source, hold_until, created_at, updated_at)
VALUES ({value}{{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}}, {{}})
"""
_SEAT = "UPDATE occurrence SET confirmed_count = confirmed_count + 1 WHERE id = {}"
_PLACE_IN_QUEUE = "UPDATE occurrence SET waiting_count = waiting_count + 1 WHERE id = {}"


async def _register_one(
    row: dict[str, Any],
    attendee_id: int,
    request: _Request,
    hold_until: datetime | None,
    now: datetime,
    writes: db.Writes,
) -> Outcome:
    """One date of the request, its date locked: a seat when one is free, else a place in
    the queue (a full date without a waiting list was refused before)."""
    occurrence_id = row["id"]
    person = request.person
    if row["registration"] is not None and row["registration_status"] in ACTIVE:
        # Nothing changes: not the details (a stranger may be typing someone else's address),
        # not the place in the queue.  The mail tells the owner of the address.
        return Outcome(
            occurrence_id=occurrence_id,
            registration_id=row["registration"],
            status=row["registration_status"],
            position=None,
            already_registered=True,
        )
    if row["full"]:
        status = Registration.Status.waiting
        await writes.add(_PLACE_IN_QUEUE, occurrence_id)
    else:
        status = Registration.Status.confirmed
        await writes.add(_SEAT, occurrence_id)
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
        occurrence_id,
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
        occurrence_id=occurrence_id,
        registration_id=registration_id,
        status=status,
        position=None,
        already_registered=False,
    )


async def _subscribe(
    request: _Request, attendee_id: int, hold_until: datetime | None, now: datetime
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
            Registration.hold_until: None,
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


async def release_expired_holds() -> int:
    """Give back the seats and queue places of registrations nobody confirmed in time.

    The person never proved the address, so nothing of theirs is kept: the registrations, the
    whole-series subscriptions and (when nothing else is left) the address itself are deleted,
    and no mail goes out.  Returns how many registrations were released.
    """
    now = clock.now()
    expired = await Registration.select(Registration.occurrence).where(
        (Registration.hold_until < now) & Registration.status.is_in(list(ACTIVE))
    )
    stale = await SeriesSubscription.exists().where(SeriesSubscription.hold_until < now)
    if not expired and not stale:
        return 0  # no write (and no write lock on SQLite) when nothing ran out
    released = 0
    async with db.transaction():
        await seats.lock_dates(sorted({row["occurrence"] for row in expired}))
        # Read again under the locks: a confirmation may have come in meanwhile.
        rows = await Registration.select(Registration.id, Registration.attendee).where(
            (Registration.hold_until < now) & Registration.status.is_in(list(ACTIVE))
        )
        for row in rows:
            released += await cancel(row["id"], notify=False)
        subscriptions = (
            await SeriesSubscription.delete()
            .where(SeriesSubscription.hold_until < now)
            .returning(SeriesSubscription.attendee)
        )
        if rows:
            await Registration.delete().where(Registration.id.is_in([r["id"] for r in rows]))
        people = {r["attendee"] for r in rows} | {r["attendee"] for r in subscriptions}
        people.discard(None)
        for attendee_id in people:
            has_more = await Registration.exists().where(Registration.attendee == attendee_id)
            subscribed = await SeriesSubscription.exists().where(
                SeriesSubscription.attendee == attendee_id
            )
            if not has_more and not subscribed:
                await Attendee.delete().where(
                    (Attendee.id == attendee_id) & Attendee.verified_at.is_null()
                )
    return released


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
