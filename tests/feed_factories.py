"""Rows for feed tests, written directly (no services): series, dates, speakers, people.

``touch_date`` changes a date the way the series service does: new values, ``updated_at`` =
now and ``sequence`` + 1.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app import clock
from events_app.tables import (
    Account,
    Attendee,
    EventDate,
    Programme,
    Registration,
    Series,
    SeriesHost,
    Speaker,
)

AMSTERDAM = "Europe/Amsterdam"


def wall(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A naive wall-clock time (the zone travels separately)."""
    return datetime(year, month, day, hour, minute)  # noqa: DTZ001


def instant(local: datetime, tz: str = AMSTERDAM) -> datetime:
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(ZoneInfo("UTC"))


async def make_series(organisation_id: int, slug: str, **values: Any) -> int:
    now = clock.now()
    row: dict[str, Any] = {
        "organisation": organisation_id,
        "slug": slug,
        "title": f"Serie {slug}",
        "summary": "",
        "kind": "meetup",
        "format": "online",
        "meeting_url": "",
        "link_visibility": "registered",
        "registration_mode": "required",
        "published": True,
        "first_start": wall(2026, 10, 1, 15),
        "duration_minutes": 60,
        "tags": [],
        "created_at": now,
        "updated_at": now,
    }
    row.update(values)
    inserted = await Series.insert(Series(**row)).returning(Series.id)
    return int(inserted[0]["id"])


async def make_feed_date(
    series_id: int, local_start: datetime, minutes: int = 60, **values: Any
) -> int:
    now = clock.now()
    tz = values.pop("timezone", AMSTERDAM)
    local_end = local_start + timedelta(minutes=minutes)
    row: dict[str, Any] = {
        "series": series_id,
        "uid": f"{uuid.uuid4().hex}@events-app",
        "rule_start": local_start,
        "local_start": local_start,
        "local_end": local_end,
        "timezone": tz,
        "starts_at": instant(local_start, tz),
        "ends_at": instant(local_end, tz),
        "created_at": now,
        "updated_at": now,
    }
    row.update(values)
    inserted = await EventDate.insert(EventDate(**row)).returning(EventDate.id)
    return int(inserted[0]["id"])


async def touch_date(date_id: int, **values: Any) -> None:
    """Change a date as a service would: new values, updated_at = now, sequence + 1."""
    row = await EventDate.select().where(EventDate.id == date_id).first()
    assert row is not None
    changes: dict[Any, Any] = {EventDate.updated_at: clock.now()}
    changes[EventDate.sequence] = row["sequence"] + 1
    if "local_start" in values:
        start: datetime = values.pop("local_start")
        length = row["local_end"] - row["local_start"]
        changes[EventDate.local_start] = start
        changes[EventDate.local_end] = start + length
        changes[EventDate.starts_at] = instant(start, row["timezone"])
        changes[EventDate.ends_at] = instant(start + length, row["timezone"])
    for name, value in values.items():
        changes[getattr(EventDate, name)] = value
    await EventDate.update(changes).where(EventDate.id == date_id)


async def touch_series(series_id: int, **values: Any) -> None:
    changes: dict[Any, Any] = {Series.updated_at: clock.now()}
    for name, value in values.items():
        changes[getattr(Series, name)] = value
    await Series.update(changes).where(Series.id == series_id)


async def make_speaker(
    series_id: int, name: str, date_id: int | None = None, role: str = "speaker"
) -> None:
    await Speaker.insert(Speaker(series=series_id, event_date=date_id, name=name, role=role))


async def make_programme(organisation_id: int, slug: str, published: bool = True) -> int:
    now = clock.now()
    rows = await Programme.insert(
        Programme(
            organisation=organisation_id,
            slug=slug,
            title=f"Programma {slug}",
            summary="Een week vol workshops",
            published=published,
            created_at=now,
            updated_at=now,
        )
    ).returning(Programme.id)
    return int(rows[0]["id"])


@dataclass(frozen=True)
class Person:
    id: int
    feed_token: str
    manage_token: str


async def make_attendee(email: str = "deelnemer@example.org", language: str = "nl") -> Person:
    person = Person(0, uuid.uuid4().hex + uuid.uuid4().hex, uuid.uuid4().hex + uuid.uuid4().hex)
    rows = await Attendee.insert(
        Attendee(
            email=email,
            manage_token=person.manage_token,
            feed_token=person.feed_token,
            language=language,
            created_at=clock.now(),
        )
    ).returning(Attendee.id)
    return Person(int(rows[0]["id"]), person.feed_token, person.manage_token)


async def register(
    date_id: int, person: Person, status: str = "confirmed", name: str = "Deelnemer"
) -> int:
    """A registration row plus the date's counter, as the registration service keeps them."""
    now = clock.now()
    rows = await Registration.insert(
        Registration(
            event_date=date_id,
            attendee=person.id,
            name=name,
            email=f"{name.lower().replace(' ', '.')}@example.org",
            status=status,
            waiting_since=now if status == "waiting" else None,
            cancelled_at=now if status == "cancelled" else None,
            created_at=now,
            updated_at=now,
        )
    ).returning(Registration.id)
    counter = {"confirmed": EventDate.confirmed_count, "waiting": EventDate.waiting_count}
    if status in counter:
        column = counter[status]
        await EventDate.update({column: column + 1}).where(EventDate.id == date_id)
    return int(rows[0]["id"])


async def set_registration(registration_id: int, status: str) -> None:
    """Move a registration to another status as the services do (counters included)."""
    row = await Registration.select().where(Registration.id == registration_id).first()
    assert row is not None
    now = clock.now()
    await Registration.update(
        {
            Registration.status: status,
            Registration.updated_at: now,
            Registration.cancelled_at: now if status == "cancelled" else None,
            Registration.waiting_since: now if status == "waiting" else None,
        }
    ).where(Registration.id == registration_id)
    counters = {"confirmed": EventDate.confirmed_count, "waiting": EventDate.waiting_count}
    if row["status"] in counters:
        old = counters[row["status"]]
        await EventDate.update({old: old - 1}).where(EventDate.id == row["event_date"])
    if status in counters:
        new = counters[status]
        await EventDate.update({new: new + 1}).where(EventDate.id == row["event_date"])


async def make_host_account(
    email: str = "gastvrouw@example.org", language: str = "nl", token: str | None = None
) -> int:
    rows = await Account.insert(
        Account(
            email=email,
            name="Gastvrouw",
            password_hash="x",
            language=language,
            host_feed_token=token,
            created_at=clock.now(),
        )
    ).returning(Account.id)
    return int(rows[0]["id"])


async def make_host(account_id: int, series_id: int, date_id: int | None = None) -> None:
    await SeriesHost.insert(SeriesHost(account=account_id, series=series_id, event_date=date_id))
