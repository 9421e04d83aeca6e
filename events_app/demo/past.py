"""Demo events with a history: a course that took place (attendance and certificates) and a
learning path that admits people by application."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from zoneinfo import ZoneInfo

from events_app.accounts.credentials import Actor
from events_app.certificates import issuing
from events_app.demo.common import (
    PEOPLE,
    at,
    dates_of,
    make_series,
    next_weekday,
    register,
)  # fmt: skip
from events_app.hosting import applications as deciding
from events_app.registration import applications, questions
from events_app.series.planning import ScheduleInput
from events_app.tables import EventDate, Registration

__all__ = ["finished_course", "learning_path"]


async def finished_course(actor: Actor, org: int, today: date) -> None:
    """A four-evening course that ended two weeks ago, attendance recorded by its host, the
    threshold at 75 % and certificates issued (not mailed: the organiser sends them)."""
    tuesday = next_weekday(today, 1)
    series = await make_series(
        actor,
        org,
        ScheduleInput(
            rule="FREQ=WEEKLY;COUNT=4", first_start=at(tuesday, 19), duration_minutes=150
        ),
        title="Basiscursus eigen verhaal",
        kind="course",
        format="in_person",
        location="Wijkcentrum Het Anker, Schoolstraat 3",
        capacity=12,
        together=True,
        summary="Vier avonden over je eigen verhaal als bron van kennis.",
        tags=["cursus"],
    )
    dates = await dates_of(series)
    await register(dates, 10, 5)
    # The course took place: its four evenings move to the four weeks before this one.
    for row in await EventDate.select().where(EventDate.id.is_in(dates)):
        zone, back = ZoneInfo(row["timezone"]), timedelta(weeks=5)
        start, end = row["local_start"] - back, row["local_end"] - back  # wall-clock times
        await EventDate.update(
            {
                EventDate.starts_at: start.replace(tzinfo=zone).astimezone(UTC),
                EventDate.ends_at: end.replace(tzinfo=zone).astimezone(UTC),
                EventDate.local_start: start,
                EventDate.local_end: end,
            }
        ).where(EventDate.id == row["id"])
    came = {0: 4, 1: 4, 2: 3, 3: 4, 4: 2}  # evenings attended by each of the five
    for n, count in came.items():
        name, _ = PEOPLE[(10 + n) % len(PEOPLE)]
        for position, date_id in enumerate(dates):
            await Registration.update({Registration.attended: position < count}).where(
                (Registration.event_date == date_id) & (Registration.name == name)
            )
    await issuing.set_threshold(actor, "series", series, "percent", 75)
    await issuing.issue(actor, "series", series)


async def learning_path(actor: Actor, org: int, today: date) -> None:
    """A learning path of four mornings that admits people by application: two questions of
    its own, two people accepted, one declined with the kind default words, one waiting."""
    monday = next_weekday(today + timedelta(days=50), 0)
    series = await make_series(
        actor,
        org,
        ScheduleInput(
            rule="FREQ=WEEKLY;COUNT=4", first_start=at(monday, 9, 30), duration_minutes=180
        ),
        title="Leerlijn: ervaringskennis in het buurtteam",
        kind="course",
        format="in_person",
        location="Buurthuis De Brug, Kanaalweg 8",
        capacity=10,
        together=True,
        admission="apply",
        summary="Vier ochtenden voor ervaringsdeskundigen die in een buurtteam gaan werken. "
        "Je doet een aanvraag; wij laten je binnen een week weten of je mee kunt doen.",
        tags=["leerlijn"],
    )
    why = await questions.add_series_question(
        actor, series, label="Waarom wil je meedoen?", kind="text", choices=[], required=True
    )
    basis = await questions.add_series_question(
        actor,
        series,
        label="Heb je de basistraining ervaringsdeskundigheid gevolgd?",
        kind="yes_no",
        choices=[],
        required=True,
    )
    [first, *_] = await dates_of(series)
    reasons = [
        "Ik begin volgend jaar in een buurtteam en wil mijn verhaal goed leren inzetten.",
        "Ik werk als vrijwilliger in de wijk en wil meer leren over samenwerken.",
        "Mijn ervaring met schulden wil ik gebruiken om anderen te helpen.",
        "Ik wil weten of dit werk bij mij past.",
    ]
    for n, reason in enumerate(reasons):
        name, role = PEOPLE[12 + n]
        await applications.apply(
            [first],
            name=name,
            email=f"{name.lower().replace(' ', '.')}@example.org",
            role=role,
            answers={str(why): reason, str(basis): n != 3},
            consent=True,
        )
    pending = await deciding.applications_for_date(actor, first)
    await deciding.accept(actor, pending[0].id)
    await deciding.accept(actor, pending[1].id)
    await deciding.decline(actor, pending[3].id)
