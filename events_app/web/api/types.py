"""Types shared by every API schema.

``Id`` is a row id as the database stores it: Piccolo's ``Serial`` is a 32-bit signed integer,
so an id is 1 … 2,147,483,647.  A number outside that range can name no row; validating it
here answers 400 naming the field instead of letting the database driver fail.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec
from litestar.params import QueryParameter

__all__ = ["MAX_ID", "Id", "IdQuery", "WallClock", "id_from_text", "is_id"]

MAX_ID = 2**31 - 1
Id = Annotated[int, msgspec.Meta(ge=1, le=MAX_ID)]
# The same for an optional query parameter (Litestar reads the bounds from QueryParameter).
IdQuery = Annotated[int | None, QueryParameter(ge=1, le=MAX_ID)]
# A local wall-clock time in an answer (``2026-10-01T15:00:00``, no offset: the ``timezone``
# next to it says where).  It is not an RFC 3339 ``date-time``, so the schema says so.
WallClock = Annotated[
    datetime,
    msgspec.Meta(
        extra_json_schema={
            "description": "Local wall-clock time, without an offset.",
            "extra": {"format": "local-date-time"},
        }
    ),
]


def is_id(value: object) -> bool:
    """Whether ``value`` is an int that can be a row id."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def id_from_text(text: str) -> int | None:
    """A row id typed in a form, a query or a file name, or None.  Only ASCII digits count:
    ``str.isdigit`` also says yes to "²" and "①", which ``int`` then refuses."""
    if not (text.isascii() and text.isdecimal()) or len(text) > 10:
        return None
    value = int(text)
    return value if is_id(value) else None
