"""``/health``: is the database reachable and are the migrations current?"""

from __future__ import annotations

import msgspec
from litestar import Response, get
from litestar.status_codes import HTTP_200_OK, HTTP_503_SERVICE_UNAVAILABLE

from events_app import db

__all__ = ["Health", "health"]


class Health(msgspec.Struct):
    status: str
    database: str
    migrations: str


@get("/health", tags=["operations"], summary="Liveness and readiness", cache=False)
async def health() -> Response[Health]:
    reachable = await db.ping()
    pending = await db.pending_migrations() if reachable else set()
    ok = reachable and not pending
    body = Health(
        status="ok" if ok else "unavailable",
        database="ok" if reachable else "unreachable",
        migrations="current" if not pending else f"{len(pending)} pending",
    )
    return Response(body, status_code=HTTP_200_OK if ok else HTTP_503_SERVICE_UNAVAILABLE)
