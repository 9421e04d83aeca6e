"""Mails that time causes, queued by the worker: reminders, hosts' digests and aftercare.

Each function is safe to run as often as the worker likes: every mail has a ``dedupe_key``, so
running twice (or on two workers at once) queues it once.  Rows are written in short
transactions per date; the delivery side checks again, when sending, that the mail still makes
sense (no reminder for a registration cancelled in between).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app import clock, db
from events_app.domain.needs import (
    AFTERCARE_WINDOW,
    MAX_AFTERCARE_HOURS,
    aftercare_due,
    recipients_came,
)
from events_app.mail import outbox
from events_app.tables import (
    Account,
    EventDate,
    OutboxMail,
    Registration,
    Series,
    SeriesHost,
)

__all__ = [
    "DIGEST_FROM_HOUR",
    "queue_aftercare",
    "queue_host_digests",
    "queue_reminders",
    "reminder_key",
]

MAX_REMINDER_HOURS = 24 * 14  # a series may ask for at most two weeks' notice
DIGEST_FROM_HOUR = 16  # the digest goes out the afternoon before, with the day's sign-ups in it


def reminder_key(registration_id: int, starts_at: datetime) -> str:
    """One reminder per registration and start time: a moved date gets a new reminder."""
    return f"reminder:{registration_id}:{starts_at.isoformat()}"


async def _missing(keys: list[str]) -> set[str]:
    """The keys among ``keys`` that were never queued."""
    if not keys:
        return set()
    rows = await OutboxMail.select(OutboxMail.dedupe_key).where(OutboxMail.dedupe_key.is_in(keys))
    return set(keys) - {row["dedupe_key"] for row in rows}


async def _enqueue_all(kind: str, mails: list[dict[str, Any]]) -> int:
    """Queue ``mails`` (enqueue keyword arguments) in one transaction; twice if another worker
    queued some of them at the same moment (the unique dedupe key stopped the first try)."""
    for attempt in range(2):
        try:
            async with db.transaction():
                queued = 0
                for mail in mails:
                    queued += await outbox.enqueue(kind, **mail) is not None
                return queued
        except Exception as exc:
            # Only a transaction of its own may be tried again, never one it merely joined.
            if attempt or db.in_transaction() or not db.is_unique_violation(exc):
                raise
    return 0  # pragma: no cover


async def _due_dates(now: datetime, until: datetime) -> list[dict[str, Any]]:
    return list(
        await EventDate.select(
            EventDate.id,
            EventDate.series,
            EventDate.starts_at,
            EventDate.local_start,
            EventDate.timezone,
            EventDate.series.organisation.as_alias("organisation"),
            EventDate.series.reminder_hours.as_alias("reminder_hours"),
        ).where(
            (EventDate.status == EventDate.Status.scheduled)
            & (EventDate.series.status == Series.Status.active)
            & (EventDate.starts_at > now)
            & (EventDate.starts_at <= until)
        )
    )


async def queue_reminders() -> int:
    """Queue a reminder for every confirmed registration of dates that start within their
    series' ``reminder_hours`` (default 24).  Returns how many were queued.

    People who registered after the reminder moment are skipped: their confirmation is newer
    than any reminder would be.
    """
    now = clock.now()
    queued = 0
    for date in await _due_dates(now, now + timedelta(hours=MAX_REMINDER_HOURS)):
        hours = date["reminder_hours"]
        if hours is None or hours <= 0:
            continue
        remind_at = date["starts_at"] - timedelta(hours=min(hours, MAX_REMINDER_HOURS))
        if remind_at > now:
            continue
        people = await Registration.select(
            Registration.id, Registration.email, Registration.name, Registration.language
        ).where(
            (Registration.event_date == date["id"])
            & (Registration.status == Registration.Status.confirmed)
            & (Registration.email != "")
            & Registration.anonymised_at.is_null()
            & (Registration.created_at <= remind_at)
        )
        keys = {row["id"]: reminder_key(row["id"], date["starts_at"]) for row in people}
        missing = await _missing(list(keys.values()))
        mails = [
            {
                "to_email": row["email"],
                "to_name": row["name"],
                "language": row["language"],
                "organisation_id": date["organisation"],
                "date_id": date["id"],
                "registration_id": row["id"],
                "dedupe_key": keys[row["id"]],
            }
            for row in people
            if keys[row["id"]] in missing
        ]
        if mails:
            queued += await _enqueue_all("reminder", mails)
    return queued


async def _hosts(series_id: int, date_id: int) -> list[dict[str, Any]]:
    rows = await SeriesHost.select(SeriesHost.account).where(
        (SeriesHost.series == series_id)
        & (SeriesHost.event_date.is_null() | (SeriesHost.event_date == date_id))
    )
    ids = list({row["account"] for row in rows})
    if not ids:
        return []
    return list(
        await Account.select(Account.id, Account.email, Account.name, Account.language).where(
            Account.id.is_in(ids) & Account.active.eq(True)
        )
    )


async def queue_host_digests(*, from_hour: int = DIGEST_FROM_HOUR) -> int:
    """Queue, for each host of a date that starts tomorrow (in the date's own zone), the
    sign-up list of that date.  Nothing is queued before ``from_hour`` o'clock local time the
    day before, so the list includes that day's registrations.  Returns how many were queued.
    """
    now = clock.now()
    queued = 0
    for date in await _due_dates(now, now + timedelta(hours=50)):
        local_now = now.astimezone(ZoneInfo(date["timezone"]))
        tomorrow = local_now.date() + timedelta(days=1)
        if date["local_start"].date() != tomorrow or local_now.hour < from_hour:
            continue
        hosts = await _hosts(date["series"], date["id"])
        keys = {
            host["id"]: f"host_digest:{host['id']}:{date['id']}:{tomorrow.isoformat()}"
            for host in hosts
        }
        missing = await _missing(list(keys.values()))
        mails = [
            {
                "to_email": host["email"],
                "to_name": host["name"],
                "language": host["language"],
                "context": {"account_id": host["id"]},
                "organisation_id": date["organisation"],
                "date_id": date["id"],
                "dedupe_key": keys[host["id"]],
            }
            for host in hosts
            if keys[host["id"]] in missing
        ]
        if mails:
            queued += await _enqueue_all("host_digest", mails)
    return queued


async def queue_aftercare() -> int:
    """Queue the aftercare mail of every date whose moment came (its series' aftercare hours
    after it ended): to the people marked present, or to everyone with a place when nobody's
    attendance was recorded.  Once per registration (its dedupe key).  Returns how many."""
    now = clock.now()
    dates = await EventDate.select(
        EventDate.id,
        EventDate.ends_at,
        EventDate.series.organisation.as_alias("organisation"),
        EventDate.series.aftercare_hours.as_alias("hours"),
    ).where(
        (EventDate.status == EventDate.Status.scheduled)
        & (EventDate.series.aftercare_text != "")
        & (EventDate.ends_at <= now)
        & (EventDate.ends_at > now - timedelta(hours=MAX_AFTERCARE_HOURS) - AFTERCARE_WINDOW)
    )
    queued = 0
    for date in dates:
        if not aftercare_due(date["ends_at"], date["hours"], now):
            continue
        people = await Registration.select(
            Registration.id,
            Registration.email,
            Registration.name,
            Registration.language,
            Registration.attended,
        ).where(
            (Registration.event_date == date["id"])
            & (Registration.status == Registration.Status.confirmed)
            & (Registration.email != "")
            & Registration.anonymised_at.is_null()
        )
        if recipients_came([row["attended"] for row in people]):
            people = [row for row in people if row["attended"] is True]
        keys = {row["id"]: f"aftercare:{row['id']}" for row in people}
        missing = await _missing(list(keys.values()))
        mails = [
            {
                "to_email": row["email"],
                "to_name": row["name"],
                "language": row["language"],
                "organisation_id": date["organisation"],
                "date_id": date["id"],
                "registration_id": row["id"],
                "dedupe_key": keys[row["id"]],
            }
            for row in people
            if keys[row["id"]] in missing
        ]
        queued += await _enqueue_all("aftercare", mails)
    return queued
