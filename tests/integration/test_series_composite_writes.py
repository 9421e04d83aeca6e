"""The writes the organiser pages compose, as services the API can call too: a new series with
its holidays skipped, and a date's overrides with its speakers (all or nothing)."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from events_app import clock
from events_app.domain.errors import DomainError
from events_app.domain.schedule import ScheduleInput
from events_app.series import dates, people, planning
from events_app.tables import EventDate, Speaker
from tests.factories import make_organiser

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
WEEKLY = ScheduleInput(rule="FREQ=WEEKLY;BYDAY=TU", first_start="2026-12-01T19:30",
                       duration_minutes=90)  # fmt: skip


async def test_a_new_series_is_written_with_its_holidays_skipped(database: None) -> None:
    organiser = await make_organiser()
    with clock.frozen(NOW):
        series_id, _ = await planning.create_series(
            organiser.actor,
            organiser.organisation_id,
            WEEKLY,
            {"title": "Herstelcafé"},
            skip_days={date(2026, 12, 29), date(2026, 12, 30)},  # a Tuesday, and not a date
        )
    rows = await EventDate.select(EventDate.local_start, EventDate.status).where(
        EventDate.series == series_id
    )
    skipped = sorted(r["local_start"].date() for r in rows if r["status"] == "skipped")
    assert skipped == [date(2026, 12, 29)]


async def test_a_date_change_with_refused_speakers_changes_nothing(database: None) -> None:
    organiser = await make_organiser()
    with clock.frozen(NOW):
        series_id, _ = await planning.create_series(
            organiser.actor, organiser.organisation_id, WEEKLY, {"title": "Herstelcafé"}
        )
        [first] = await EventDate.select(EventDate.id).where(
            EventDate.series == series_id
        ).limit(1)  # fmt: skip
        bad = [people.SpeakerInput(name="Sam"), people.SpeakerInput(name="Kim", url="ftp://x")]
        with pytest.raises(DomainError):
            await dates.change_date(organiser.actor, first["id"], {"topic": "Met Sam"}, bad)
        row = await EventDate.select(EventDate.topic).where(EventDate.id == first["id"]).first()
        assert row is not None and row["topic"] != "Met Sam"
        assert await Speaker.count() == 0
        good = [people.SpeakerInput(name="Sam")]
        await dates.change_date(organiser.actor, first["id"], {"topic": "Met Sam"}, good)
        row = await EventDate.select(EventDate.topic).where(EventDate.id == first["id"]).first()
        assert row is not None and row["topic"] == "Met Sam"
        assert await Speaker.count() == 1
