"""``/health``: the process is alive.  ``/ready``: it can serve (database reachable, migrations
current) — what a load balancer or an orchestrator asks before sending traffic."""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from events_app import db

__all__ = ["Alive", "Ready", "health", "ready"]


class Alive(msgspec.Struct):
    status: str


class Ready(msgspec.Struct):
    status: str
    database: str
    migrations: str


@get("/health", tags=["operations"], summary="Liveness: the process answers", cache=False)
async def health() -> Alive:
    return Alive(status="ok")


@get("/ready", tags=["operations"], summary="Readiness: database and migrations", cache=False)
async def ready() -> Response[Ready]:
    reachable = await db.ping()
    pending = await db.pending_migrations() if reachable else set()
    ok = reachable and not pending
    body = Ready(
        status="ok" if ok else "unavailable",
        database="ok" if reachable else "unreachable",
        migrations="current" if not pending else f"{len(pending)} pending",
    )
    return Response(body, status_code=HTTP_200_OK if ok else HTTP_503_SERVICE_UNAVAILABLE)
