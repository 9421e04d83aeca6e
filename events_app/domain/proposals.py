"""Rules of a proposal to a requester, without a database: what it must say, and money.

A proposal names a day and a time in the organisation's zone, how long it takes, online or in
person (then where), perhaps a meeting link, the expert who gives it and their fee.  A fee is
typed in euros the way people write it ("85", "85,50", "€ 1.250,00") and kept in cents.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlsplit

from events_app.domain import wallclock
from events_app.domain.errors import DomainError, gather
from events_app.domain.expert_requests import MAX_TEXT, RequestKind

__all__ = [
    "CheckedProposal",
    "MAX_FEE_CENTS",
    "ProposalForm",
    "check_proposal",
    "euros",
    "parse_euros",
    "series_kind",
]

MAX_FEE_CENTS = 100_000_00  # a typing mistake beyond this
MIN_MINUTES, MAX_MINUTES = 15, 12 * 60
_EUROS = re.compile(r"(?P<whole>\d{1,3}(?:\.\d{3})+|\d+)(?:[,.](?P<cents>\d{1,2}))?")


def parse_euros(text: str, field: str = "fee") -> int:
    """Cents from an amount in euros as people type it; an empty field is no fee."""
    cleaned = text.strip().removeprefix("€").strip().replace(" ", "")
    if not cleaned:
        return 0
    found = _EUROS.fullmatch(cleaned)
    if found is None:
        raise DomainError("fee_invalid", "Give an amount in euros, e.g. 85 or 85,50.", field=field)
    whole = int(found["whole"].replace(".", ""))
    cents = int((found["cents"] or "0").ljust(2, "0"))
    total = whole * 100 + cents
    if total > MAX_FEE_CENTS:
        raise DomainError("fee_invalid", "This amount is too high.", field=field)
    return total


def euros(cents: int) -> str:
    """An amount for people to read, in the Dutch way ("85,50")."""
    return f"{cents // 100},{cents % 100:02d}"


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
    if url and (
        urlsplit(url).scheme not in ("http", "https") or not urlsplit(url).netloc or len(url) > 500
    ):
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
        fee = parse_euros(form.fee)
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
