"""Participation across a course or learning path: sessions attended and hours, per person.

Pure: it gets the held dates and the attendance marks, and counts.  A person is one attendee
(the same e-mail address across dates); anonymised registrations no longer count as anyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime

__all__ = ["Held", "Mark", "Participant", "tally"]


@dataclass(frozen=True, slots=True)
class Held:
    """A date that took place (not cancelled, already over)."""

    id: int
    starts_at: datetime
    ends_at: datetime

    @property
    def hours(self) -> float:
        return (self.ends_at - self.starts_at).total_seconds() / 3600


@dataclass(frozen=True, slots=True)
class Mark:
    date_id: int
    person: str  # the attendee's e-mail address
    name: str
    attended: bool | None


@dataclass(slots=True)
class Participant:
    person: str
    name: str
    registered: int = 0
    attended: int = 0
    hours: float = 0.0
    dates: list[int] = field(default_factory=list)  # the ids of the dates attended

    def share(self, held: int) -> int:
        """Percentage of the held dates attended (0 when nothing was held)."""
        return round(100 * self.attended / held) if held else 0


def tally(held: Iterable[Held], marks: Iterable[Mark]) -> list[Participant]:
    """Everyone registered (with a place) for a held date, most sessions attended first."""
    by_id = {h.id: h for h in held}
    people: dict[str, Participant] = {}
    for mark in marks:
        date = by_id.get(mark.date_id)
        if date is None or not mark.person:
            continue
        who = people.setdefault(mark.person, Participant(mark.person, mark.name))
        who.name = mark.name or who.name
        who.registered += 1
        if mark.attended:
            who.attended += 1
            who.hours += date.hours
            who.dates.append(date.id)
    return sorted(people.values(), key=lambda p: (-p.attended, p.name.casefold(), p.person))
