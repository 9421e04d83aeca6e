"""Splitting the people of a date into breakout groups, balanced by role.

People of each role are dealt round-robin over the groups, continuing where the previous role
stopped, so that group sizes differ by at most one and every role is spread as evenly as it
can be.  The order within a role is shuffled with a fixed seed (the date), so the same people
give the same groups every time the page is opened, and the groups do not follow the order
in which people registered.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass

__all__ = ["MAX_GROUPS", "Member", "split_into_groups"]

MAX_GROUPS = 50
ROLE_ORDER = ("expert", "professional", "relative", "student", "other", "")


@dataclass(frozen=True, slots=True)
class Member:
    id: int
    name: str
    role: str  # "" when not given


def split_into_groups(people: Sequence[Member], count: int, *, seed: int) -> list[list[Member]]:
    """``count`` groups (fewer when there are fewer people), each sorted by name."""
    if not 1 <= count <= MAX_GROUPS:
        raise ValueError(f"Choose between 1 and {MAX_GROUPS} groups.")
    count = min(count, len(people)) or 1
    rng = random.Random(seed)
    by_role: dict[str, list[Member]] = {}
    for person in sorted(people, key=lambda p: p.id):
        role = person.role if person.role in ROLE_ORDER else "other"
        by_role.setdefault(role, []).append(person)
    groups: list[list[Member]] = [[] for _ in range(count)]
    turn = 0
    for role in ROLE_ORDER:
        members = by_role.get(role, [])
        rng.shuffle(members)
        for person in members:
            groups[turn % count].append(person)
            turn += 1
    return [sorted(group, key=lambda p: (p.name.casefold(), p.id)) for group in groups if group]
