"""Slugs: made from titles (accents folded, symbols dropped), checked, and made unique."""

from __future__ import annotations

import pytest

from events_app.domain.errors import DomainError
from events_app.domain.slugs import MAX_LENGTH, check_slug, slugify, unique_slug


@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Online ontmoeting", "online-ontmoeting"),
        ("Café-avond: 'Herstel & werk'!", "cafe-avond-herstel-werk"),
        ("  Suïcidale gedachten — in gesprek  ", "suicidale-gedachten-in-gesprek"),
        ("Week 42 / 2026", "week-42-2026"),
        ("???", "activiteit"),
        ("", "activiteit"),
    ],
)
def test_slugify(title: str, slug: str) -> None:
    assert slugify(title) == slug


def test_slugify_cuts_long_titles_without_a_trailing_hyphen() -> None:
    slug = slugify("ab " * 100)
    assert len(slug) <= MAX_LENGTH and not slug.endswith("-")
    assert check_slug(slug) == slug


@pytest.mark.parametrize("slug", ["online-ontmoeting", "a", "week-42"])
def test_check_slug_accepts(slug: str) -> None:
    assert check_slug(slug) == slug


@pytest.mark.parametrize(
    "slug", ["", "Hoofdletter", "dubbel--streepje", "-begin", "eind-", "spatie er", "é", "x" * 121]
)
def test_check_slug_refuses_with_the_field(slug: str) -> None:
    with pytest.raises(DomainError) as caught:
        check_slug(slug)
    assert (caught.value.code, caught.value.field) == ("invalid_slug", "slug")


def test_unique_slug_appends_the_first_free_number() -> None:
    assert unique_slug("ontmoeting", set()) == "ontmoeting"
    assert unique_slug("ontmoeting", {"ontmoeting"}) == "ontmoeting-2"
    assert unique_slug("ontmoeting", {"ontmoeting", "ontmoeting-2"}) == "ontmoeting-3"
    long = "x" * MAX_LENGTH
    assert unique_slug(long, {long}) == "x" * (MAX_LENGTH - 2) + "-2"
