"""Retention: personal data of past registrations is wiped after the organisation's period.

Counts, statuses and attendance stay (they are statistics, not personal data).  A person whose
every registration is anonymised and who follows no series is forgotten entirely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app import clock, db, throttle
from events_app.accounts import sessions
from events_app.mail.kinds import ACCOUNT_KINDS, FOLLOWER_KINDS
from events_app.registration.following import purge_unconfirmed
from events_app.tables import (
    Attendee,
    EventDate,
    Organisation,
    OutboxMail,
    PasswordReset,
    Registration,
    SeriesSubscription,
)

__all__ = ["FINISHED", "anonymise_expired"]

# Mails that will not be sent (any more): sent, failed, held back or deliberately skipped.
FINISHED = [
    OutboxMail.Status.sent,
    OutboxMail.Status.failed,
    OutboxMail.Status.held,
    OutboxMail.Status.skipped,
]


async def anonymise_expired() -> int:
    """Anonymise registrations of dates that ended more than ``retention_days`` ago."""
    now = clock.now()
    total = 0
    for organisation in await Organisation.select(Organisation.id, Organisation.retention_days):
        cutoff = now - timedelta(days=organisation["retention_days"])
        dates = EventDate.select(EventDate.id).where(
            (EventDate.series.organisation == organisation["id"]) & (EventDate.ends_at < cutoff)
        )
        async with db.transaction():
            rows = (
                await Registration.update(
                    {
                        Registration.name: "",
                        Registration.email: "",
                        Registration.needs: "",
                        Registration.answers: {},
                        Registration.attendee: None,
                        Registration.anonymised_at: now,
                        Registration.updated_at: now,
                    }
                )
                .where(Registration.anonymised_at.is_null() & Registration.event_date.is_in(dates))
                .returning(Registration.id)
            )
            total += len(rows)
            # Finished mails hold names, addresses and texts: they go too.
            await OutboxMail.delete().where(
                (OutboxMail.organisation == organisation["id"])
                & OutboxMail.status.is_in(FINISHED)
                & (OutboxMail.created_at < cutoff)
            )
    async with db.transaction():
        still_needed = Registration.select(Registration.attendee).where(
            Registration.attendee.is_not_null()
        )
        following = SeriesSubscription.select(SeriesSubscription.attendee).where(
            SeriesSubscription.cancelled_at.is_null()
        )
        await Attendee.delete().where(
            Attendee.id.not_in(still_needed) & Attendee.id.not_in(following)
        )
    await forget_account_traces(now)
    return total


async def forget_account_traces(now: datetime) -> None:
    """Reset links and their mails (which carry the link) a day after they expired, idle
    login and rate-limit counters, and login sessions that have ended."""
    day_ago = now - timedelta(days=1)
    async with db.transaction():
        await PasswordReset.delete().where(PasswordReset.expires_at < day_ago)
        await OutboxMail.delete().where(
            OutboxMail.kind.is_in([*ACCOUNT_KINDS, "manage_link", *FOLLOWER_KINDS])
            & OutboxMail.status.is_in(FINISHED)
            & (OutboxMail.created_at < day_ago)
        )
        # An address that never confirmed its follow is kept no longer than the link works.
        await purge_unconfirmed(now)
    await throttle.prune()
    await sessions.prune()
