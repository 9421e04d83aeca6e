"""Sessions of a programme made in one place: each is a one-off series in the programme.

A workshop week is planned on the programme's own page, one compact form per session.  A
session is written by the series service (:func:`events_app.series.planning.create_series`,
the one way a series comes to be) and gets its speakers in the same transaction, so it
exists whole or not at all.  It is published when the programme is.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from events_app import clock, db
from events_app.accounts import owned
from events_app.accounts.credentials import Actor
from events_app.domain import sessions as rules
from events_app.domain.errors import gather
from events_app.domain.schedule import ScheduleInput
from events_app.series import people
from events_app.series import planning as series_planning
from events_app.tables import Organisation, Series, Speaker

__all__ = ["add_session", "now_for", "session_of"]


async def now_for(organisation_id: int) -> datetime:
    """The wall-clock time now where the organisation plans (a session's times are typed so)."""
    row = (
        await Organisation.select(Organisation.timezone)
        .where(Organisation.id == organisation_id)
        .first()
    )
    zone = row["timezone"] if row else "Europe/Amsterdam"
    return clock.now().astimezone(ZoneInfo(zone)).replace(tzinfo=None)


async def add_session(actor: Actor, programme_id: int, session: rules.SessionInput) -> int:
    """A new one-off series in the programme, with its speakers; returns the series' id."""
    async with db.transaction():
        programme = await owned.programme_for(actor, programme_id)
        gather(rules.refusals(session, await now_for(programme["organisation"])))
        assert session.day is not None and session.start is not None and session.end is not None
        when = ScheduleInput(
            rule="",
            start_date=session.day,
            start_time=session.start.strftime("%H:%M"),
            end_time=session.end.strftime("%H:%M"),
        )
        details: dict[str, Any] = {
            "title": " ".join(session.title.split()),
            "kind": Series.Kind.workshop,
            "format": session.format,
            "location": session.location.strip(),
            "meeting_url": session.meeting_url.strip(),
            "capacity": session.capacity,
            "language": programme["language"],
            "programme_id": programme_id,
            "published": programme["published"],
        }
        series_id, _ = await series_planning.create_series(
            actor, programme["organisation"], when, details
        )
        names = [" ".join(name.split()) for name in session.speakers]
        if names:
            await people.set_speakers(
                actor, [people.SpeakerInput(name=name) for name in names], series_id=series_id
            )
    return series_id


async def session_of(actor: Actor, programme_id: int, series_id: int) -> rules.SessionInput:
    """A session of the programme as its form shows it (to copy it into a new one); a series
    of another programme is not found."""
    series = await owned.series_for(actor, series_id)
    if series["programme"] != programme_id:
        raise owned.not_found()
    speakers = (
        await Speaker.select(Speaker.name)
        .where((Speaker.series == series_id) & Speaker.event_date.is_null())
        .order_by(Speaker.position)
    )
    first = series["first_start"]
    end = first + timedelta(minutes=series["duration_minutes"])
    return rules.SessionInput(
        title=series["title"],
        day=first.date(),
        start=first.time(),
        end=end.time(),
        format=series["format"],
        location=series["location"],
        meeting_url=series["meeting_url"],
        capacity=series["capacity"],
        speakers=tuple(row["name"] for row in speakers),
    )
