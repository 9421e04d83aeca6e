"""A series page (``/events/{slug}``) and one date's page (``/events/{slug}/{id}``)."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, Response, get
from litestar.params import FromPath

from events_app import urls
from events_app.agenda import catalogue, public
from events_app.agenda.dates import DateView
from events_app.calendar.links import google_calendar_url, outlook_calendar_url
from events_app.domain.errors import NotFound
from events_app.tables import Series
from events_app.web.pages.context import language_of, page

__all__ = ["SeriesPageController", "calendar_links", "feed_links"]


def _missing() -> NotFound:
    return NotFound("page_unknown", "This page does not exist (any more).")


def calendar_links(d: DateView) -> dict[str, str]:
    """The .ics download and the "add to Google / Outlook" links of one date."""
    where = d.location or ("Online" if d.format == Series.Format.online else "")
    details = (d.topic + "\n\n" if d.topic else "") + urls.date_page(d.series_slug, d.id)
    return {
        "ics": f"/feeds/dates/{d.id}.ics",
        "google": google_calendar_url(
            title=d.series_title,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            details=details,
            location=where,
            timezone=d.timezone,
        ),
        "outlook": outlook_calendar_url(
            title=d.series_title,
            starts_at=d.starts_at,
            ends_at=d.ends_at,
            details=details,
            location=where,
        ),
    }


def feed_links(https_url: str, language: str) -> dict[str, str]:
    url = https_url + ("?lang=en" if language == "en" else "")
    return {"https": url, "webcal": urls.webcal(url)}


class SeriesPageController(Controller):
    path = "/events"

    @get("/{series_slug:str}", include_in_schema=False)
    async def series(
        self, request: Request[Any, Any, Any], series_slug: FromPath[str]
    ) -> Response[str]:
        series = await catalogue.series_by_slug(series_slug)
        if series is None:
            raise _missing()
        upcoming = await public.upcoming_dates([series.id])
        closed = series.together and await public.event_under_way(series.id)
        return page(
            request,
            "series.html",
            series=series,
            upcoming=upcoming,
            past=await public.past_dates(series.id),
            links={d.id: calendar_links(d) for d in upcoming},
            feed=feed_links(urls.series_feed(series_slug), language_of(request)),
            can_register=not closed and any(d.can_register for d in upcoming),
            follow_choices=[(f"series:{series.id}", series.title)],
        )

    @get("/{series_slug:str}/{date_id:int}", include_in_schema=False)
    async def date(
        self,
        request: Request[Any, Any, Any],
        series_slug: FromPath[str],
        date_id: FromPath[int],
    ) -> Response[str]:
        found = await public.date_detail(series_slug, date_id)
        series = await catalogue.series_by_slug(series_slug)
        if found is None or series is None:
            raise _missing()
        closed = series.together and await public.event_under_way(series.id)
        return page(
            request,
            "date.html",
            d=found,
            can_register=found.can_register and not closed,
            series=series,
            links=calendar_links(found),
            feed=feed_links(urls.series_feed(series_slug), language_of(request)),
        )
