"""The organisers' pages of fees and figures of requests.

``/organise/{organisation}/requests/fees``: bookings per month with totals per expert, and the
CSV export for the payment administration (``fees.csv?month=YYYY-MM`` or ``?expert={id}``; a bad
month or expert is a 400).  ``/organise/{organisation}/requests/overview``: requests per month
and per kind and topic as server-drawn SVG bar charts (no scripts; each also as a table), and
the share answered within a week.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from litestar import Controller, Request, Response, get
from litestar.di import NamedDependency
from litestar.params import FromPath

from events_app.accounts.credentials import Actor
from events_app.domain.request_figures import Count, bars
from events_app.i18n import format_date, translate
from events_app.requests import experts, fees, overview
from events_app.web.api.request_figures import csv_name, csv_response
from events_app.web.pages.context import language_of
from events_app.web.pages.experts_words import labels
from events_app.web.pages.staff import provide_staff_actor, staff_page

__all__ = ["FeesPageController", "OverviewPageController"]

CHART_WIDTH = 640
CHART_HEIGHT = 180


def month_label(month: str, language: str) -> str:
    """ "december 2026" for "2026-12"."""
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), language, "MMMM y")


def short_month(month: str, language: str) -> str:
    year, number = (int(part) for part in month.split("-"))
    return format_date(date(year, number, 1), language, "MMM")


class FeesPageController(Controller):
    path = "/organise/{organisation_id:int}/requests"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/fees")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        organisation = await experts.organisation_of(actor, organisation_id)
        language = language_of(request)
        months = await fees.fees_by_month(actor, organisation_id)
        return staff_page(
            request,
            actor,
            "fees.html",
            **labels(request),
            organisation=organisation,
            months=months,
            month_label=lambda month: month_label(month, language),
            pool=await experts.list_experts(actor, organisation_id),
        )

    @get("/fees.csv")
    async def export(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        month, expert_id = fees.read_filters(
            request.query_params.get("month"), request.query_params.get("expert")
        )
        body = await fees.fees_csv(actor, organisation_id, month=month, expert_id=expert_id)
        return csv_response(body, csv_name(month, expert_id))


class OverviewPageController(Controller):
    path = "/organise/{organisation_id:int}/requests/overview"
    include_in_schema = False
    dependencies = {"actor": provide_staff_actor}

    @get("/")
    async def show(
        self,
        request: Request[Any, Any, Any],
        actor: NamedDependency[Actor],
        organisation_id: FromPath[int],
    ) -> Response[str]:
        organisation = await experts.organisation_of(actor, organisation_id)
        found = await overview.overview(actor, organisation_id)
        language = language_of(request)
        shown = labels(request)
        kinds = [
            Count(c.key, translate(language, shown["kind_labels"][c.key]), c.count)
            for c in found.kinds
        ]
        months = [Count(c.key, short_month(c.key, language), c.count) for c in found.months]
        return staff_page(
            request,
            actor,
            "overview.html",
            **shown,
            organisation=organisation,
            found=found,
            months=[(c, month_label(c.key, language)) for c in found.months],
            month_bars=bars(months, width=CHART_WIDTH, height=CHART_HEIGHT),
            kinds=kinds,
            kind_bars=bars(kinds, width=CHART_WIDTH, height=CHART_HEIGHT),
            topic_bars=bars(list(found.topics), width=CHART_WIDTH, height=CHART_HEIGHT),
            chart_width=CHART_WIDTH,
            chart_height=CHART_HEIGHT,
        )
