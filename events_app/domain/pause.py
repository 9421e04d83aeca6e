"""A break in a series, then the rhythm again: "pause from 18 December to 6 January, then
continue every 2 weeks from 7 January".  Pure rules: which inputs are fine, and the repeat rule
the series continues with.

The series keeps its start time and length; the new rule is weekly on the weekday of the day it
continues, every ``weeks`` weeks.  It keeps the old rule's last date (UNTIL); a rule that ends
after a number of times (COUNT) continues with the times it has left.  Every day from the start
of the pause until the day it continues that the new rule does not give is off
(:mod:`events_app.series.pause` applies it as a schedule change from the first day off).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from events_app.domain.errors import DomainError, gather
from events_app.domain.rrules import RuleParts, rule_parts

__all__ = ["MAX_WEEKS", "Pause", "check_pause", "continue_rule"]

MAX_WEEKS = 12


@dataclass(frozen=True, slots=True)
class Pause:
    first_off: date  # the first day of the pause
    last_off: date  # its last day
    resume_on: date  # the first date after it
    weeks: int  # then every this many weeks


def _weeks(text: str) -> int | DomainError:
    value = text.strip()
    if not value:
        return DomainError("weeks_missing", "Say every how many weeks.", field="weeks")
    if not (value.isascii() and value.isdigit()) or not 1 <= int(value) <= MAX_WEEKS:
        return DomainError("weeks_out_of_range", f"Choose 1 to {MAX_WEEKS} weeks.", field="weeks")
    return int(value)


def check_pause(
    first_off: date | None,
    last_off: date | None,
    resume_on: date | None,
    weeks: str,
    *,
    today: date,
    refused: Sequence[DomainError] = (),
) -> Pause:
    """The pause, or every problem at once (with ``refused``: days that could not be read,
    given as None here)."""
    problems = list(refused)
    every = _weeks(weeks)
    if isinstance(every, DomainError):
        problems.append(every)
    if first_off is not None and first_off < today:
        problems.append(
            DomainError(
                "pause_in_the_past", "A pause starts today at the earliest.", field="first_off"
            )
        )
    if first_off is not None and last_off is not None and last_off < first_off:
        problems.append(
            DomainError(
                "pause_ends_before_start",
                "The last day of the pause is before its first day.",
                field="last_off",
            )
        )
    if resume_on is not None:
        end = last_off or first_off
        if end is not None and resume_on <= end:
            problems.append(
                DomainError(
                    "resume_in_pause",
                    "The series continues after the pause: choose a later day.",
                    field="resume_on",
                )
            )
    gather(problems)
    assert first_off and last_off and resume_on and not isinstance(every, DomainError)
    return Pause(first_off, last_off, resume_on, every)


def continue_rule(old_rule: str, pause: Pause, tz: str, *, used: int) -> str:
    """The rule after the pause: weekly on the day it continues, every ``pause.weeks`` weeks,
    ending as the old rule did.  ``used``: how many of the old rule's dates lie before the
    pause (they count towards a COUNT)."""
    old = rule_parts(old_rule, tz)
    if old.until is not None and old.until < pause.resume_on:
        raise DomainError(
            "ends_before_resume",
            "The series ends before that day: there is nothing to continue.",
            field="resume_on",
        )
    count = None
    if old.count is not None:
        count = old.count - used
        if count < 1:
            raise DomainError(
                "ends_before_resume",
                "The series ends before that day: there is nothing to continue.",
                field="resume_on",
            )
    weekly = RuleParts(
        freq="WEEKLY",
        interval=pause.weeks,
        byday=((pause.resume_on.weekday(), 0),),
        until=old.until,
        count=count,
    )
    return weekly.text()
