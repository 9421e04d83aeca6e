"""What every part of the demo uses: the organisations' names, invented people, and small
helpers that make series, dates and registrations through the services."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.accounts.credentials import Actor
from events_app.registration import registrations
from events_app.series.planning import ScheduleInput, create_series, set_published
from events_app.tables import EventDate, Membership

__all__ = [
    "CITY", "CONSENT", "CONSENT_EN", "DEMO_PASSWORD", "PEOPLE", "REGION", "at", "dates_of",
    "make_host", "make_organiser", "make_series", "next_weekday", "register",
]  # fmt: skip

CITY = "netwerk-ervaringskennis"
REGION = "ouders-en-jongeren-zuid"
DEMO_PASSWORD = "demo-wachtwoord"
CONSENT = (
    "We gebruiken je naam en e-mailadres alleen voor deze bijeenkomst. "
    "Na 90 dagen halen we je gegevens weg."
)
CONSENT_EN = (
    "We use your name and e-mail address only for this meeting. "
    "After 90 days we remove your details."
)

PEOPLE = [
    ("Fatima Amrani", "expert"),
    ("Joost van Dijk", "professional"),
    ("Ineke Smit", "relative"),
    ("Daan Kramer", "student"),
    ("Noor Hendriks", "expert"),
    ("Pieter Bakker", "professional"),
    ("Sanne Mulder", "relative"),
    ("Yusuf Demir", "expert"),
    ("Lotte de Wit", "professional"),
    ("Ruben Visser", "other"),
    ("Eva Jansen", "student"),
    ("Marco Peters", "expert"),
    ("Anouk Willems", "professional"),
    ("Bas Koster", "relative"),
    ("Femke Dekker", "expert"),
    ("Hamza el Idrissi", "professional"),
    ("Iris Vermeulen", "student"),
    ("Koen Brouwer", "expert"),
    ("Mila Groen", "relative"),
    ("Thomas Hoekstra", "professional"),
]


def next_weekday(after: date, weekday: int) -> date:
    return after + timedelta(days=(weekday - after.weekday()) % 7 or 7)


def at(day: date, hour: int, minute: int = 0) -> str:
    return datetime.combine(day, time(hour, minute)).isoformat(timespec="minutes")


async def register(dates: list[int], first: int, count: int, *, hybrid: bool = False) -> None:
    """``hybrid``: the dates are on site and online, and people say how they come."""
    for n in range(first, first + count):
        name, role = PEOPLE[n % len(PEOPLE)]
        local = name.lower().replace(" ", ".")
        await registrations.register(
            dates, name=name, email=f"{local}@example.org", role=role, consent=True,
            attendance=("online" if n % 3 == 0 else "on_site") if hybrid else None,
        )  # fmt: skip


async def make_organiser(slug: str, email: str, name: str) -> Actor:
    account_id = await accounts.create_organiser(email, name, DEMO_PASSWORD, slug)
    actor = await accounts.actor_for_account(account_id)
    assert actor is not None
    return actor


async def make_host(organisation_id: int, email: str, name: str) -> int:
    account_id = await accounts.create_account(email, name, DEMO_PASSWORD)
    await Membership.insert(
        Membership(
            account=account_id, organisation=organisation_id, role="host", created_at=clock.now()
        )
    )
    return account_id


async def dates_of(series_id: int) -> list[int]:
    rows = (
        await EventDate.select(EventDate.id)
        .where(EventDate.series == series_id)
        .order_by(EventDate.starts_at)
    )
    return [row["id"] for row in rows]


async def make_series(actor: Actor, org: int, when: ScheduleInput, **details: Any) -> int:
    series_id, _ = await create_series(actor, org, when, details)
    await set_published(actor, series_id, True)
    return series_id
