"""Slugs for addresses such as ``/series/online-ontmoeting``: made from a title, or checked.

Only lowercase ASCII letters, digits and single hyphens, so an address reads the same in every
mail client and never needs escaping.  Accents are folded ("café" → "cafe") rather than dropped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Container

from events_app.domain.errors import DomainError

__all__ = ["MAX_LENGTH", "check_slug", "slugify", "unique_slug"]

MAX_LENGTH = 120
FALLBACK = "activiteit"
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_NOT_ALNUM = re.compile(r"[^a-z0-9]+")


def slugify(title: str, *, max_length: int = MAX_LENGTH) -> str:
    """The slug a title suggests; never empty (a title of only symbols gives the fallback)."""
    folded = unicodedata.normalize("NFKD", title).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_ALNUM.sub("-", folded.lower()).strip("-")
    slug = slug[:max_length].rstrip("-")
    return slug or FALLBACK


def check_slug(slug: str, *, field: str = "slug") -> str:
    """A slug given by the organiser, unchanged if it is valid."""
    if len(slug) > MAX_LENGTH or not _SLUG.fullmatch(slug):
        raise DomainError(
            "invalid_slug",
            f"Use only lowercase letters, digits and single hyphens (at most {MAX_LENGTH} "
            "characters), for example 'online-ontmoeting'.",
            field=field,
        )
    return slug


def unique_slug(base: str, taken: Container[str]) -> str:
    """``base``, or ``base-2``, ``base-3``… the first that is not taken (still within the limit)."""
    if base not in taken:
        return base
    n = 2
    while True:
        suffix = f"-{n}"
        candidate = base[: MAX_LENGTH - len(suffix)].rstrip("-") + suffix
        if candidate not in taken:
            return candidate
        n += 1
