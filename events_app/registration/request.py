"""A registration request, before anything is written: the form as sent, its dates with their
rules, and the checks against them.

What can be checked without the dates (how many, the contact details) is checked when the
:class:`Form` is made; :func:`checked` then checks the request against its dates and their
organisation's rules (one organisation at a time, registration open, the questions, consent).
Errors that stop a registration depend on the date alone, never on the person.  The dates are
read here but not locked: :mod:`events_app.registration.locking` locks them and reads them again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.domain import attendance as attendance_rule
from events_app.domain.errors import DomainError, NotFound, gather
from events_app.domain.person import (
    Contact,
    PersonDetails,
    QuestionSpec,
    complete_person,
)
from events_app.domain.seats import DateFacts, check_open
from events_app.tables import EventDate, Question

__all__ = [
    "DATES_SQL",
    "MAX_DATES",
    "Form",
    "Request",
    "checked",
    "dates_added_meanwhile",
    "facts",
    "in_order",
    "questions_for",
    "read_dates",
    "version_sql",
    "whole_events",
]

MAX_DATES = 100

# The dates of a request with their series' and organisation's rules, and whether the
# organisation asks any questions at all (most do not: then they need not be read).  Raw SQL:
# this is the hottest read of the service, and the ORM's joined select costs more to build
# than the database takes to answer it.
DATES_SQL = """
SELECT o.id, o.series, o.status, o.starts_at, o.capacity,
       s.organisation, s.capacity AS series_capacity, s.waitlist, s.published,
       s.status AS series_status, s.registration_mode, s.together, s.format,
       s.registration_opens_at AS opens_at, s.registration_closes_at AS closes_at,
       s.confirm_first, s.admission, g.consent_text, g.language AS organisation_language,
       g.confirm_first AS organisation_confirm_first,
       EXISTS (SELECT 1 FROM question q WHERE q.organisation = s.organisation) AS has_questions,
       {version} AS version
FROM event_date o
JOIN series s ON s.id = o.series
JOIN organisation g ON g.id = s.organisation
WHERE o.id IN ({ids})
"""


async def read_dates(date_ids: Sequence[int]) -> list[dict[str, Any]]:
    sql = DATES_SQL.format(ids=db.placeholders(len(date_ids)), version=version_sql())
    return in_order(date_ids, await db.execute(sql, *date_ids))


def in_order(date_ids: Sequence[int], rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The dates' rows in the order asked for; every one of them must exist."""
    by_id = {row["id"]: db.typed(row, _DATE_TYPES) for row in rows}
    missing = [i for i in date_ids if i not in by_id]
    if missing:
        raise NotFound("date_unknown", "One of the chosen dates does not exist.")
    return [by_id[i] for i in date_ids]


_DATE_TYPES = {
    "starts_at": datetime,
    "opens_at": datetime,
    "closes_at": datetime,
    "waitlist": bool,
    "together": bool,
    "published": bool,
    "confirm_first": bool,
    "organisation_confirm_first": bool,
    "has_questions": bool,
}


def facts(row: dict[str, Any]) -> DateFacts:
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
class Form:
    """What was sent, with what can be checked before knowing the dates."""

    ids: list[int]
    contact: Contact
    answers: dict[str, Any]
    consent: bool
    source: str
    added_by: int | None
    subscribe_series: int | None
    attendance: str | None = None  # on site or online, for hybrid dates
    # An application (:mod:`events_app.registration.applications`) is checked like a
    # registration by the person, for a series that takes applications.
    applying: bool = False
    receipt_kind: str = "registration_receipt"  # the mail; an accepted application has its own


@dataclass(frozen=True, slots=True)
class Request:
    dates: list[dict[str, Any]]
    person: PersonDetails
    organisation_id: int
    confirm_first: bool  # some date of the request asks new addresses to confirm first
    source: str
    added_by: int | None
    subscribe_series: int | None
    attendance: str | None = None  # for the request's hybrid dates (None when there are none)
    receipt_kind: str = "registration_receipt"


async def whole_events(dates: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The request's dates with every scheduled day of the events registered as one
    (:mod:`events_app.domain.together`): choosing one day of a two-day training is choosing
    the training.  One more read, only when such an event is asked for."""
    together = sorted({row["series"] for row in dates if row["together"]})
    if not together:
        return dates
    known = {row["id"] for row in dates}
    rows = (
        await EventDate.select(EventDate.id)
        .where(EventDate.series.is_in(together) & (EventDate.status == EventDate.Status.scheduled))
        .order_by(EventDate.starts_at)
    )
    added = [row["id"] for row in rows if row["id"] not in known]
    if len(known) + len(added) > MAX_DATES:
        raise DomainError("too_many_dates", f"Choose at most {MAX_DATES} dates.")
    return dates + await read_dates(added) if added else dates


async def checked(form: Form, dates: list[dict[str, Any]]) -> Request:
    """The request, checked against its dates and their organisation's rules."""
    dates = await whole_events(dates)
    organisations = {row["organisation"] for row in dates}
    if len(organisations) != 1:
        raise DomainError("mixed_organisations", "Register for one organisation's dates at a time.")
    organisation_id = organisations.pop()
    organisation = dates[0]  # every date carries its organisation's settings
    now = clock.now()
    if form.source == "self":
        for row in dates:
            check_open(facts(row), now)
        _check_admission(form, dates)
    questions = (
        await questions_for(organisation_id, [row["series"] for row in dates])
        if organisation["has_questions"]
        else []
    )
    refused: list[DomainError] = []
    attendance = None
    try:
        attendance = attendance_rule.choose(
            (row["format"] for row in dates), form.attendance, required=form.source == "self"
        )
    except DomainError as exc:
        refused.append(exc)
    try:
        person = complete_person(
            form.contact,
            answers=form.answers,
            questions=questions,
            consent_required=form.source == "self" and bool(organisation["consent_text"].strip()),
            consent=form.consent,
            default_language=organisation["organisation_language"],
        )
    except DomainError as exc:
        refused.append(exc)
    gather(refused)
    return Request(
        dates=dates,
        person=person,
        organisation_id=organisation_id,
        confirm_first=form.source == "self"
        and any(_confirm_first(row, row["organisation_confirm_first"]) for row in dates),
        source=form.source,
        added_by=form.added_by,
        # An event registered as one has no "dates added later" to follow.
        subscribe_series=None
        if any(row["together"] and row["series"] == form.subscribe_series for row in dates)
        else form.subscribe_series,
        attendance=attendance,
        receipt_kind=form.receipt_kind,
    )


def _check_admission(form: Form, dates: list[dict[str, Any]]) -> None:
    """A series that takes applications takes no registrations from the person, and the
    other way round (an organiser may still add someone by hand)."""
    for row in dates:
        applies = row["admission"] == "apply"
        if applies and not form.applying:
            raise DomainError(
                "applications_only", "This event takes applications: apply on its page."
            )
        if form.applying and not applies:
            raise DomainError("registrations_only", "This event takes no applications.")


async def dates_added_meanwhile(request: Request) -> list[dict[str, Any]]:
    """Future dates of the series that were not there when the request was read (made by the
    materialiser or an organiser, who did not see this subscription yet)."""
    assert request.subscribe_series is not None
    known = {row["id"] for row in request.dates}
    rows = (
        await EventDate.select(EventDate.id)
        .where(
            (EventDate.series == request.subscribe_series)
            & (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.starts_at > clock.now())
        )
        .order_by(EventDate.starts_at)
        .limit(MAX_DATES)
    )
    added = [row["id"] for row in rows if row["id"] not in known]
    return await read_dates(added[: max(0, MAX_DATES - len(known))]) if added else []


def version_sql() -> str:
    """SQL for a date row's version: PostgreSQL's ``xmin`` changes with every update of the row
    (SQLite's single writer needs none)."""
    return "o.xmin::text" if db.is_postgres() else "NULL"
