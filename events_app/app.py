"""The application factory: wiring only (routes, lifespan, templates, error handlers)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from litestar import Litestar
from litestar.config.compression import CompressionConfig
from litestar.openapi.config import OpenAPIConfig
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.template.config import TemplateConfig

from events_app import __version__, db
from events_app.observability.logs import LOGGING_FLAG, RequestLogMiddleware, configure_logging
from events_app.settings import ROOT, Settings, get_settings
from events_app.web.api.error_docs import ErrorResponses
from events_app.web.api_docs import api_docs_plugin
from events_app.web.auth import session_config
from events_app.web.csrf import csrf_config
from events_app.web.errors import EXCEPTION_HANDLERS
from events_app.web.fast_lane import FastLane, FrontDoor
from events_app.web.input_guard import InputGuard
from events_app.web.pages.errors import html_aware
from events_app.web.routes import route_handlers

__all__ = ["create_app", "create_served_app"]

log = logging.getLogger(__name__)


def create_app(settings: Settings | None = None) -> Litestar:
    settings = settings or get_settings()
    # Not a setting: ``serve``'s word to the processes uvicorn starts for it (configure logging).
    if os.environ.get(LOGGING_FLAG) == "1":
        configure_logging(settings.log_format)

    @asynccontextmanager
    async def lifespan(_: Litestar) -> AsyncIterator[None]:
        await db.start()
        stop = asyncio.Event()
        worker = None
        with contextlib.ExitStack() as held:
            if settings.run_worker_in_app:
                from events_app.mail import builders
                from events_app.worker import (
                    WorkerBusy,
                    default_jobs,
                    run_jobs,
                    single_worker_on_sqlite,
                )

                try:
                    held.enter_context(single_worker_on_sqlite())
                    builders.configure(settings.mail_build_processes)
                    held.callback(builders.discard)
                    worker = asyncio.create_task(run_jobs(default_jobs(), stop))
                except WorkerBusy:
                    log.warning("a separate worker runs on this SQLite database: not starting one")
            try:
                yield
            finally:
                stop.set()  # the worker finishes the job (or mail) in hand, then stops
                if worker is not None:
                    await worker
                await db.stop()

    return Litestar(
        route_handlers=route_handlers(settings),
        lifespan=[lifespan],
        # FastLane: polls of feeds whose last answer is current (web/fast_lane.py).
        middleware=[
            RequestLogMiddleware,
            FastLane,
            InputGuard,
            session_config(settings).middleware,
        ],
        csrf_config=csrf_config(settings),
        exception_handlers=html_aware(EXCEPTION_HANDLERS),  # type: ignore[arg-type]
        plugins=[ErrorResponses()],
        openapi_config=OpenAPIConfig(
            title="events_app",
            version=__version__,
            description="Series, dates, registrations and calendar feeds.",
            path="/schema",
            render_plugins=[api_docs_plugin()],
        ),
        template_config=TemplateConfig(directory=ROOT / "templates", engine=JinjaTemplateEngine),
        compression_config=CompressionConfig(backend="gzip", minimum_size=1024),
        debug=False,
        logging_config=None,  # configured once per process: observability.logs
    )


def create_served_app() -> FrontDoor:
    """What ``events-app serve`` runs: the app behind the feeds' front door (current feed polls
    are answered before routing, see :class:`events_app.web.fast_lane.FrontDoor`)."""
    return FrontDoor(create_app())
