"""Who of a series or programme meets its threshold, who does not yet, and the certificates
issued so far: the organiser's list.

A person is an address (attendee) with a confirmed registration for a date of the scope;
anonymised registrations no longer count as anyone.  Only held dates count (not cancelled or
removed, and over); the counting itself is :func:`events_app.domain.certificates.standing`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from events_app.certificates.scope import Scope
from events_app.domain.certificates import Measure, Standing, Threshold, standing
from events_app.domain.participation import Held
from events_app.tables import Certificate, EventDate, Registration

__all__ = ["IssuedView", "PersonStanding", "certificates_of", "held_dates", "standings"]

_NEVER = Threshold(Measure.percent, 100)  # counted, never met: no threshold is set yet


@dataclass(frozen=True, slots=True)
class IssuedView:
    """An issued certificate as the organiser's list shows it."""

    id: int
    attendee_id: int | None
    code: str
    name: str
    minutes: int
    dates: int
    issued_at: datetime
    revoked_at: datetime | None
    sent_count: int

    @property
    def active(self) -> bool:
        return self.revoked_at is None


@dataclass(frozen=True, slots=True)
class PersonStanding:
    attendee_id: int
    name: str
    language: str
    standing: Standing
    days: tuple[date, ...]  # the attended dates as days in their own zone
    certificate: IssuedView | None  # the latest one issued to them here


async def held_dates(scope: Scope, now: datetime) -> dict[int, tuple[Held, date]]:
    rows = await EventDate.select(
        EventDate.id, EventDate.starts_at, EventDate.ends_at, EventDate.local_start
    ).where(
        EventDate.series.is_in(list(scope.series_ids) or [0])
        & (EventDate.status == EventDate.Status.scheduled)
        & EventDate.removed_at.is_null()
        & (EventDate.ends_at <= now)
    )
    return {
        r["id"]: (Held(r["id"], r["starts_at"], r["ends_at"]), r["local_start"].date())
        for r in rows
    }


def _scope_filter(scope: Scope) -> Any:
    if scope.kind == "series":
        return Certificate.series == scope.id
    return Certificate.programme == scope.id


async def certificates_of(scope: Scope, ids: list[int] | None = None) -> list[IssuedView]:
    """The scope's certificates, oldest first (``ids``: only those)."""
    query = Certificate.select(
        Certificate.id, Certificate.attendee, Certificate.code, Certificate.name,
        Certificate.minutes, Certificate.dates, Certificate.issued_at, Certificate.revoked_at,
        Certificate.sent_count,
    ).where(_scope_filter(scope))  # fmt: skip
    if ids is not None:
        query = query.where(Certificate.id.is_in(ids or [0]))
    rows = (
        await query.order_by(Certificate.issued_at).order_by(Certificate.id).output(load_json=True)
    )
    return [
        IssuedView(
            r["id"],
            r["attendee"],
            r["code"],
            r["name"],
            r["minutes"],
            len(r["dates"]) if isinstance(r["dates"], list) else 0,
            r["issued_at"],
            r["revoked_at"],
            r["sent_count"],
        )
        for r in rows
    ]


async def standings(
    scope: Scope, threshold: Threshold | None, now: datetime
) -> tuple[int, list[PersonStanding]]:
    """The number of held dates, and everyone registered with their standing (those who meet
    the threshold first, then by most attended, then by name)."""
    held = await held_dates(scope, now)
    rows = (
        await Registration.select(
            Registration.attendee, Registration.name, Registration.language,
            Registration.event_date, Registration.attended,
        )
        .where(
            Registration.event_date.series.is_in(list(scope.series_ids) or [0])
            & (Registration.status == Registration.Status.confirmed)
            & Registration.attendee.is_not_null()
            & Registration.anonymised_at.is_null()
        )
        .order_by(Registration.created_at)
        .order_by(Registration.id)
    )  # fmt: skip
    people: dict[int, dict[str, Any]] = {}
    for row in rows:
        who = people.setdefault(row["attendee"], {"attended": []})
        who["name"], who["language"] = row["name"], row["language"]
        if row["attended"] is True and row["event_date"] in held:
            who["attended"].append(held[row["event_date"]])
    latest: dict[int, IssuedView] = {}
    for issued in await certificates_of(scope):
        if issued.attendee_id is not None:
            latest[issued.attendee_id] = issued
    rule = threshold or _NEVER
    result = []
    for attendee_id, who in people.items():
        attended = sorted(who["attended"], key=lambda pair: pair[0].starts_at)
        counted = standing(rule, len(held), [pair[0] for pair in attended])
        if threshold is None:
            counted = Standing(counted.attended, counted.held, counted.minutes, False)
        result.append(
            PersonStanding(
                attendee_id,
                who["name"],
                who["language"],
                counted,
                tuple(pair[1] for pair in attended),
                latest.get(attendee_id),
            )
        )
    result.sort(key=lambda p: (not p.standing.meets, -len(p.standing.attended), p.name.lower()))
    return len(held), result
