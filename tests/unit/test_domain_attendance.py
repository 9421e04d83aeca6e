"""On site or online: asked for hybrid dates only, required from the person themself."""

from __future__ import annotations

import pytest

from events_app.domain.attendance import choose, kept_for
from events_app.domain.errors import DomainError


def test_not_hybrid_means_no_answer_is_kept() -> None:
    assert choose(["online", "in_person"], "on_site", required=True) is None
    assert choose([], None, required=True) is None
    assert kept_for("online", "on_site") is None


def test_a_hybrid_date_needs_one_of_the_two() -> None:
    assert choose(["in_person", "hybrid"], "online", required=True) == "online"
    assert choose(["hybrid"], " on_site ", required=True) == "on_site"
    assert kept_for("hybrid", "online") == "online"
    with pytest.raises(DomainError) as missing:
        choose(["hybrid"], "  ", required=True)
    assert (missing.value.code, missing.value.field) == ("attendance_missing", "attendance")
    for bad in ("ONLINE", "both", "on_site\u200b", "online\x00"):
        with pytest.raises(DomainError) as unknown:
            choose(["hybrid"], bad, required=True)
        assert unknown.value.code == "attendance_unknown"


def test_an_organiser_or_a_new_date_may_leave_it_open() -> None:
    assert choose(["hybrid"], None, required=False) is None
    with pytest.raises(DomainError):
        choose(["hybrid"], "maybe", required=False)
