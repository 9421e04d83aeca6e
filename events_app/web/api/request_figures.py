"""Fees and the figures of requests in the API (organisers of the organisation only): the
bookings of a month with totals per expert, the CSV for the payment administration (one month
and/or one expert), and requests per month, kind and topic with the share answered in time."""

from __future__ import annotations

from datetime import date

import msgspec
from litestar import Controller, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath, FromQuery

from events_app.accounts.credentials import Actor
from events_app.domain.experts import euros
from events_app.domain.request_figures import Count
from events_app.requests import fees, overview
from events_app.web.auth import provide_actor

__all__ = ["FiguresController", "csv_name", "csv_response"]


class BookingOut(msgspec.Struct):
    proposal_id: int
    date: date
    expert_id: int | None
    expert_name: str
    kind: str
    topic: str
    requester_organisation: str
    fee_cents: int
    fee: str  # euros with a dot and two decimals
    status: str  # planned, done, cancelled (every date cancelled: in no total)
    passed_over: int  # cancelled or skipped dates before the one the booking counts


class ExpertTotalOut(msgspec.Struct):
    expert_name: str
    bookings: int
    fee_cents: int


class FeesOut(msgspec.Struct):
    month: str
    bookings: list[BookingOut]
    totals: list[ExpertTotalOut]
    total_cents: int


class CountOut(msgspec.Struct):
    key: str
    label: str
    count: int


class OverviewOut(msgspec.Struct):
    months: list[CountOut]
    kinds: list[CountOut]
    topics: list[CountOut]
    total: int
    answered_in_time: int
    answered_late: int
    not_yet_counted: int  # unanswered and younger than a week
    percent_in_time: int | None


def fees_out(month: fees.MonthFees) -> FeesOut:
    return FeesOut(
        month=month.month,
        bookings=[
            BookingOut(
                b.proposal_id, b.day, b.expert_id, b.expert_name, b.kind, b.topic,
                b.requester_organisation, b.fee_cents, euros(b.fee_cents), b.status,
                b.passed_over,
            )
            for b in month.bookings
        ],
        totals=[ExpertTotalOut(t.expert_name, t.bookings, t.fee_cents) for t in month.totals],
        total_cents=month.total_cents,
    )  # fmt: skip


def csv_response(body: str, name: str) -> Response[str]:
    return Response(
        body,
        media_type="text/csv; charset=utf-8",
        headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"',
            "Cache-Control": "no-store",
        },
    )


def csv_name(month: str | None, expert_id: int | None) -> str:
    parts = ["fees", month or "", f"expert-{expert_id}" if expert_id else ""]
    return "-".join(part for part in parts if part)


class FiguresController(Controller):
    path = "/api/v1/organisations/{organisation_id:int}"
    tags = ["requests"]
    dependencies = {"actor": provide_actor}

    @get("/fees", summary="Bookings of one month with totals per expert")
    async def fees(
        self, actor: NamedDependency[Actor], organisation_id: FromPath[int], month: FromQuery[str]
    ) -> FeesOut:
        wanted, _ = fees.read_filters(month, None)
        assert wanted is not None
        return fees_out(await fees.month_fees(actor, organisation_id, wanted))

    @get("/fees.csv", summary="Bookings as CSV: one month and/or one expert", media_type="text/csv")
    async def fees_csv(
        self,
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
        month: FromQuery[str | None] = None,
        expert: FromQuery[str | None] = None,
    ) -> Response[str]:
        wanted, expert_id = fees.read_filters(month, expert)
        body = await fees.fees_csv(actor, organisation_id, month=wanted, expert_id=expert_id)
        return csv_response(body, csv_name(wanted, expert_id))

    @get("/requests/overview", summary="Requests per month, kind and topic; answered in time")
    async def overview(
        self, actor: NamedDependency[Actor], organisation_id: FromPath[int]
    ) -> OverviewOut:
        found = await overview.overview(actor, organisation_id)

        def counts(items: tuple[Count, ...]) -> list[CountOut]:
            return [CountOut(c.key, c.label, c.count) for c in items]

        return OverviewOut(
            months=counts(found.months),
            kinds=counts(found.kinds),
            topics=counts(found.topics),
            total=found.total,
            answered_in_time=found.in_time.answered_in_time,
            answered_late=found.in_time.late,
            not_yet_counted=found.in_time.waiting,
            percent_in_time=found.in_time.percent,
        )
