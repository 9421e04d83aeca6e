"""Property: the date rows the service stores for a series are exactly the dates an independent
RRULE implementation (icalendar + recurring-ical-events, as calendar clients expand a feed)
gives for the same rule, first date and zone, over the materialised window."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import recurring_ical_events
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from events_app import clock
from events_app.domain.rrules import to_ical_rule
from events_app.series import planning as series_service
from events_app.series.planning import ScheduleInput
from events_app.tables import Series
from tests.factories import make_organiser
from tests.planning import dates_of

NOW = datetime(2026, 9, 1, 8, tzinfo=UTC)
TZ = "Europe/Amsterdam"
AMS = ZoneInfo(TZ)

RULES = st.sampled_from(
    [
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH",
        "FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=20",
        "FREQ=WEEKLY;BYDAY=SU",
        "FREQ=MONTHLY;BYDAY=2TU",
        "FREQ=MONTHLY;BYDAY=-1FR;UNTIL=20270630",
        "FREQ=MONTHLY;INTERVAL=2;BYMONTHDAY=31",
        "FREQ=DAILY;INTERVAL=3;COUNT=40",
    ]
)
TIMES = st.sampled_from([time(2, 30), time(9, 0), time(15, 0), time(19, 30), time(23, 45)])


def reference(rule: str, first: datetime, until: datetime) -> list[tuple[datetime, datetime]]:
    cal = icalendar.Calendar()
    event = icalendar.Event()
    event.add("uid", "property@example.org")
    event.add("dtstamp", NOW)
    event.add("dtstart", first.replace(tzinfo=AMS))
    event.add("dtend", (first + timedelta(minutes=60)).replace(tzinfo=AMS))
    event.add("rrule", icalendar.vRecur.from_ical(to_ical_rule(rule, TZ)))
    cal.add_component(event)
    found = []
    for event_date in recurring_ical_events.of(cal).between(NOW, until):
        starts_at = event_date["DTSTART"].dt.astimezone(UTC)
        if starts_at < until:
            found.append((starts_at.astimezone(AMS).replace(tzinfo=None), starts_at))
    return sorted(found, key=lambda item: item[1])


@settings(
    max_examples=10,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    rule=RULES,
    day=st.dates(date(2026, 9, 2), date(2027, 6, 30)),
    at=TIMES,
)
async def test_stored_dates_match_an_independent_rrule_expansion(
    rule: str, day: date, at: time
) -> None:
    first = datetime.combine(day, at)
    with clock.frozen(NOW):
        organiser = await make_organiser()  # the same one each time (made once, then found)
        series_id, _ = await series_service.create_series(
            organiser.actor,
            None,
            ScheduleInput(rule=rule, first_start=first.isoformat(), duration_minutes=60),
            {"title": "Eigenschap"},
        )
    stored = await Series.select(Series.materialised_until).where(Series.id == series_id).first()
    assert stored is not None
    rows = await dates_of(series_id)
    expected = reference(rule, first, stored["materialised_until"])
    assert [(r["local_start"], r["starts_at"]) for r in rows] == expected
    assert all(r["timezone"] == TZ and r["status"] == "scheduled" for r in rows)
