"""The one source of "now": aware UTC, and a fixed clock for tests.

Code that needs the time calls :func:`now`; tests freeze it with :func:`frozen`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

__all__ = ["frozen", "now"]

_fixed: datetime | None = None


def now() -> datetime:
    """The current instant, aware UTC (microseconds dropped: databases round them anyway)."""
    if _fixed is not None:
        return _fixed
    return datetime.now(UTC).replace(microsecond=0)


@contextmanager
def frozen(at: datetime) -> Iterator[datetime]:
    """Make :func:`now` return ``at`` (which must be aware) inside the block."""
    global _fixed
    if at.tzinfo is None:
        raise ValueError("frozen() needs an aware datetime")
    previous, _fixed = _fixed, at.astimezone(UTC)
    try:
        yield _fixed
    finally:
        _fixed = previous
