"""What organisers (and hosts) do with mail: read the log, retry a failure, write to a date.

Organisers see every mail of their own organisation: to whom, what kind, when it was sent, and
why it failed.  The message to everyone registered for a date is queued as one row per person
in one transaction, with an audit row; the text is the organiser's own, shown escaped.
"""

from __future__ import annotations

from typing import Any

from events_app import audit, db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.hosting import signups
from events_app.mail import delivery, outbox
from events_app.mail.headers import clean_text
from events_app.mail.kinds import FOLLOWER_KINDS
from events_app.tables import OutboxMail, Registration

__all__ = ["MAX_BODY", "MAX_SUBJECT", "mail_log", "message_registrants", "retry"]

MAX_SUBJECT = 200
MAX_BODY = 10_000
LOG_COLUMNS = (
    OutboxMail.id,
    OutboxMail.kind,
    OutboxMail.status,
    OutboxMail.to_email,
    OutboxMail.to_name,
    OutboxMail.language,
    OutboxMail.event_date,
    OutboxMail.registration,
    OutboxMail.attempts,
    OutboxMail.created_at,
    OutboxMail.sent_at,
    OutboxMail.next_attempt_at,
    OutboxMail.last_error,
    OutboxMail.message_id,
)


async def mail_log(
    actor: Actor,
    organisation_id: int,
    *,
    status: str | None = None,
    before_id: int | None = None,
    limit: int = 100,
) -> list[dict[str, Any]]:
    """The organisation's mails, newest first (``before_id`` pages back)."""
    actor.require_organiser(organisation_id)
    if status is not None and status not in {s.value for s in OutboxMail.Status}:
        raise DomainError("status_unknown", "Choose pending, sent or failed.", field="status")
    # Follower mail is left out: organisers never see their followers' addresses.
    query = OutboxMail.select(*LOG_COLUMNS).where(
        (OutboxMail.organisation == organisation_id) & OutboxMail.kind.not_in(list(FOLLOWER_KINDS))
    )
    if status is not None:
        query = query.where(OutboxMail.status == status)
    if before_id is not None:
        query = query.where(OutboxMail.id < before_id)
    rows = await query.order_by(OutboxMail.id, ascending=False).limit(max(1, min(limit, 500)))
    return list(rows)


async def retry(actor: Actor, mail_id: int) -> dict[str, Any]:
    """Send a failed mail again (as new: attempts start from zero)."""
    row = (
        await OutboxMail.select(OutboxMail.organisation, OutboxMail.status)
        .where((OutboxMail.id == mail_id) & OutboxMail.kind.not_in(list(FOLLOWER_KINDS)))
        .first()
    )
    if row is None or row["organisation"] is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    actor.require_organiser(row["organisation"])
    async with db.transaction():
        if not await delivery.retry_failed(mail_id):
            raise Conflict("mail_not_failed", "Only a mail that failed can be sent again.")
        await audit.record(
            "mail_retried",
            "outbox_mail",
            mail_id,
            organisation_id=row["organisation"],
            account_id=actor.account_id,
        )
    found = await OutboxMail.select(*LOG_COLUMNS).where(OutboxMail.id == mail_id).first()
    assert found is not None
    return found


async def message_registrants(
    actor: Actor,
    date_id: int,
    *,
    subject: str,
    body: str,
    include_waiting: bool = False,
) -> int:
    """Queue the organiser's message to everyone registered (confirmed; and the waiting list
    if asked) for one date.  Organisers of the organisation and hosts of the date may do this.
    Returns how many mails were queued."""
    access = await signups.access_to_date(actor, date_id)
    subject = clean_text(subject, limit=10 * MAX_SUBJECT)
    body = body.replace("\r\n", "\n").replace("\r", "\n").strip()
    if not subject or len(subject) > MAX_SUBJECT:
        raise DomainError(
            "subject_invalid",
            f"Write a subject of at most {MAX_SUBJECT} characters.",
            field="subject",
        )
    if not body or len(body) > MAX_BODY:
        raise DomainError(
            "body_invalid", f"Write a message of at most {MAX_BODY} characters.", field="body"
        )
    statuses = [Registration.Status.confirmed]
    if include_waiting:
        statuses.append(Registration.Status.waiting)
    async with db.transaction():
        people = await Registration.select(
            Registration.id, Registration.email, Registration.name, Registration.language
        ).where(
            (Registration.event_date == date_id)
            & Registration.status.is_in(statuses)
            & (Registration.email != "")
            & Registration.anonymised_at.is_null()
        )
        for person in people:
            await outbox.enqueue(
                "organiser_message",
                to_email=person["email"],
                to_name=person["name"],
                language=person["language"],
                context={"subject": subject, "body": body},
                organisation_id=access.organisation_id,
                date_id=date_id,
                registration_id=person["id"],
            )
        await audit.record(
            "registrants_messaged",
            "event_date",
            date_id,
            organisation_id=access.organisation_id,
            account_id=actor.account_id,
            detail={"subject": subject, "recipients": len(people)},
        )
    return len(people)
