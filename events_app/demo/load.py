"""Loading the demo once: the city network's meet-up, lecture, workshop week, training and
learning path, and the regional network's courses."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from events_app import clock
from events_app.accounts import tenants
from events_app.accounts.credentials import Actor
from events_app.demo.bookings import bookings
from events_app.demo.common import (
    CITY,
    CONSENT,
    CONSENT_EN,
    REGION,
    at,
    dates_of,
    make_host,
    make_organiser,
    make_series,
    next_weekday,
    register,
)  # fmt: skip
from events_app.demo.experts import pool
from events_app.demo.past import finished_course, learning_path
from events_app.demo.requests import demo_requests
from events_app.programmes import planning as programmes
from events_app.registration import announcements, following
from events_app.series import dates as event_dates
from events_app.series import people
from events_app.series.people import SpeakerInput
from events_app.series.planning import ScheduleInput
from events_app.tables import EventDate, Follower, Organisation

__all__ = ["load_demo"]


async def load_demo() -> bool:
    """Load the demo once; returns False (and changes nothing) when it is already there."""
    if await Organisation.exists().where(Organisation.slug == CITY):
        return False
    today = clock.now().date()
    city = await tenants.create_organisation(
        CITY,
        "Netwerk Ervaringskennis Stad",
        "contact@netwerk.example.org",
        consent_text=CONSENT,
        consent_text_en=CONSENT_EN,
    )
    organiser = await make_organiser(CITY, "organisator@netwerk.example.org", "Mirjam de Boer")
    host = await make_host(city, "gastheer@netwerk.example.org", "Sander Vos")
    await _meetup(organiser, city, host, today)
    await _lecture(organiser, city, today)
    await _workshop_week(organiser, city, today)
    await _training(organiser, city, today)
    await learning_path(organiser, city, today)
    await _followers(organiser, city)
    await demo_requests(organiser, today)
    await pool(organiser, city)
    await bookings(organiser, city, today)
    region = await tenants.create_organisation(
        REGION, "Ouder- en Jongerennetwerk Zuid", "info@zuid.example.org", consent_text=CONSENT
    )
    course_organiser = await make_organiser(REGION, "cursus@zuid.example.org", "Wouter Lammers")
    await _course(course_organiser, region, today)
    await finished_course(course_organiser, region, today)
    return True


async def _followers(actor: Actor, org: int) -> None:
    """Three confirmed followers of the city network (one weekly) and one announcement."""
    for email, digest in (
        ("lotte@example.org", "daily"),
        ("ahmed@example.org", "weekly"),
        ("riet@example.org", "daily"),
    ):
        await following.request_follow(email, CITY, digest=digest)
        row = await Follower.select(Follower.salt).where(Follower.email == email).first()
        assert row is not None
        await following.confirm(following.link_token(row["salt"]))
    await announcements.send_announcement(
        actor,
        org,
        subject="Nieuw: een schrijfgroep over herstel",
        body="Vanaf het voorjaar start een kleine schrijfgroep. Je schrijft over je eigen "
        "herstel, in je eigen tempo, met ervaringsdeskundigen als begeleiders.",
    )


async def _meetup(actor: Actor, org: int, host: int, today: date) -> None:
    """The fortnightly online meet-up, with a holiday skipped and a speaker per date."""
    first = next_weekday(today + timedelta(days=3), 3)  # a Thursday
    series = await make_series(
        actor,
        org,
        ScheduleInput(
            rule="FREQ=WEEKLY;INTERVAL=2;BYDAY=TH", first_start=at(first, 15), duration_minutes=60
        ),
        title="Ontmoeting op donderdag",
        kind="meetup",
        format="online",
        summary="Elke twee weken praten we een uur met elkaar over werken met ervaringskennis.",
        description=(
            "Iedere keer vertelt iemand over een eigen ervaring of project. Daarna praten we "
            "samen verder. Aanmelden hoeft niet, maar we vinden het fijn als je het doet: dan "
            "sturen we je de link en een herinnering."
        ),
        registration_mode="optional",
        meeting_url="https://meet.example.org/ontmoeting-donderdag",
        meeting_details="Code: 4821",
        link_visibility="registered",
        tags=["ontmoeting", "ervaringskennis"],
    )
    await people.set_hosts(actor, [host], series_id=series)
    dates = await dates_of(series)
    topics = [
        ("Hanneke Post", "Werken als ervaringsdeskundige in een buurtteam"),
        ("Gerrit Wouters", "Herstel na een crisis: wat hielp mij"),
        ("Samira Bouzid", "Naasten: hoe je er kunt zijn zonder jezelf te verliezen"),
        ("Otto Reinders", "Ervaringskennis in de opleiding van zorgverleners"),
    ]
    holidays = [d for d in dates[1:8] if await _in_holiday(d)]
    holiday = holidays[0] if holidays else dates[3]
    await event_dates.call_off(actor, holiday, "skipped", "Vakantie: geen ontmoeting")
    speaking = [d for d in dates if d != holiday][:4]
    for date_id, (speaker, topic) in zip(speaking, topics, strict=True):
        await event_dates.update_date(actor, date_id, {"topic": topic})
        await people.set_speakers(actor, [SpeakerInput(name=speaker)], date_id=date_id)
    await register(speaking[:2], 0, 5)


async def _in_holiday(date_id: int) -> bool:
    row = await EventDate.select(EventDate.local_start).where(EventDate.id == date_id).first()
    assert row is not None
    start: datetime = row["local_start"]
    return (start.month == 12 and start.day >= 20) or (start.month == 1 and start.day <= 3)


async def _lecture(actor: Actor, org: int, today: date) -> None:
    """An online lecture with three speakers and a moderator."""
    day = next_weekday(today + timedelta(days=18), 3)
    series = await make_series(
        actor,
        org,
        ScheduleInput(first_start=at(day, 19, 30), duration_minutes=90),
        title="College: ervaringskennis in de wijk",
        kind="lecture",
        format="online",
        summary="Drie sprekers laten zien hoe ervaringskennis buurtteams sterker maakt.",
        description=(
            "Na elk verhaal is er tijd voor vragen in de chat. De dia's en een kort verslag "
            "komen na afloop op deze pagina."
        ),
        capacity=50,
        meeting_url="https://meet.example.org/college-wijk",
        link_visibility="registered",
        tags=["college", "buurtteam"],
    )
    await people.set_speakers(
        actor,
        [
            SpeakerInput(name="Karin Oosterhout", bio="Ervaringsdeskundige in een buurtteam."),
            SpeakerInput(name="Ahmed Benali", bio="Wijkverpleegkundige."),
            SpeakerInput(name="Roos van der Laan", bio="Onderzoeker ervaringskennis."),
            SpeakerInput(name="Jeroen Schouten", role="moderator"),
        ],
        series_id=series,
    )
    await register(await dates_of(series), 3, 12)


async def _workshop_week(actor: Actor, org: int, today: date) -> None:
    """Five workshops, Monday to Friday; people pick one or more."""
    programme = await programmes.create_programme(
        actor,
        org,
        {
            "title": "Week van de ervaringskennis",
            "summary": "Vijf workshops in één week. Kies er één of meer.",
            "selection": "pick",
        },
    )
    await programmes.update_programme(actor, programme, {"published": True})
    monday = next_weekday(today + timedelta(days=30), 0)
    workshops = [
        ("Je verhaal vertellen", "in_person", "Buurthuis De Linde, zaal 1", 10, 20),
        ("Grenzen stellen als naaste", "online", "", 13, 30),
        ("Ervaringskennis en beleid", "hybrid", "Stadhuis, kamer 2.14", 15, 25),
        ("Samen leren met professionals", "in_person", "Buurthuis De Linde, zaal 2", 10, 16),
        ("Terugblik en vooruitkijken", "online", "", 14, 40),
    ]
    for offset, (title, fmt, location, hour, capacity) in enumerate(workshops):
        day = monday + timedelta(days=offset)
        series = await make_series(
            actor,
            org,
            ScheduleInput(first_start=at(day, hour), duration_minutes=120),
            title=title,
            kind="workshop",
            format=fmt,
            location=location,
            meeting_url="" if fmt == "in_person" else f"https://meet.example.org/week-{offset}",
            link_visibility="registered",
            capacity=capacity,
            summary="Een workshop van de Week van de ervaringskennis.",
            tags=["workshopweek"],
        )
        await programmes.attach(actor, programme, series)
        await register(await dates_of(series), offset * 2, 3 + offset, hybrid=fmt == "hybrid")


async def _training(actor: Actor, org: int, today: date) -> None:
    """A two-day in-person inleefsessie with 16 seats, registered as one: full, with one
    waiting list for both days."""
    tuesday = next_weekday(today + timedelta(days=40), 1)
    series = await make_series(
        actor,
        org,
        ScheduleInput(
            rule="FREQ=DAILY;COUNT=2", first_start=at(tuesday, 9, 30), duration_minutes=420
        ),
        title="Inleefsessie: twee dagen afhankelijk van zorg",
        kind="training",
        format="in_person",
        location="Leercentrum Zorg, Lindelaan 12, Utrecht",
        capacity=16,
        together=True,
        summary="Ervaar zelf hoe het is om zorg nodig te hebben. Voor professionals, "
        "studenten en mantelzorgers.",
        description="Neem makkelijke kleding mee. Lunch is inbegrepen.",
        tags=["inleefsessie"],
    )
    await register((await dates_of(series))[:1], 0, 19)  # one day chosen is both: three wait


async def _course(actor: Actor, org: int, today: date) -> None:
    """A six-session course: register once for all sessions."""
    programme = await programmes.create_programme(
        actor,
        org,
        {
            "title": "Cursus: in gesprek over zorgen",
            "summary": "Zes avonden voor ouders en professionals samen.",
            "selection": "whole",
        },
    )
    await programmes.update_programme(actor, programme, {"published": True})
    tuesday = next_weekday(today + timedelta(days=20), 1)
    series = await make_series(
        actor,
        org,
        ScheduleInput(
            rule="FREQ=WEEKLY;COUNT=6", first_start=at(tuesday, 19), duration_minutes=120
        ),
        title="In gesprek over zorgen",
        kind="course",
        format="in_person",
        location="Wijkcentrum Het Anker, Schoolstraat 3",
        capacity=14,
        together=True,
        summary="Leren praten over somberheid en zorgen, met ervaringsdeskundigen.",
        tags=["cursus"],
        content_note=(
            "Op deze avonden praten we over somberheid en over gedachten aan de dood. Je hoeft "
            "niets te vertellen en je mag altijd even naar buiten; een van de begeleiders loopt "
            "dan met je mee."
        ),
        aftercare_text=(
            "Zit je nog met iets na deze avond? Bel of mail Joke Hendriks, begeleider van de "
            "cursus: 06-00000000, joke@zuid.example.org (doordeweeks tot 21.00 uur). Bij acute "
            "zorgen: bel je huisarts of de huisartsenpost."
        ),
        aftercare_hours=18,
    )
    await programmes.attach(actor, programme, series)
    await register(await dates_of(series), 5, 6)
