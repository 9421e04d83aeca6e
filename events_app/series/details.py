"""A series' details (everything but *when*): checks, and what a change does to its dates.

A change a calendar shows (title, texts, place, link) raises the SEQUENCE of every future
date, so subscribed calendars replace their copy.  A change of place or link also tells the
people registered for those dates (dates with their own place or link keep theirs).  A lower
capacity may not drop below the seats already taken on any future date; a higher one moves
people up from the waiting list at once.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.domain import recurrence, slugs, together, wallclock
from events_app.domain.emails import normalise_email
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.needs import check_aftercare_hours
from events_app.domain.sessions import is_web_address
from events_app.registration import seats
from events_app.series import notify
from events_app.tables import EventDate, Programme, Registration, Series

__all__ = [
    "CALENDAR_FIELDS",
    "apply",
    "check_capacity",
    "check_url",
    "check_whole_event",
    "check_window",
    "checked",
    "refuse_if_registered",
    "free_slug",
    "future_dates",
]

CALENDAR_FIELDS = frozenset(
    {"title", "summary", "description", "location", "meeting_url", "meeting_details", "format",
     "link_visibility"}
)  # fmt: skip
PLACE_FIELDS = ("location", "meeting_url", "meeting_details")
# What a registration decides by under its date locks (see ``registration.locking.lock``).
SEAT_FIELDS = frozenset({"capacity", "waitlist"})


def check_title(title: str) -> str:
    title = title.strip()
    if not title:
        raise DomainError("title_missing", "Give the series a title.", field="title")
    return title


def check_url(url: str, field: str) -> str:
    """Only web addresses (no ``javascript:`` or ``file:`` links in pages and mails)."""
    url = url.strip()
    if url and not is_web_address(url):
        raise DomainError(
            "invalid_url", "Give a web address that starts with https://.", field=field
        )
    return url


async def free_slug(base: str, *, table: type[Series] | type[Programme] = Series) -> str:
    taken = await table.select(table.slug).where(
        (table.slug == base) | table.slug.like(f"{base}-%")
    )
    return slugs.unique_slug(base, {row["slug"] for row in taken})


async def checked(
    details: dict[str, Any], organisation_id: int, *, current: int | None
) -> dict[str, Any]:
    """The details as column values, checked; ``current`` is the series' id when editing."""
    values = dict(details)
    if "title" in values:
        values["title"] = check_title(values["title"])
    if values.get("slug") is not None:
        slug = slugs.check_slug(values["slug"])
        clash = Series.exists().where(Series.slug == slug)
        if current is not None:
            clash = clash.where(Series.id != current)
        if await clash:
            raise Conflict("slug_taken", f"The address '{slug}' is already in use.", field="slug")
    else:
        values.pop("slug", None)
    if values.get("contact_email"):
        values["contact_email"] = normalise_email(values["contact_email"], field="contact_email")
    if "meeting_url" in values:
        values["meeting_url"] = check_url(values["meeting_url"], "meeting_url")
    if "tags" in values:
        values["tags"] = list(dict.fromkeys(t.strip() for t in values["tags"] if t.strip()))
    for text in ("content_note", "aftercare_text"):
        if text in values:
            values[text] = str(values[text]).strip()
    if "aftercare_hours" in values:
        check_aftercare_hours(values["aftercare_hours"])
    if "programme_id" in values:
        programme_id = values.pop("programme_id")
        if programme_id is not None and not await Programme.exists().where(
            (Programme.id == programme_id) & (Programme.organisation == organisation_id)
        ):
            raise DomainError(
                "programme_unknown", "There is no such programme.", field="programme_id"
            )
        values["programme"] = programme_id
    return values


def check_window(series: dict[str, Any]) -> None:
    opens, closes = series["registration_opens_at"], series["registration_closes_at"]
    if opens is not None and closes is not None and closes <= opens:
        raise DomainError(
            "end_before_start",
            "Registration must close after it opens.",
            field="registration_closes_at",
        )


async def check_whole_event(series: dict[str, Any]) -> None:
    """A series registered as one must have all its days made now: a known, small number
    (see :mod:`events_app.domain.together`), none beyond the horizon of made dates."""
    made = await EventDate.count().where(EventDate.series == series["id"])
    together.check_finite(series["rrule"], made)
    if not series["rrule"]:
        return
    first = series["first_start"]
    start = wallclock.to_utc(first, series["timezone"])
    every = recurrence.expand(
        series["rrule"],
        first,
        timedelta(minutes=series["duration_minutes"]),
        series["timezone"],
        window_start=start,
        window_end=start + _LONGEST_EVENT,
    )
    together.check_finite(series["rrule"], len(every))
    if len(every) > made:
        raise DomainError(
            "together_too_far",
            "Dates registered together must all lie within the dates made now: "
            "choose fewer dates or an earlier end.",
            field="together",
        )


_LONGEST_EVENT = timedelta(days=5 * 366)


async def refuse_if_registered(series_id: int, code: str, message: str, field: str) -> None:
    """For an event registered as one: what would give some days other people than the rest
    (a new day, a new schedule, no longer one event) waits until nobody is registered."""
    days = await EventDate.select(EventDate.id).where(EventDate.series == series_id)
    taken = await Registration.exists().where(
        Registration.event_date.is_in([d["id"] for d in days] or [0])
        & Registration.status.is_in([Registration.Status.confirmed, Registration.Status.waiting])
    )
    if taken:
        raise Conflict(code, message, field=field)


async def future_dates(series_id: int, *, own: str | None = None) -> list[dict[str, Any]]:
    """Scheduled dates still ahead; with ``own``, only those without their own value for it."""
    query = EventDate.select(
        EventDate.id, EventDate.local_start, EventDate.starts_at, EventDate.confirmed_count
    ).where(
        (EventDate.series == series_id)
        & (EventDate.status == EventDate.Status.scheduled)
        & (EventDate.starts_at > clock.now())
    )
    if own is not None:
        query = query.where(getattr(EventDate, own).is_null())
    if db.is_postgres():
        # Locked in id order, the one global order of date locks; handed back in time order.
        query = query.lock_rows("NO KEY UPDATE")
    rows = await query.order_by(EventDate.id)
    return sorted(rows, key=lambda row: (row["starts_at"], row["id"]))


def check_capacity(capacity: int | None, dates: list[dict[str, Any]], field: str) -> None:
    """A capacity below the seats already taken on a date is refused, naming that date."""
    if capacity is None:
        return
    for date in dates:
        if date["confirmed_count"] > capacity:
            raise Conflict(
                "capacity_below_registered",
                f"{date['confirmed_count']} people are registered for "
                f"{date['local_start']:%d-%m-%Y %H:%M}: the capacity cannot be lower.",
                field=field,
            )


async def apply(actor: Actor, series: dict[str, Any], details: dict[str, Any]) -> None:
    """Apply changed details inside the caller's transaction (see the module doc)."""
    values = await checked(details, series["organisation"], current=series["id"])
    changed: dict[Any, Any] = {k: v for k, v in values.items() if series.get(k) != v}
    if not changed:
        return
    check_window({**series, **changed})
    if "together" in changed:
        await refuse_if_registered(
            series["id"],
            "together_has_registrations",
            "People have registered already: whether the dates are registered as one "
            "can no longer change.",
            "together",
        )
        if changed["together"]:
            await check_whole_event({**series, **changed})
    locked: list[dict[str, Any]] = []
    if changed.keys() & {*SEAT_FIELDS, *CALENDAR_FIELDS, *PLACE_FIELDS}:
        # Every date lock this needs, at once and in id order, before any subset of them.
        locked = await future_dates(series["id"])
    own_capacity = []
    if "capacity" in changed:
        own_capacity = await future_dates(series["id"], own="capacity")
        check_capacity(changed["capacity"], own_capacity, "capacity")
    await Series.update({**changed, "updated_at": clock.now()}).where(Series.id == series["id"])
    if changed.keys() & SEAT_FIELDS and locked:
        # A new version of each date (no value changes): a registration that waited for these
        # locks sees it and reads the series again instead of deciding by the old seats.
        await EventDate.update({EventDate.confirmed_count: EventDate.confirmed_count}).where(
            EventDate.id.is_in([date["id"] for date in locked])
        )
    new, old = changed.get("capacity"), series["capacity"]
    if own_capacity and (new is None or (old is not None and new > old)):
        for date in own_capacity:
            await seats.fill_free_seats(date["id"])
    if CALENDAR_FIELDS & changed.keys():
        upcoming = [d["id"] for d in await future_dates(series["id"])]
        await notify.bump(upcoming)
    place = tuple(f for f in PLACE_FIELDS if f in changed)
    affected: set[int] = set()
    for field in place:
        affected.update(d["id"] for d in await future_dates(series["id"], own=field))
    for date_id in sorted(affected):
        await notify.notify_registrants(
            date_id,
            "date_changed",
            organisation_id=series["organisation"],
            changed=place,
        )
    await audit.record(
        "series_updated",
        "series",
        series["id"],
        organisation_id=series["organisation"],
        account_id=actor.account_id,
        detail={"fields": sorted(changed)},
    )
