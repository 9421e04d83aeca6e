"""How someone comes to a hybrid date: on site or online.

Asked only when a date of the request is hybrid, and then required from the person
themself (an organiser adding someone, or a whole-series registration adding a new date,
may leave it open).  For dates that are not hybrid the answer is not kept: it means nothing
there.
"""

from __future__ import annotations

from collections.abc import Iterable

from events_app.domain.errors import DomainError

__all__ = ["CHOICES", "HYBRID", "choose", "kept_for"]

CHOICES = ("on_site", "online")
HYBRID = "hybrid"


def choose(formats: Iterable[str], given: str | None, *, required: bool) -> str | None:
    """The answer to keep for the request's hybrid dates (None when none is hybrid)."""
    if HYBRID not in set(formats):
        return None
    answer = (given or "").strip() or None
    if answer is None:
        if required:
            raise DomainError(
                "attendance_missing",
                "Say whether you come on site or online.",
                field="attendance",
            )
        return None
    if answer not in CHOICES:
        raise DomainError("attendance_unknown", "Choose on site or online.", field="attendance")
    return answer


def kept_for(format_: str, answer: str | None) -> str | None:
    """What one date keeps of the request's answer."""
    return answer if format_ == HYBRID else None
