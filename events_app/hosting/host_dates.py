"""What hosts work with: the dates they host, attendance, and breakout groups.

Access is :func:`events_app.hosting.signups.access_to_date`: the host of the date (or of its
whole series) and the organisers of its organisation; anyone else is told it does not exist.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.domain.groups import Member, split_into_groups
from events_app.domain.seats import effective_capacity
from events_app.hosting.signups import access_to_date
from events_app.tables import EventDate, Registration, SeriesHost, Speaker

__all__ = [
    "ATTENDANCE_CLOSES",
    "ATTENDANCE_OPENS",
    "attendance_window",
    "date_summary",
    "groups_for",
    "hosted_dates",
    "organisation_dates",
    "organisation_past_dates",
    "record_attendance",
]

ATTENDANCE_OPENS = timedelta(hours=1)  # before the start
ATTENDANCE_CLOSES = timedelta(days=30)  # after the end
PAST_SHOWN = timedelta(days=90)

_COLUMNS = (
    EventDate.id,
    EventDate.local_start,
    EventDate.local_end,
    EventDate.timezone,
    EventDate.starts_at,
    EventDate.ends_at,
    EventDate.status,
    EventDate.topic,
    EventDate.capacity,
    EventDate.confirmed_count,
    EventDate.waiting_count,
    EventDate.series.as_alias("series_id"),
    EventDate.series.title.as_alias("series_title"),
    EventDate.series.slug.as_alias("series_slug"),
    EventDate.series.capacity.as_alias("series_capacity"),
    EventDate.series.programme.as_alias("programme_id"),
    EventDate.series.admission.as_alias("series_admission"),
    EventDate.series.organisation.name.as_alias("organisation_name"),  # type: ignore[union-attr]
)


def _shape(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        row["capacity"] = effective_capacity(row["capacity"], row["series_capacity"])
    return rows


async def hosted_dates(actor: Actor, now: datetime) -> list[dict[str, Any]]:
    """Dates the actor hosts (as host of the series or of that date), from 90 days ago on."""
    whole_series = SeriesHost.select(SeriesHost.series).where(
        (SeriesHost.account == actor.account_id) & SeriesHost.event_date.is_null()
    )
    single_dates = SeriesHost.select(SeriesHost.event_date).where(
        (SeriesHost.account == actor.account_id) & SeriesHost.event_date.is_not_null()
    )
    rows = (
        await EventDate.select(*_COLUMNS)
        .where(
            (EventDate.series.is_in(whole_series) | EventDate.id.is_in(single_dates))
            & (EventDate.ends_at > now - PAST_SHOWN)
            & (EventDate.status != EventDate.Status.skipped)
            & EventDate.removed_at.is_null()
        )
        .order_by(EventDate.starts_at)
    )
    return _shape(rows)


async def organisation_dates(actor: Actor, now: datetime, days: int = 60) -> list[dict[str, Any]]:
    """For organisers: the coming dates of every organisation they organise."""
    return await _organisation_dates(
        actor, (EventDate.ends_at > now) & (EventDate.starts_at < now + timedelta(days=days))
    )


async def organisation_past_dates(actor: Actor, now: datetime) -> list[dict[str, Any]]:
    """For organisers: the dates of their organisations that ended in the last 90 days (an
    organiser looks back at every date, also those somebody else hosted)."""
    return await _organisation_dates(
        actor, (EventDate.ends_at <= now) & (EventDate.ends_at > now - PAST_SHOWN)
    )


async def _organisation_dates(actor: Actor, when: Any) -> list[dict[str, Any]]:
    organisations = actor.organiser_of()
    if not organisations:
        return []
    rows = (
        await EventDate.select(*_COLUMNS)
        .where(
            EventDate.series.organisation.is_in(organisations)
            & when
            & (EventDate.status != EventDate.Status.skipped)
            & EventDate.removed_at.is_null()
        )
        .order_by(EventDate.starts_at)
    )
    return _shape(rows)


async def date_summary(actor: Actor, date_id: int) -> dict[str, Any]:
    """One date's facts for the host pages (after the access check)."""
    access = await access_to_date(actor, date_id)
    row = await EventDate.select(*_COLUMNS).where(EventDate.id == date_id).first()
    assert row is not None
    [shaped] = _shape([row])
    shaped["is_organiser"] = access.is_organiser
    shaped["hosts_series"] = access.is_organiser or await SeriesHost.exists().where(
        (SeriesHost.account == actor.account_id)
        & (SeriesHost.series == access.series_id)
        & SeriesHost.event_date.is_null()
    )
    shaped["own_speakers"] = (
        await Speaker.select(Speaker.name, Speaker.role)
        .where(Speaker.event_date == date_id)
        .order_by(Speaker.position)
    )
    return shaped


def attendance_window(starts_at: datetime, ends_at: datetime, now: datetime) -> str:
    """ "early", "open" or "closed": attendance is recorded from an hour before the start
    until 30 days after the end."""
    if now < starts_at - ATTENDANCE_OPENS:
        return "early"
    if now > ends_at + ATTENDANCE_CLOSES:
        return "closed"
    return "open"


async def record_attendance(actor: Actor, registration_id: int, attended: bool | None) -> int:
    """Mark a confirmed person present (True), absent (False) or not recorded (None).

    Returns the date's id."""
    row = (
        await Registration.select(
            Registration.event_date,
            Registration.status,
            Registration.event_date.starts_at.as_alias("starts_at"),
            Registration.event_date.ends_at.as_alias("ends_at"),
        )
        .where(Registration.id == registration_id)
        .first()
    )
    if row is None:
        raise NotFound("not_found", "This does not exist or is not yours to see.")
    access = await access_to_date(actor, int(row["event_date"]))
    if row["status"] != Registration.Status.confirmed:
        raise Conflict("not_confirmed", "Only people with a place can be marked present.")
    window = attendance_window(row["starts_at"], row["ends_at"], clock.now())
    if window == "early":
        raise DomainError(
            "attendance_early", "Attendance can be recorded from one hour before the start."
        )
    if window == "closed":
        raise DomainError(
            "attendance_closed", "Attendance can be recorded until 30 days after the date."
        )
    now = clock.now()
    async with db.transaction():
        await Registration.update(
            {
                Registration.attended: attended,
                Registration.attendance_recorded_at: now if attended is not None else None,
                Registration.updated_at: now,
            }
        ).where(Registration.id == registration_id)
        await audit.record(
            "attendance_recorded",
            "registration",
            registration_id,
            organisation_id=access.organisation_id,
            account_id=actor.account_id,
            detail={"attended": attended},
        )
    return access.date_id


async def groups_for(
    actor: Actor, date_id: int, count: int, who: str
) -> tuple[list[list[Member]], int]:
    """Breakout groups of the people present (``who="present"``) or registered; and how many
    people were split."""
    await access_to_date(actor, date_id)
    query = Registration.select(Registration.id, Registration.name, Registration.role).where(
        (Registration.event_date == date_id)
        & (Registration.status == Registration.Status.confirmed)
    )
    if who == "present":
        query = query.where(Registration.attended.eq(True))
    people = [Member(r["id"], r["name"] or "—", r["role"] or "") for r in await query]
    try:
        groups = split_into_groups(people, count, seed=date_id)
    except ValueError as exc:
        raise DomainError("groups_count", str(exc), field="n") from exc
    return groups, len(people)
