"""Retention: personal data of past registrations and applications is wiped after the
organisation's period.

Counts, statuses and attendance stay (they are statistics, not personal data).  A person whose
every registration is anonymised and who follows no series is forgotten entirely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app import clock, db, throttle
from events_app.accounts import sessions
from events_app.mail.kinds import ACCOUNT_KINDS, EXPERT_KINDS, FOLLOWER_KINDS
from events_app.registration.following import purge_unconfirmed
from events_app.tables import (
    Application,
    Attendee,
    EventDate,
    Organisation,
    OutboxMail,
    PasswordReset,
    Registration,
    Series,
    SeriesSubscription,
)

__all__ = ["FINISHED", "anonymise_expired", "delete_needs"]

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
            # Applications hold the same details and answers (and the organiser's words).
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
            ).where(Application.anonymised_at.is_null() & Application.event_date.is_in(dates))
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
        applying = Application.select(Application.attendee).where(
            Application.attendee.is_not_null()
        )
        await Attendee.delete().where(
            Attendee.id.not_in(still_needed)
            & Attendee.id.not_in(following)
            & Attendee.id.not_in(applying)
        )
    await forget_account_traces(now)
    return total


async def delete_needs() -> int:
    """Delete the needs people wrote for dates that ended more than their organisation's
    ``needs_days`` ago, sooner than the rest of the data (``domain/needs.py``).  A
    whole-series registration's own copy goes when it is cancelled, or when its series has no
    date to come and none that ended within ``needs_days``.  Returns how many registrations
    lost their needs."""
    now = clock.now()
    total = 0
    for organisation in await Organisation.select(Organisation.id, Organisation.needs_days):
        cutoff = now - timedelta(days=organisation["needs_days"])
        ended = EventDate.select(EventDate.id).where(
            (EventDate.series.organisation == organisation["id"]) & (EventDate.ends_at <= cutoff)
        )
        series = Series.select(Series.id).where(Series.organisation == organisation["id"])
        # Series with a date still to come, or one that ended within needs_days (its people
        # may still come to a date added later).
        in_use = EventDate.select(EventDate.series).where(EventDate.ends_at > cutoff)
        async with db.transaction():
            rows = (
                await Registration.update({Registration.needs: ""})
                .where((Registration.needs != "") & Registration.event_date.is_in(ended))
                .returning(Registration.id)
            )
            total += len(rows)
            # An application carries the needs too, whatever became of it.
            await Application.update({Application.needs: ""}).where(
                (Application.needs != "") & Application.event_date.is_in(ended)
            )
            await SeriesSubscription.update({SeriesSubscription.needs: ""}).where(
                (SeriesSubscription.needs != "")
                & SeriesSubscription.series.is_in(series)
                & (
                    SeriesSubscription.cancelled_at.is_not_null()
                    | SeriesSubscription.series.not_in(in_use)
                )
            )
    return total


async def forget_account_traces(now: datetime) -> None:
    """Reset links and their mails (which carry the link) a day after they expired, idle
    login and rate-limit counters, and login sessions that have ended."""
    day_ago = now - timedelta(days=1)
    async with db.transaction():
        await PasswordReset.delete().where(PasswordReset.expires_at < day_ago)
        await OutboxMail.delete().where(
            OutboxMail.kind.is_in([*ACCOUNT_KINDS, "manage_link", *FOLLOWER_KINDS, *EXPERT_KINDS])
            & OutboxMail.status.is_in(FINISHED)
            & (OutboxMail.created_at < day_ago)
        )
        # An address that never confirmed its follow is kept no longer than the link works.
        await purge_unconfirmed(now)
    await throttle.prune()
    await sessions.prune()
