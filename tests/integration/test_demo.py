"""The demo loads through the services, once, with every kind of event the domain needs."""

from __future__ import annotations

from events_app.demo.load import load_demo
from events_app.tables import (
    Announcement,
    Certificate,
    EventDate,
    ExpertRequest,
    Follower,
    Organisation,
    Programme,
    Proposal,
    Registration,
    Series,
    Speaker,
)


async def test_demo_loads_once_with_every_kind_of_event() -> None:
    assert await load_demo() is True
    counts = {
        table.__name__: await table.count()
        for table in (Organisation, Series, Programme, Registration, EventDate)
    }
    assert await load_demo() is False
    assert counts == {
        table.__name__: await table.count()
        for table in (Organisation, Series, Programme, Registration, EventDate)
    }, "loading twice duplicated something"
    assert counts["Organisation"] == 2
    assert await Follower.count().where(Follower.confirmed_at.is_not_null()) == 3
    assert await Announcement.count() == 1
    public = Series.published.eq(True)
    kinds = {row["kind"] for row in await Series.select(Series.kind).where(public)}
    assert kinds == {"meetup", "lecture", "workshop", "training", "course"}
    # The only unpublished events are those requests became (a guest lesson is not public).
    private = {
        row["id"] for row in await Series.select(Series.id).where(Series.published.eq(False))
    }
    booked = await ExpertRequest.select(ExpertRequest.series).where(
        ExpertRequest.series.is_not_null()
    )
    assert private == {row["series"] for row in booked} and len(private) == 6
    assert await Proposal.count().where(Proposal.status == "accepted") == 6
    statuses = sorted(row["status"] for row in await ExpertRequest.select(ExpertRequest.status))
    assert statuses == ["accepted", "declined", "done", "done", "done", "done", "done", "new",
                        "withdrawn", "withdrawn"]  # fmt: skip

    meetup = await Series.select(Series.id, Series.rrule).where(Series.kind == "meetup").first()
    assert meetup and meetup["rrule"] == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TH"
    statuses = [
        row["status"]
        for row in await EventDate.select(EventDate.status).where(EventDate.series == meetup["id"])
    ]
    assert statuses.count("skipped") == 1
    assert len(statuses) >= 20  # a year of fortnightly dates
    assert await Speaker.count().where(Speaker.event_date.is_not_null()) == 4

    lecture = await Series.select(Series.id).where(Series.kind == "lecture").first()
    assert lecture
    roles = sorted(
        row["role"]
        for row in await Speaker.select(Speaker.role).where(Speaker.series == lecture["id"])
    )
    assert roles == ["moderator", "speaker", "speaker", "speaker"]

    training = await EventDate.select(EventDate.confirmed_count, EventDate.waiting_count).where(
        EventDate.series.kind == "training"
    )
    assert training == [{"confirmed_count": 16, "waiting_count": 3}] * 2

    week = await Programme.select(Programme.id).where(Programme.selection == "pick").first()
    assert week
    assert await Series.count().where(Series.programme == week["id"]) == 5

    # a course that took place: four of its five people met 75 % and have a certificate
    names = sorted(row["name"] for row in await Certificate.select(Certificate.name))
    assert names == ["Anouk Willems", "Bas Koster", "Eva Jansen", "Marco Peters"]


async def test_the_demo_has_a_learning_path_that_takes_applications() -> None:
    from events_app.tables import Application, Question

    assert await load_demo() is True
    path = await Series.select(Series.id).where(Series.admission == "apply").first()
    assert path
    assert await Question.count().where(Question.series == path["id"]) == 2
    statuses = sorted(row["status"] for row in await Application.select(Application.status))
    assert statuses == ["accepted", "accepted", "declined", "pending"]
