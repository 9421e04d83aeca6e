"""A person's own data behind their manage link: all of it as JSON, or all of it deleted.

Deleting cancels every coming registration (freeing seats for the waiting list), wipes the
personal data from past ones and from the outbox and mail log, and removes the person's tokens;
counts, statuses and attendance stay, as they do after the retention period
(:mod:`events_app.registration.retention`).
"""

from __future__ import annotations

from typing import Any

from events_app import clock, db
from events_app.mail.kinds import ACCOUNT_KINDS
from events_app.registration import cancelling, following, seats
from events_app.registration.applications import my_applications
from events_app.registration.manage import active_of, attendee_for_token, my_registrations
from events_app.tables import Application, Attendee, Certificate, OutboxMail, Registration

__all__ = ["delete_my_data", "export_my_data", "forget_in_outbox"]


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
    certificates = (
        await Certificate.select(
            Certificate.code, Certificate.name, Certificate.title, Certificate.organisation_name,
            Certificate.dates, Certificate.minutes, Certificate.issued_at, Certificate.revoked_at,
        )
        .where(Certificate.attendee == attendee["id"])
        .order_by(Certificate.issued_at)
        .output(load_json=True)
    )  # fmt: skip
    applied = (
        await Application.select(
            Application.id,
            Application.name,
            Application.email,
            Application.role,
            Application.needs,
            Application.answers,
            Application.language,
            Application.created_at,
        )
        .where(Application.attendee == attendee["id"])
        .output(load_json=True)
    )
    applied_by_id = {row["id"]: row for row in applied}
    return {
        "email": attendee["email"],
        "language": attendee["language"],
        "created_at": attendee["created_at"].isoformat(),
        "follows": await following.follows_of(attendee["email"]),
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
        "certificates": [
            {
                **row,
                "issued_at": row["issued_at"].isoformat(),
                "revoked_at": row["revoked_at"].isoformat() if row["revoked_at"] else None,
            }
            for row in certificates
        ],
        "applications": [
            {
                "event": item.series_title,
                "starts": item.local_start.isoformat(timespec="minutes"),
                "timezone": item.timezone,
                "status": item.status,
                "name": applied_by_id[item.application_id]["name"],
                "email": applied_by_id[item.application_id]["email"],
                "role": applied_by_id[item.application_id]["role"],
                "needs": applied_by_id[item.application_id]["needs"],
                "answers": applied_by_id[item.application_id]["answers"],
                "language": applied_by_id[item.application_id]["language"],
                "message": item.message,
                "applied_at": applied_by_id[item.application_id]["created_at"].isoformat(),
            }
            for item in await my_applications(attendee["id"])
        ],
    }


async def delete_my_data(token: str) -> None:
    attendee = await attendee_for_token(token)
    now = clock.now()
    async with db.transaction():
        mine = await active_of(attendee["id"])
        await seats.lock_dates(sorted({row["event_date"] for row in mine}))
        for row in mine:
            await cancelling.cancel(row["id"], notify=False)
        ids = [
            row["id"]
            for row in await Registration.select(Registration.id).where(
                Registration.attendee == attendee["id"]
            )
        ]
        await Registration.update(
            {
                Registration.name: "",
                Registration.email: "",
                Registration.needs: "",
                Registration.answers: {},
                Registration.attendee: None,
                Registration.hold_until: None,
                Registration.anonymised_at: now,
                Registration.updated_at: now,
            }
        ).where(Registration.id.is_in(ids or [0]))
        # Applications: a pending one is withdrawn, and every one loses the person's details.
        await Application.update(
            {
                Application.status: Application.Status.withdrawn,
                Application.updated_at: now,
            }
        ).where(
            (Application.attendee == attendee["id"])
            & (Application.status == Application.Status.pending)
        )
        await Application.update(
            {
                Application.name: "",
                Application.email: "",
                Application.needs: "",
                Application.answers: {},
                Application.message: "",
                Application.attendee: None,
                Application.anonymised_at: now,
                Application.updated_at: now,
            }
        ).where(Application.attendee == attendee["id"])
        await forget_in_outbox(attendee["email"], ids)
        await following.forget_address(attendee["email"])
        await Attendee.delete().where(Attendee.id == attendee["id"])


async def forget_in_outbox(email: str, registration_ids: list[int]) -> None:
    """Remove a person's name and address from queued and sent mail (the mail log keeps only
    that a mail of this kind existed).  Mail not yet sent is not sent any more.  Mail about a
    staff account at the same address (a password link, an invitation) is not the attendee's
    and stays."""
    mails = (
        OutboxMail.registration.is_in(registration_ids or [0]) | (OutboxMail.to_email == email)
    ) & OutboxMail.kind.not_in(list(ACCOUNT_KINDS))
    await OutboxMail.update(
        {
            OutboxMail.status: OutboxMail.Status.skipped,
            OutboxMail.last_error: "Not sent: the person's data was removed.",
            OutboxMail.locked_until: None,
        }
    ).where(mails & OutboxMail.status.is_in([OutboxMail.Status.pending, OutboxMail.Status.failed]))
    await OutboxMail.update(
        {OutboxMail.to_email: "", OutboxMail.to_name: "", OutboxMail.context: {}}
    ).where(mails)
