"""The framework ceiling for benchmarks/feeds.py: bare Litestar routes with no database.

``/feed.ics`` sends the bytes of ``FEED_CEILING_FILE`` (a saved /feeds/all.ics) with the same
headers as the real feed, ``/small.ics`` those of ``FEED_CEILING_SMALL_FILE`` (a saved personal
feed); ``/not-modified`` sends an empty 304.  Whatever the real feed route
adds on top (one version query, the cache lookup) shows up as the distance to these.
"""

from __future__ import annotations

import os
from pathlib import Path

from litestar import Litestar, Response, get

BODY = Path(os.environ.get("FEED_CEILING_FILE", "/dev/null")).read_bytes()
SMALL = Path(os.environ.get("FEED_CEILING_SMALL_FILE", "/dev/null")).read_bytes()
HEADERS = {
    "ETag": '"ceiling"',
    "Last-Modified": "Tue, 01 Sep 2026 10:00:00 GMT",
    "Cache-Control": "public, max-age=300",
    "Vary": "Accept-Encoding",
}


@get("/feed.ics")
async def feed() -> Response[bytes]:
    return Response(BODY, media_type="text/calendar", headers=HEADERS)


@get("/small.ics")
async def small() -> Response[bytes]:
    return Response(SMALL, media_type="text/calendar", headers=HEADERS)


@get("/not-modified")
async def not_modified() -> Response[bytes]:
    return Response(b"", status_code=304, headers=HEADERS)


@get("/health")
async def health() -> dict[str, str]:
    return {"status": "ok"}


def create_app() -> Litestar:
    return Litestar(route_handlers=[feed, small, not_modified, health], debug=False)


def main() -> int:
    import argparse
    import sys

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    from benchmarks._common import ROOT, SERVER, SERVERS, server_command

    parser = argparse.ArgumentParser(
        description="Serve the bare ceiling app (benchmarks/feeds.py starts it by itself).",
        epilog="FEED_CEILING_FILE and FEED_CEILING_SMALL_FILE name the bodies it sends.",
    )
    parser.add_argument("--port", type=int, default=8001)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--server", choices=SERVERS, default=SERVER)
    args = parser.parse_args()
    command = server_command(
        "benchmarks.feed_ceiling:create_app", args.port, args.workers, args.server
    )
    os.chdir(ROOT)
    os.execv(command[0], command)  # the server itself, so signals reach it


if __name__ == "__main__":
    raise SystemExit(main())
