"""Applications for a date, for its hosts and organisers: read them, accept or decline.

Accepting registers the person through the registration's own path (person's rows, then the
dates locked, the seat or the waiting list, the mail: "your application is accepted", with the
calendar invitation for a place), then marks the application accepted under the condition that
it is still pending, all in one transaction: two people accepting the same application at once
give one registration, and two applications accepted at once for the last seat give one place
and one waiting-list place.  Declining is one conditional update and one mail with the
organiser's kind words (or the default text in the person's language).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.domain import applications as rules
from events_app.domain.errors import NotFound
from events_app.hosting.signups import access_to_date
from events_app.mail import outbox
from events_app.registration import registrations
from events_app.tables import Application, EventDate, Series

__all__ = ["ApplicationView", "accept", "applications_for_date", "decline", "question_labels"]

ATTEMPTS = 3


@dataclass(frozen=True, slots=True)
class ApplicationView:
    id: int
    name: str
    email: str
    role: str | None
    needs: str
    answers: dict[str, Any]
    language: str
    attendance: str | None
    status: str
    message: str
    created_at: datetime
    decided_at: datetime | None
    registration_id: int | None


async def applications_for_date(actor: Actor, date_id: int) -> list[ApplicationView]:
    """Every application for the date (not the withdrawn ones), oldest first; for a day of an
    event registered as one, the event's applications (they name its first day)."""
    access = await access_to_date(actor, date_id)
    whole = await Series.exists().where((Series.id == access.series_id) & Series.together.eq(True))
    dates = (
        EventDate.select(EventDate.id).where(EventDate.series == access.series_id)
        if whole
        else [date_id]
    )
    rows = (
        await Application.select()
        .where(
            Application.event_date.is_in(dates)
            & (Application.status != Application.Status.withdrawn)
            & Application.anonymised_at.is_null()
        )
        .order_by(Application.created_at)
        .order_by(Application.id)
        .output(load_json=True)
    )
    return [
        ApplicationView(
            id=row["id"],
            name=row["name"],
            email=row["email"],
            role=row["role"],
            needs=row["needs"],
            answers=row["answers"] if isinstance(row["answers"], dict) else {},
            language=row["language"],
            attendance=row["attendance"],
            status=row["status"],
            message=row["message"],
            created_at=row["created_at"],
            decided_at=row["decided_at"],
            registration_id=row["registration"],
        )
        for row in rows
    ]


async def question_labels(actor: Actor, date_id: int) -> dict[str, str]:
    """The questions' labels by id, to show answers with their question."""
    access = await access_to_date(actor, date_id)
    questions = await registrations.questions_for(access.organisation_id, [access.series_id])
    return {str(q.id): q.label for q in questions}


async def _application(actor: Actor, application_id: int) -> tuple[dict[str, Any], int]:
    row = (
        await Application.select()
        .where(Application.id == application_id)
        .output(load_json=True)
        .first()
    )
    if row is None or row["anonymised_at"] is not None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    access = await access_to_date(actor, row["event_date"])
    return row, access.organisation_id


_MARK = """
UPDATE application SET status = {}, registration = {}, message = {}, decided_at = {},
                       updated_at = {}
WHERE id = {} AND status = 'pending'
RETURNING id
"""


async def accept(actor: Actor, application_id: int) -> registrations.Receipt:
    """Register the applicant: a place, or the waiting list when the date is full."""
    row, organisation_id = await _application(actor, application_id)
    rules.check_decidable(row["status"])
    for attempt in range(ATTEMPTS):
        try:
            async with db.transaction():
                receipt = await registrations.register(
                    [row["event_date"]],
                    name=row["name"],
                    email=row["email"],
                    language=row["language"],
                    role=row["role"],
                    needs=row["needs"],
                    answers=row["answers"] if isinstance(row["answers"], dict) else {},
                    source="application",
                    added_by=actor.account_id,
                    attendance=row["attendance"],
                    receipt_kind="application_accepted",
                )
                registration_id = next(
                    o.registration_id for o in receipt.outcomes if o.date_id == row["event_date"]
                )
                now = clock.now()
                marked = await db.execute(
                    _MARK, "accepted", registration_id, "", now, now, application_id
                )
                if not marked:  # decided by someone else meanwhile: nothing of this stays
                    rules.check_decidable("decided")
                await audit.record(
                    "application_accepted",
                    "application",
                    application_id,
                    organisation_id=organisation_id,
                    account_id=actor.account_id,
                )
                return receipt
        except Exception as exc:
            if not db.is_unique_violation(exc) or attempt == ATTEMPTS - 1:
                raise
    raise AssertionError("unreachable")  # pragma: no cover


async def decline(actor: Actor, application_id: int, *, message: str = "") -> None:
    """Decline with kind words; an empty message sends the default text in the person's
    language."""
    row, organisation_id = await _application(actor, application_id)
    rules.check_decidable(row["status"])
    words = rules.clean_message(message)
    async with db.transaction():
        now = clock.now()
        marked = await db.execute(_MARK, "declined", None, words, now, now, application_id)
        if not marked:
            rules.check_decidable("decided")
        if row["attendee"] is not None and row["email"]:
            await outbox.enqueue(
                "application_declined",
                to_email=row["email"],
                to_name=row["name"],
                language=row["language"],
                organisation_id=organisation_id,
                date_id=row["event_date"],
                context={"application": application_id, "attendee": row["attendee"]},
            )
        await audit.record(
            "application_declined",
            "application",
            application_id,
            organisation_id=organisation_id,
            account_id=actor.account_id,
        )
