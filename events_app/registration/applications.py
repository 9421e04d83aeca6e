"""Applying for a date of a series that takes applications, and withdrawing.

An application is checked like a registration by the person (the date open, the questions,
consent, the address's hourly mail limit, the person's rows first in the lock order) but takes
no seat: it waits, pending, for an organiser or host (:mod:`events_app.hosting.applications`).
Whoever sends the form need not own the address, so the answer is the same whether or not the
address applied before, and an existing application is never changed by a new one (only a
withdrawn one comes back as pending); the mail tells the mailbox.  An event registered as one
is applied for as a whole: the application names its first day.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import clock, db
from events_app.domain import applications as rules
from events_app.domain.errors import DomainError, NotFound
from events_app.domain.person import clean_contact
from events_app.mail import outbox
from events_app.registration.attendees import person_and_dates
from events_app.registration.manage import attendee_for_token
from events_app.registration.request import Form, checked
from events_app.tables import Application

__all__ = ["MyApplication", "apply", "attendee_for_token", "my_applications", "withdraw_mine"]

ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class MyApplication:
    """An application as its owner sees it on the manage page."""

    application_id: int
    date_id: int
    status: str
    series_title: str
    series_slug: str
    together: bool
    local_start: datetime
    local_end: datetime
    timezone: str
    message: str  # the organiser's words with a decline ("" for the default text)
    language: str


async def apply(
    date_ids: Sequence[int],
    *,
    name: str,
    email: str,
    language: str | None = None,
    role: str | None = None,
    needs: str | None = None,
    answers: dict[str, Any] | None = None,
    consent: bool = False,
    attendance: str | None = None,
) -> tuple[int, ...]:
    """Apply for one date (or one event registered as one); returns the dates applied for,
    and nothing about the person."""
    ids = list(dict.fromkeys(date_ids))
    if len(ids) != 1:
        raise DomainError("one_date", "Choose one date to apply for.", field="dates")
    form = Form(
        ids=ids,
        contact=clean_contact(name=name, email=email, language=language, role=role, needs=needs),
        answers=answers or {},
        consent=consent,
        source="self",
        added_by=None,
        subscribe_series=None,
        attendance=attendance,
        applying=True,
    )
    for attempt in range(ATTEMPTS):
        try:
            async with db.transaction():
                return await _apply_in_transaction(form)
        except Exception as exc:
            # The same address twice at once: the second finds the first's row next time.
            if not db.is_unique_violation(exc) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def _apply_in_transaction(form: Form) -> tuple[int, ...]:
    mail_allowed, attendee, dates = await person_and_dates(form)
    request = await checked(form, dates)
    first = min(request.dates, key=lambda row: row["starts_at"])
    date_id = int(first["id"])
    person = request.person
    now = clock.now()
    existing = (
        await Application.select(Application.id, Application.status)
        .where((Application.event_date == date_id) & (Application.attendee == attendee["id"]))
        .first()
    )
    already = existing is not None and not rules.can_apply_again(existing["status"])
    values: dict[Any, Any] = {
        Application.name: person.name,
        Application.email: person.email,
        Application.role: person.role,
        Application.needs: person.needs,
        Application.answers: person.answers,
        Application.language: person.language,
        Application.attendance: request.attendance,
        Application.status: Application.Status.pending,
        Application.message: "",
        Application.registration: None,
        Application.decided_at: None,
        Application.updated_at: now,
    }
    if existing is None:
        rows = await Application.insert(
            Application(
                event_date=date_id,
                attendee=attendee["id"],
                created_at=now,
                **{column._meta.name: value for column, value in values.items()},
            )
        ).returning(Application.id)
        application_id = int(rows[0]["id"])
    else:
        application_id = int(existing["id"])
        if not already:
            await Application.update({**values, Application.created_at: now}).where(
                Application.id == application_id
            )
    await outbox.enqueue(
        "application_received",
        to_email=person.email,
        to_name=person.name,
        language=person.language,
        organisation_id=request.organisation_id,
        date_id=date_id,
        context={"application": application_id, "attendee": attendee["id"], "already": already},
        held=not mail_allowed,
    )
    return (date_id,)


_MINE = """
SELECT a.id, a.event_date, a.status, a.message, a.language, d.local_start, d.local_end,
       d.timezone, s.title, s.slug, s.together
FROM application a
JOIN event_date d ON d.id = a.event_date
JOIN series s ON s.id = d.series
WHERE a.attendee = {}
ORDER BY d.starts_at, a.id
"""


async def my_applications(attendee_id: int) -> list[MyApplication]:
    rows = await db.execute(_MINE, attendee_id)
    return [
        MyApplication(
            application_id=row["id"],
            date_id=row["event_date"],
            status=row["status"],
            series_title=row["title"],
            series_slug=row["slug"],
            together=bool(row["together"]),
            local_start=_wall_clock(row["local_start"]),
            local_end=_wall_clock(row["local_end"]),
            timezone=row["timezone"],
            message=row["message"],
            language=row["language"],
        )
        for row in rows
    ]


def _wall_clock(value: Any) -> datetime:
    """A date's wall-clock time (naive): SQLite gives a raw statement its text."""
    return value if isinstance(value, datetime) else datetime.fromisoformat(str(value))


async def withdraw_mine(token: str, application_id: int) -> None:
    """The person withdraws a pending application (no mail: they did it themselves)."""
    attendee = await attendee_for_token(token)
    async with db.transaction():
        row = (
            await Application.select(Application.status)
            .where((Application.id == application_id) & (Application.attendee == attendee["id"]))
            .first()
        )
        if row is None:
            raise NotFound("not_found", "This does not exist or is not yours to see.")
        rules.check_withdrawable(row["status"])
        await Application.update(
            {Application.status: Application.Status.withdrawn, Application.updated_at: clock.now()}
        ).where(
            (Application.id == application_id) & (Application.status == Application.Status.pending)
        )
