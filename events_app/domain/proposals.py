"""Rules of a proposal to a requester, without a database: what it must say.

A proposal names a day and a time in the organisation's zone, how long it takes, online or in
person (then where), perhaps a meeting link, the expert who gives it and their fee (typed in
euros and kept in cents by the pool's rule, :func:`events_app.domain.experts.parse_fee`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from events_app.domain import wallclock
from events_app.domain.errors import DomainError, gather
from events_app.domain.expert_requests import MAX_TEXT, RequestKind
from events_app.domain.experts import parse_fee
from events_app.domain.sessions import is_web_address

__all__ = [
    "CheckedProposal",
    "ProposalForm",
    "check_proposal",
    "series_kind",
]

MIN_MINUTES, MAX_MINUTES = 15, 12 * 60


def series_kind(kind: str) -> str:
    """What kind of event an accepted request becomes (``Series.Kind``)."""
    return {
        RequestKind.guest_lesson: "guest_lesson",
        RequestKind.empathy_session: "training",
        RequestKind.workshop: "workshop",
    }.get(RequestKind(kind), "meeting")


@dataclass(frozen=True, slots=True)
class ProposalForm:
    """A proposal as typed (the form and the API)."""

    day: str
    start_time: str
    duration_minutes: int
    format: str
    title: str
    location: str = ""
    meeting_url: str = ""
    fee: str = ""
    note: str = ""
    public: bool = False


@dataclass(frozen=True, slots=True)
class CheckedProposal:
    local_start: datetime
    starts_at: datetime
    duration_minutes: int
    format: str
    title: str
    location: str
    meeting_url: str
    fee_cents: int
    note: str
    public: bool


def _day(text: str, refusals: list[DomainError]) -> date | None:
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        refusals.append(DomainError("day_invalid", "Choose a day.", field="day"))
        return None


def _time(text: str, refusals: list[DomainError]) -> time | None:
    if re.fullmatch(r"\d{1,2}:\d{2}", text.strip()):
        hours, minutes = (int(part) for part in text.strip().split(":"))
        if hours < 24 and minutes < 60:
            return time(hours, minutes)
    refusals.append(DomainError("time_invalid", "Give a time such as 14:00.", field="start_time"))
    return None


def check_proposal(form: ProposalForm, timezone: str, now: datetime) -> CheckedProposal:
    """Every problem at its field at once, or the proposal as it is kept."""
    refusals: list[DomainError] = []
    day, start = _day(form.day, refusals), _time(form.start_time, refusals)
    local = starts_at = None
    if day is not None and start is not None:
        local = datetime.combine(day, start)
        starts_at = wallclock.to_utc(local, timezone)
        if starts_at <= now:
            refusals.append(DomainError("day_past", "Choose a moment in the future.", field="day"))
        elif starts_at > now + timedelta(days=2 * 366):
            refusals.append(DomainError("day_far", "Choose a day within two years.", field="day"))
    if not MIN_MINUTES <= form.duration_minutes <= MAX_MINUTES:
        refusals.append(
            DomainError(
                "duration_invalid",
                f"Give a length from {MIN_MINUTES} minutes to {MAX_MINUTES // 60} hours.",
                field="duration_minutes",
            )
        )
    if form.format not in ("online", "in_person", "hybrid"):
        refusals.append(
            DomainError("format_unknown", "Choose online, in person or both.", field="format")
        )
    title = form.title.strip()
    if not title or len(title) > 200:
        refusals.append(
            DomainError("title_missing", "Give a title (up to 200 characters).", field="title")
        )
    location = form.location.strip()
    if form.format in ("in_person", "hybrid") and not location:
        refusals.append(
            DomainError("location_missing", "Say where it takes place.", field="location")
        )
    if len(location) > 500:
        refusals.append(
            DomainError("too_long", "Please keep this under 500 characters.", field="location")
        )
    url = form.meeting_url.strip()
    if url and (not is_web_address(url) or len(url) > 500):
        refusals.append(
            DomainError(
                "invalid_url", "Give a web address that starts with https://.", field="meeting_url"
            )
        )
    note = form.note.strip()
    if len(note) > MAX_TEXT:
        refusals.append(
            DomainError("too_long", f"Please keep this under {MAX_TEXT} characters.", field="note")
        )
    fee = 0
    try:
        fee = parse_fee(form.fee)
    except DomainError as refused:
        refusals.append(refused)
    gather(refusals)
    assert local is not None and starts_at is not None
    return CheckedProposal(
        local_start=local,
        starts_at=starts_at,
        duration_minutes=form.duration_minutes,
        format=form.format,
        title=title,
        location=location,
        meeting_url=url,
        fee_cents=fee,
        note=note,
        public=form.public,
    )
