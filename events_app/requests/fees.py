"""Fees: every accepted proposal that became an event is a booking of its expert, with the fee
agreed for it.  The organisers see them per month with totals per expert, and export them as
CSV for the payment administration (one month, or one expert over all months).

A booking's date is the start of its event's first date that takes place: cancelled and skipped
dates are passed over (the booking says so), and a booking whose dates were all cancelled is
listed as cancelled and counted in no total.  The expert's name is the one the proposal kept, so
a booking stays after the expert left the pool.
"""

from __future__ import annotations

import csv
import io
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.domain.errors import DomainError
from events_app.domain.experts import KIND_LABELS, euros
from events_app.domain.request_figures import month_of, parse_month
from events_app.hosting.signups import cell
from events_app.i18n import translate
from events_app.requests.access import organisation_for
from events_app.tables import EventDate, Expert, Organisation, Proposal

__all__ = [
    "Booking",
    "MonthFees",
    "bookings",
    "fees_by_month",
    "fees_csv",
    "read_filters",
]

CSV_COLUMNS = ("date", "expert", "what", "requester_organisation", "fee", "status")
MAX_ID = 2**31 - 1


@dataclass(frozen=True, slots=True)
class Booking:
    proposal_id: int
    day: date  # the local day of the first date that takes place (or of the first date)
    local_start: datetime
    expert_id: int | None
    expert_name: str
    kind: str
    topic: str
    requester_organisation: str
    fee_cents: int
    status: str  # planned, done, cancelled (every date cancelled)
    passed_over: int  # cancelled or skipped dates before the one counted


@dataclass(frozen=True, slots=True)
class ExpertTotal:
    expert_name: str
    bookings: int
    fee_cents: int


@dataclass(frozen=True, slots=True)
class MonthFees:
    month: str
    bookings: tuple[Booking, ...]
    totals: tuple[ExpertTotal, ...]
    total_cents: int


def read_filters(month: str | None, expert: str | None) -> tuple[str | None, int | None]:
    """The CSV's and the API's filters as typed in the query: a month (YYYY-MM) and/or an
    expert's id; at least one.  Anything else is a refusal at its field (400)."""
    found_month = parse_month(month) if month is not None else None
    found_expert = None
    if expert is not None:
        if not (expert.isascii() and expert.isdecimal()) or not 0 < int(expert[:11]) <= MAX_ID:
            raise DomainError("expert_unknown", "Choose an expert of your pool.", field="expert")
        found_expert = int(expert)
    if found_month is None and found_expert is None:
        raise DomainError("filter_missing", "Choose a month or an expert.", field="month")
    return found_month, found_expert


async def _all_bookings(organisation_id: int) -> list[Booking]:
    rows = await Proposal.select(
        Proposal.id,
        Proposal.expert,
        Proposal.expert_name,
        Proposal.fee_cents,
        Proposal.series,
        Proposal.request.kind.as_alias("kind"),
        Proposal.request.topic.as_alias("topic"),
        Proposal.request.requester_organisation.as_alias("requester_organisation"),
    ).where(
        (Proposal.request.organisation == organisation_id)
        & (Proposal.status == Proposal.Status.accepted)
        & Proposal.series.is_not_null()
    )
    series_ids = [row["series"] for row in rows]
    dates: dict[int, list[dict[str, Any]]] = defaultdict(list)
    if series_ids:
        for found in (
            await EventDate.select(
                EventDate.series, EventDate.local_start, EventDate.starts_at, EventDate.status
            )
            .where(EventDate.series.is_in(series_ids))
            .order_by(EventDate.starts_at)
        ):
            dates[found["series"]].append(found)
    now = clock.now()
    result = []
    for row in rows:
        series_dates = dates.get(row["series"], [])
        if not series_dates:
            continue  # an event without dates books nothing
        held = [d for d in series_dates if d["status"] == EventDate.Status.scheduled]
        first = held[0] if held else series_dates[0]
        status = "done" if first["starts_at"] <= now else "planned"
        if not held:
            status = "cancelled"
        result.append(
            Booking(
                proposal_id=row["id"],
                day=first["local_start"].date(),
                local_start=first["local_start"],
                expert_id=row["expert"],
                expert_name=row["expert_name"],
                kind=row["kind"],
                topic=row["topic"],
                requester_organisation=row["requester_organisation"],
                fee_cents=row["fee_cents"],
                status=status,
                passed_over=series_dates.index(first) if held else 0,
            )
        )
    return sorted(result, key=lambda b: (b.local_start, b.expert_name.casefold(), b.proposal_id))


async def bookings(
    actor: Actor, organisation_id: int, *, month: str | None = None, expert_id: int | None = None
) -> list[Booking]:
    """The bookings, by date; of one month and/or one expert of the pool."""
    organisation_for(actor, organisation_id)
    if expert_id is not None:
        known = await Expert.exists().where(
            (Expert.id == expert_id) & (Expert.organisation == organisation_id)
        )
        if not known:
            raise DomainError("expert_unknown", "Choose an expert of your pool.", field="expert")
    found = await _all_bookings(organisation_id)
    if month is not None:
        found = [b for b in found if month_of(b.day) == month]
    if expert_id is not None:
        found = [b for b in found if b.expert_id == expert_id]
    return found


def _month(month: str, found: list[Booking]) -> MonthFees:
    totals: dict[str, list[int]] = {}
    for booking in found:
        if booking.status == "cancelled":
            continue
        total = totals.setdefault(booking.expert_name, [0, 0])
        total[0] += 1
        total[1] += booking.fee_cents
    return MonthFees(
        month=month,
        bookings=tuple(found),
        totals=tuple(
            ExpertTotal(name, n, cents)
            for name, (n, cents) in sorted(totals.items(), key=lambda item: item[0].casefold())
        ),
        total_cents=sum(cents for _, cents in totals.values()),
    )


async def fees_by_month(actor: Actor, organisation_id: int) -> list[MonthFees]:
    """Every month with bookings, the newest first, each with its totals per expert."""
    found = await bookings(actor, organisation_id)
    months: dict[str, list[Booking]] = defaultdict(list)
    for booking in found:
        months[month_of(booking.day)].append(booking)
    return [_month(month, months[month]) for month in sorted(months, reverse=True)]


async def month_fees(actor: Actor, organisation_id: int, month: str) -> MonthFees:
    return _month(month, await bookings(actor, organisation_id, month=month))


def what_of(kind: str, topic: str, language: str) -> str:
    """ "Gastles: Herstel na een psychose", in the organisation's language."""
    label = translate(language, KIND_LABELS.get(kind, KIND_LABELS["other"]))
    return f"{label}: {topic}"


async def fees_csv(
    actor: Actor, organisation_id: int, *, month: str | None, expert_id: int | None
) -> str:
    """The bookings as CSV (UTF-8 with a byte-order mark, ';' as Dutch Excel reads it); every
    typed text guarded against being run as a formula; what was given in the organisation's
    language."""
    found = await bookings(actor, organisation_id, month=month, expert_id=expert_id)
    organisation = (
        await Organisation.select(Organisation.language)
        .where(Organisation.id == organisation_id)
        .first()
    )
    language = organisation["language"] if organisation else "nl"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_COLUMNS)
    for booking in found:
        writer.writerow(
            [
                booking.day.isoformat(),
                cell(booking.expert_name),
                cell(what_of(booking.kind, booking.topic, language)),
                cell(booking.requester_organisation),
                euros(booking.fee_cents),
                booking.status,
            ]
        )
    return "\ufeff" + buffer.getvalue()
