"""Certificates of participation: when someone has attended enough, and the code that proves
a certificate is ours.

The threshold counts only *held* dates: not cancelled or skipped, and already over.  It is a
share of them (a percentage) or a number of hours; hours are the attended dates' own lengths.
The code is 100 random bits written as 20 base32 characters in groups of four (easy to read
aloud and type: no 0, 1, 8 or 9), so it cannot be guessed; what someone types is read back
forgivingly (lower case, spaces, dashes).
"""

from __future__ import annotations

import base64
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from events_app.domain.errors import DomainError
from events_app.domain.participation import Held

__all__ = [
    "CODE_GROUPS",
    "Measure",
    "Standing",
    "Threshold",
    "check_threshold",
    "format_code",
    "new_code",
    "normalise_code",
    "standing",
]

CODE_BYTES = 13  # 104 bits, of which the first 100 are written
CODE_LENGTH = 20
CODE_GROUPS = 5
MAX_HOURS = 10_000
_ALPHABET = re.compile(r"^[A-Z2-7]{20}$")


class Measure(StrEnum):
    percent = "percent"
    hours = "hours"


@dataclass(frozen=True, slots=True)
class Threshold:
    measure: Measure
    value: int  # a percentage (1-100) or whole hours (1-MAX_HOURS)


@dataclass(frozen=True, slots=True)
class Standing:
    """One person's attendance against the threshold."""

    attended: tuple[Held, ...]
    held: int
    minutes: int
    meets: bool


def check_threshold(measure: str, value: object) -> Threshold:
    """The organiser's threshold, or a refusal at the field that is wrong."""
    if measure not in (Measure.percent, Measure.hours):
        raise DomainError(
            "measure_unknown", "Choose a percentage of the dates or a number of hours.",
            field="measure",
        )  # fmt: skip
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isascii() and value.strip().isdigit():
        number = int(value.strip()) if len(value.strip()) <= 6 else None
    top = 100 if measure == Measure.percent else MAX_HOURS
    if number is None or not 1 <= number <= top:
        raise DomainError(
            "threshold_invalid", f"Give a whole number from 1 to {top}.", field="value"
        )
    return Threshold(Measure(measure), number)


def standing(threshold: Threshold, held: int, attended: Iterable[Held]) -> Standing:
    """Whether someone who came to ``attended`` (of ``held`` held dates) meets the threshold.

    With no held date yet nobody meets a percentage: 0 of 0 is no attendance."""
    dates = tuple(sorted(attended, key=lambda d: d.starts_at))
    minutes = sum(round(d.hours * 60) for d in dates)
    if threshold.measure == Measure.percent:
        meets = held > 0 and len(dates) * 100 >= threshold.value * held
    else:
        meets = minutes >= threshold.value * 60
    return Standing(dates, held, minutes, meets)


def new_code() -> str:
    """A fresh code, grouped for reading: ``ABCD-EFGH-…`` (100 random bits)."""
    raw = base64.b32encode(secrets.token_bytes(CODE_BYTES)).decode("ascii")[:CODE_LENGTH]
    return format_code(raw)


def format_code(raw: str) -> str:
    return "-".join(raw[i : i + 4] for i in range(0, CODE_LENGTH, 4))


def normalise_code(typed: str) -> str | None:
    """The stored form of what someone typed, or None when it cannot be a code at all."""
    if len(typed) > 64:
        return None
    compact = re.sub(r"[\s\-]", "", typed).upper()
    if not _ALPHABET.match(compact):
        return None
    return format_code(compact)
