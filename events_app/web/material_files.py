"""A material's file as an HTTP answer, the same for the public page, the organiser and the API.

The type is the one its checked extension gave when it was added (never what the uploader's
browser said), the browser may not guess another (``nosniff``), and the file may run nothing
and load nothing (a CSP of ``default-src 'none'``).  Only PDFs and ordinary images are shown in
the browser; every other file is downloaded, under its cleaned name.
"""

from __future__ import annotations

from litestar import Response

from events_app.domain.materials import content_disposition
from events_app.series.materials import StoredFile

__all__ = ["FILE_HEADERS", "file_response"]

FILE_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Content-Security-Policy": (
        "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
    ),
    "Cache-Control": "private, no-cache",
    "Referrer-Policy": "no-referrer",
}


def file_response(stored: StoredFile) -> Response[bytes]:
    return Response(
        stored.data,
        media_type=stored.content_type,
        headers={
            **FILE_HEADERS,
            "Content-Disposition": content_disposition(stored.name, stored.inline),
        },
    )
