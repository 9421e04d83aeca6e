"""Retention: personal data of past registrations, applications and requests for an expert is
wiped after the organisation's period.

Counts, statuses and attendance stay (they are statistics, not personal data).  A person whose
every registration is anonymised and who follows no series is forgotten entirely.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from events_app import clock, db, throttle
from events_app.accounts import sessions
from events_app.mail.kinds import ACCOUNT_KINDS, EXPERT_KINDS, FOLLOWER_KINDS, REQUEST_KINDS
from events_app.registration.following import purge_unconfirmed
from events_app.tables import (
    Application,
    Attendee,
    EventDate,
    ExpertRequest,
    Organisation,
    OutboxMail,
    PasswordReset,
    Proposal,
    Registration,
    RequestEntry,
    Series,
    SeriesSubscription,
)

__all__ = ["FINISHED", "anonymise_expired", "anonymise_requests", "delete_needs"]

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
            await anonymise_requests(organisation["id"], cutoff, now)
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


# A request's words that may name people: the contact, the notes, the messages exchanged.
CLOSED_REQUESTS = [
    ExpertRequest.Status.declined,
    ExpertRequest.Status.withdrawn,
    ExpertRequest.Status.done,
]


async def anonymise_requests(organisation_id: int, cutoff: datetime, now: datetime) -> int:
    """Remove the personal data of the organisation's requests that closed before ``cutoff``,
    or (accepted) whose event's last date ended before it.  The private link stops working;
    kind, topic, dates and statuses stay for the figures.  Returns how many."""
    dated = EventDate.select(EventDate.series).where(
        EventDate.series.organisation == organisation_id
    )
    live = EventDate.select(EventDate.series).where(EventDate.ends_at >= cutoff)
    closed = ExpertRequest.status.is_in(CLOSED_REQUESTS) & (ExpertRequest.closed_at < cutoff)
    held = (ExpertRequest.status == ExpertRequest.Status.accepted) & (
        (ExpertRequest.series.is_in(dated) & ExpertRequest.series.not_in(live))
        # its event deleted since: counted from the request's last change
        | (ExpertRequest.series.is_null() & (ExpertRequest.updated_at < cutoff))
    )
    rows = await ExpertRequest.select(ExpertRequest.id).where(
        (ExpertRequest.organisation == organisation_id)
        & ExpertRequest.anonymised_at.is_null()
        & (closed | held)
    )
    ids = [row["id"] for row in rows]
    if not ids:
        return 0
    for request_id in ids:  # the link's hash must stay unique: one value per request
        await ExpertRequest.update(
            {
                ExpertRequest.contact_name: "",
                ExpertRequest.contact_email: "",
                ExpertRequest.notes: "",
                ExpertRequest.token_hash: f"anonymised:{request_id}",
                ExpertRequest.anonymised_at: now,
                ExpertRequest.updated_at: now,
            }
        ).where(ExpertRequest.id == request_id)
    await RequestEntry.update({RequestEntry.text: ""}).where(RequestEntry.request.is_in(ids))
    # The requester's words when declining a proposal go with the rest of what they wrote.
    await Proposal.update({Proposal.answer: ""}).where(Proposal.request.is_in(ids))
    return len(ids)


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
    """Reset links and their mails (which carry the link) a day after they expired — mail about
    a request too: its words stay in the request's history, the link in the requester's and
    expert's own mailbox —, idle login and rate-limit counters, and login sessions that have
    ended."""
    day_ago = now - timedelta(days=1)
    async with db.transaction():
        await PasswordReset.delete().where(PasswordReset.expires_at < day_ago)
        await OutboxMail.delete().where(
            OutboxMail.kind.is_in(
                [*ACCOUNT_KINDS, "manage_link", *FOLLOWER_KINDS, *REQUEST_KINDS, *EXPERT_KINDS]
            )
            & OutboxMail.status.is_in(FINISHED)
            & (OutboxMail.created_at < day_ago)
        )
        # An address that never confirmed its follow is kept no longer than the link works.
        await purge_unconfirmed(now)
    await throttle.prune()
    await sessions.prune()
