"""Prometheus metrics at ``/metrics``: requests (count, latency, in flight) measured in each
process, and the state of the outbox and registrations read from the database at scrape time.

With several app processes (``events-app serve --workers N``) set ``PROMETHEUS_MULTIPROC_DIR``
to an empty directory: every process writes its counters there and one scrape adds them up
(``events-app serve`` does this by itself when N > 1).  ``EVENTS_METRICS_TOKEN``
(``Settings.metrics_token``), when set, is required as ``Authorization: Bearer …``.
"""

from __future__ import annotations

import hmac
import os
import time
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotAuthorizedException
from litestar.handlers import HTTPRouteHandler
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from events_app import clock
from events_app.tables import EventDate, OutboxMail, Registration

__all__ = ["IN_FLIGHT", "LATENCY", "REQUESTS", "metrics_route", "observe"]

REQUESTS = Counter("events_http_requests", "Requests answered", ["method", "route", "status"])
LATENCY = Histogram(
    "events_http_request_duration_seconds",
    "Time to answer a request",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
IN_FLIGHT = Gauge(
    "events_http_requests_in_flight", "Requests being answered", multiprocess_mode="livesum"
)
CACHE_SECONDS = 5.0


# The labelled children per (method, route, status): looking them up is most of the cost of
# counting a request.  Bounded: unknown methods and statuses must not grow it for ever.
_children: dict[tuple[str, str, int], tuple[Any, Any]] = {}
MAX_CHILDREN = 10_000


def observe(method: str, route: str, status: int, seconds: float) -> None:
    # The exact code (a 429 is not a 404): few distinct values, and alerts can still match
    # a class with status=~"5..".
    key = (method, route, status)
    children = _children.get(key)
    if children is None:
        if len(_children) >= MAX_CHILDREN:
            _children.clear()
        children = (REQUESTS.labels(method, route, str(status)), LATENCY.labels(method, route))
        _children[key] = children
    children[0].inc()
    children[1].observe(seconds)


class DatabaseState(Collector):
    """Outbox depth, oldest unsent mail, failed mails and registrations, from the database
    (read at most every few seconds, whatever the scrape interval)."""

    def __init__(self) -> None:
        self.values: dict[str, float] = {}
        self.read_at = 0.0

    async def refresh(self) -> None:
        if time.monotonic() - self.read_at < CACHE_SECONDS and self.values:
            return
        pending = OutboxMail.status == OutboxMail.Status.pending
        oldest = (
            await OutboxMail.select(OutboxMail.created_at)
            .where(pending)
            .order_by(OutboxMail.created_at)
            .first()
        )
        now = clock.now()
        self.values = {
            "outbox_pending": float(await OutboxMail.count().where(pending)),
            "outbox_failed": float(
                await OutboxMail.count().where(OutboxMail.status == OutboxMail.Status.failed)
            ),
            "oldest_unsent": (now - oldest["created_at"]).total_seconds() if oldest else 0.0,
            "confirmed": float(
                await Registration.count().where(
                    (Registration.status == Registration.Status.confirmed)
                    & (Registration.event_date.starts_at > now)
                )
            ),
            "waiting": float(
                await Registration.count().where(
                    (Registration.status == Registration.Status.waiting)
                    & (Registration.event_date.starts_at > now)
                )
            ),
            "dates": float(
                await EventDate.count().where(
                    (EventDate.starts_at > now) & (EventDate.status == EventDate.Status.scheduled)
                )
            ),
        }
        self.read_at = time.monotonic()

    def collect(self) -> Any:
        v = self.values
        for name, help_text, key in (
            ("events_outbox_pending_mails", "Mails waiting to be sent", "outbox_pending"),
            ("events_outbox_failed_mails", "Mails that failed for good", "outbox_failed"),
            ("events_outbox_oldest_unsent_seconds", "Age of the oldest unsent mail",
             "oldest_unsent"),
            ("events_registrations_confirmed", "People with a place on a coming date",
             "confirmed"),
            ("events_registrations_waiting", "People waiting for a coming date", "waiting"),
            ("events_dates_scheduled", "Coming dates that take place", "dates"),
        ):  # fmt: skip
            yield GaugeMetricFamily(name, help_text, value=v.get(key, 0.0))


_state = DatabaseState()


def _registry() -> CollectorRegistry:
    registry = CollectorRegistry()
    # Not a setting: prometheus_client chose per-process files by this variable on import.
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        multiprocess.MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
    else:
        for metric in (REQUESTS, LATENCY, IN_FLIGHT):
            registry.register(metric)
    registry.register(_state)
    return registry


def metrics_route(token: str) -> HTTPRouteHandler:
    """``/metrics``; with a ``token`` it wants ``Authorization: Bearer <token>``."""

    @get(
        "/metrics",
        tags=["operations"],
        summary="Prometheus metrics",
        cache=False,
        media_type="text/plain",
    )
    async def metrics(request: Request[Any, Any, Any]) -> Response[bytes]:
        if token:
            sent = request.headers.get("authorization", "").removeprefix("Bearer ").strip()
            if not hmac.compare_digest(sent.encode(), token.encode()):
                raise NotAuthorizedException("Send the metrics token as 'Authorization: Bearer …'.")
        await _state.refresh()
        return Response(generate_latest(_registry()), media_type=CONTENT_TYPE_LATEST)

    return metrics
