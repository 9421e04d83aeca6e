"""Breakout groups: every person once, sizes within one, roles spread, the same every time."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given
from hypothesis import strategies as st

from events_app.domain.groups import MAX_GROUPS, Member, split_into_groups

ROLES = ["expert", "professional", "relative", "student", "other", ""]
people_lists = st.lists(
    st.builds(
        Member, id=st.integers(1, 10_000), name=st.text(max_size=5), role=st.sampled_from(ROLES)
    ),
    unique_by=lambda m: m.id,
    max_size=60,
)


@given(people=people_lists, count=st.integers(1, 12), seed=st.integers(0, 10**6))
def test_everyone_once_sizes_within_one_roles_spread(
    people: list[Member], count: int, seed: int
) -> None:
    groups = split_into_groups(people, count, seed=seed)
    placed = [m.id for g in groups for m in g]
    assert sorted(placed) == sorted(m.id for m in people)
    if people:
        assert len(groups) == min(count, len(people))
        sizes = [len(g) for g in groups]
        assert max(sizes) - min(sizes) <= 1
    for role in ROLES:
        per_group = [sum(1 for m in g if (m.role or "") == role) for g in groups]
        if per_group:
            assert max(per_group) - min(per_group) <= 1, (role, per_group)


def test_the_same_people_give_the_same_groups_whatever_their_order() -> None:
    people = [Member(i, f"P{i}", ROLES[i % 4]) for i in range(1, 23)]
    first = split_into_groups(people, 4, seed=7)
    again = split_into_groups(list(reversed(people)), 4, seed=7)
    assert first == again
    assert split_into_groups(people, 4, seed=8) != first  # another date, another mix


def test_a_group_mixes_experts_and_professionals() -> None:
    people = [Member(i, f"E{i}", "expert") for i in range(6)] + [
        Member(100 + i, f"P{i}", "professional") for i in range(6)
    ]
    for group in split_into_groups(people, 3, seed=1):
        assert Counter(m.role for m in group) == {"expert": 2, "professional": 2}


def test_group_count_must_be_sensible() -> None:
    with pytest.raises(ValueError):
        split_into_groups([], 0, seed=1)
    with pytest.raises(ValueError):
        split_into_groups([], MAX_GROUPS + 1, seed=1)
    assert split_into_groups([], 3, seed=1) == []
