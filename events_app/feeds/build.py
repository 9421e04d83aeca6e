"""From database rows to feed bytes: rows → DateInfo → (describe) → IcsEvent → fragments.

Only called when a feed's version changed (see :mod:`events_app.feeds.service`).  Even then
most dates are unchanged: their VEVENT bytes come from the fragment cache, keyed by everything
the text is made of (the row's values, the date's speakers, the reader), so no change can
leave a stale fragment behind.  Rendering one date with icalendar costs about a millisecond;
a cached one costs a few microseconds.  :func:`render_feed` is synchronous CPU work: the
service runs it in a worker thread so that the event loop keeps answering other polls.
A row becomes a DateInfo by :mod:`events_app.agenda.calendar_info`, as a mail's date does.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from events_app import db
from events_app.agenda import calendar_info
from events_app.calendar.describe import (
    Audience,
    DateInfo,
    Language,
    SpeakerInfo,
    Viewer,
    describe,
    personal_sequence,
)
from events_app.calendar.ics import (
    EventFragment,
    IcsCalendar,
    IcsEvent,
    assemble,
    render_event_fragment,
)
from events_app.feeds.cache import FeedEntry, fragment_cache, make_entry

__all__ = [
    "Variant",
    "date_info",
    "ics_event",
    "public_event_of",
    "render_feed",
    "speaker_map",
]

log = logging.getLogger(__name__)
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

Speakers = dict[tuple[str, int], tuple[SpeakerInfo, ...]]


@dataclass(frozen=True, slots=True)
class Variant:
    """Who the feed is for: decides the words, the link and the SEQUENCE rule."""

    audience: Audience
    language: Language
    manage_url: str | None = None  # attendee feeds


def _instant(value: object) -> datetime:
    return db.instant(value) or EPOCH


def speaker_map(speakers: Iterable[dict[str, Any]]) -> Speakers:
    """("date", id) and ("series", id) → speakers in display order."""
    found: dict[tuple[str, int], list[SpeakerInfo]] = {}
    for row in speakers:
        key = (
            ("series", row["series"]) if row["event_date"] is None else ("date", row["event_date"])
        )
        found.setdefault(key, []).append(SpeakerInfo(name=row["name"], role=row["role"]))
    return {key: tuple(value) for key, value in found.items()}


def _speakers_of(row: dict[str, Any], speakers: Speakers) -> tuple[SpeakerInfo, ...]:
    """The date's own speakers when it has any, else the series'."""
    return speakers.get(("date", row["id"])) or speakers.get(("series", row["series_id"])) or ()


def date_info(row: dict[str, Any], speakers: tuple[SpeakerInfo, ...]) -> DateInfo:
    """The row's date as the calendar describes it (the one mapping mail uses too)."""
    return calendar_info.date_info(
        row,
        organisation_name=row["organisation_name"],
        organisation_email=row["organisation_email"],
        organisation_changed_at=row["organisation_updated_at"],
        speakers=speakers,
    )


def ics_event(
    date: DateInfo,
    viewer: Viewer,
    *,
    sequence: int | None = None,
    changed_at: datetime | None = None,
) -> IcsEvent:
    """The event for one reader.  UID is always the date's own (a feed entry and an invitation
    mail are the same event); ``sequence``/``changed_at`` override for personal views."""
    text = describe(date, viewer)
    stamp = max(date.changed_at, changed_at or date.changed_at)
    return IcsEvent(
        uid=date.uid,
        sequence=date.sequence if sequence is None else sequence,
        summary=text.summary,
        description=text.description,
        local_start=date.local_start,
        local_end=date.local_end,
        tz=date.timezone,
        status=text.status,
        dtstamp=stamp,
        last_modified=stamp,
        location=text.location,
        url=date.page_url or None,
        categories=text.categories,
        organizer_name=date.organisation_name if date.organizer_email else None,
        organizer_email=date.organizer_email or None,
        transparent=text.transparent,
    )


def _event(
    row: dict[str, Any], speakers: tuple[SpeakerInfo, ...], variant: Variant, position: int | None
) -> IcsEvent:
    date = date_info(row, speakers)
    if variant.audience != "attendee":
        return ics_event(date, Viewer(audience=variant.audience, language=variant.language))
    status = row["registration_status"]
    changed = _instant(row["registration_updated_at"])
    viewer = Viewer(
        audience="attendee",
        language=variant.language,
        registration_status=status,
        waiting_position=position,
        manage_url=variant.manage_url,
    )
    sequence = personal_sequence(date.sequence, status, _instant(row["registered_at"]), changed)
    return ics_event(date, viewer, sequence=sequence, changed_at=changed)


def public_event_of(row: dict[str, Any], speakers: Speakers, language: Language) -> IcsEvent:
    """The public event of one row (no registered-only link): pages and links."""
    return _event(row, _speakers_of(row, speakers), Variant("public", language), None)


def _fragment(
    row: dict[str, Any], speakers: Speakers, variant: Variant, position: int | None
) -> EventFragment:
    own = _speakers_of(row, speakers)
    # Everything the VEVENT is made of.  The hash stands for the values to keep the cache
    # small; two versions of one date would need a 64-bit collision to be confused.
    key = (variant, row["id"], hash((tuple(row.values()), own, position)))
    fragment = fragment_cache.get(key)
    if fragment is None:
        fragment = render_event_fragment(_event(row, own, variant, position))
        fragment_cache.put(key, fragment)
    return fragment


def render_feed(
    calendar: IcsCalendar,
    rows: Sequence[dict[str, Any]],
    speakers: Speakers,
    variant: Variant,
    version: tuple[object, ...],
    last_modified: datetime | None,
    positions: dict[int, int] | None = None,
) -> FeedEntry:
    """The whole feed, from (cached) fragments.  A date whose data cannot be written (an
    unknown zone, an end before its start) is left out and logged, not fatal to every reader."""
    fragments: list[EventFragment] = []
    for row in rows:
        position = (positions or {}).get(row.get("registration_id", -1))
        try:
            fragments.append(_fragment(row, speakers, variant, position))
        except (ValueError, KeyError, TypeError):
            log.exception("feed: left out date %s", row.get("id"))
    body = assemble(calendar, fragments)
    return make_entry(version, body, last_modified or EPOCH)
