"""Rules of a request for an expert, without a database: what a request must say, which state
may follow which, who may move it there, and what counts as answered.

A request (a guest lesson, an empathy session for a team, a workshop, a speaker) starts ``new``.
The organisation talks with the requester (``in_discussion``), offers a proposal (``proposed``);
the requester accepts it (``accepted``: it became an event) or declines it (back to
``in_discussion``).  The organisation may decline the request; the requester may withdraw it
until it is accepted; after the event the organisation marks it ``done``.  A declined request
can be taken up again; a withdrawn or done one is closed for good.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum

from events_app.domain.errors import DomainError, Forbidden, gather

__all__ = [
    "ANSWER_DAYS",
    "CLOSED",
    "MAX_PEOPLE",
    "MAX_TEXT",
    "CheckedRequest",
    "RequestForm",
    "RequestKind",
    "RequestStatus",
    "Who",
    "answered_in_time",
    "check_move",
    "check_request",
    "is_open",
    "requester_may_write",
]

ANSWER_DAYS = 7  # "answered within a week": the organisation's first answer within this
MAX_PEOPLE = 10_000
MAX_TEXT = 5_000  # notes and messages
MAX_DAYS_AHEAD = 2 * 366  # a preferred day further away than this is a typing mistake


class RequestKind(StrEnum):
    """What is asked for (the same values as ``ExpertRequest.Kind``)."""

    guest_lesson = "guest_lesson"
    empathy_session = "empathy_session"
    workshop = "workshop"
    speaker = "speaker"
    other = "other"


class RequestStatus(StrEnum):
    """Where a request stands (the same values as ``ExpertRequest.Status``)."""

    new = "new"
    in_discussion = "in_discussion"
    proposed = "proposed"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"
    done = "done"


class Who(StrEnum):
    requester = "requester"
    organiser = "organiser"


CLOSED = frozenset({RequestStatus.withdrawn, RequestStatus.done})

# (from, to) → who may make that move.  "proposed" is reached by making a proposal and
# "accepted" by accepting one; the services do those, the rule is the same.
_MOVES: dict[tuple[RequestStatus, RequestStatus], frozenset[Who]] = {}


def _allow(who: Who, to: RequestStatus, *sources: RequestStatus) -> None:
    for source in sources:
        _MOVES[(source, to)] = _MOVES.get((source, to), frozenset()) | {who}


S = RequestStatus
_allow(Who.organiser, S.in_discussion, S.new, S.proposed, S.declined)
_allow(Who.organiser, S.proposed, S.new, S.in_discussion, S.proposed)
_allow(Who.organiser, S.declined, S.new, S.in_discussion, S.proposed)
_allow(Who.organiser, S.done, S.accepted)
_allow(Who.requester, S.accepted, S.proposed)
_allow(Who.requester, S.in_discussion, S.proposed)  # a proposal declined: talk on
_allow(Who.requester, S.withdrawn, S.new, S.in_discussion, S.proposed)


def check_move(current: str, to: str, who: Who) -> RequestStatus:
    """The new status, or a refusal that says why this move cannot be made now."""
    try:
        source, target = RequestStatus(current), RequestStatus(to)
    except ValueError:
        raise DomainError("status_unknown", "This status does not exist.", field="status") from None
    allowed = _MOVES.get((source, target))
    if allowed is None:
        raise DomainError(
            "status_move",
            "A request cannot go from this status to that one.",
            field="status",
        )
    if who not in allowed:
        raise Forbidden("status_move", "Only the organisation can do this.")
    return target


def is_open(status: str) -> bool:
    """Whether anything can still happen to a request (messages, proposals, experts asked)."""
    return RequestStatus(status) not in CLOSED


def requester_may_write(status: str) -> bool:
    """A requester can send messages until the request is withdrawn or done."""
    return is_open(status)


def answered_in_time(
    created_at: datetime, answered_at: datetime | None, now: datetime
) -> bool | None:
    """Whether the organisation answered within a week: True or False, or None while the week
    is not yet over and there is no answer (it cannot be counted either way yet)."""
    deadline = created_at + timedelta(days=ANSWER_DAYS)
    if answered_at is not None:
        return answered_at <= deadline
    return False if now > deadline else None


@dataclass(frozen=True, slots=True)
class RequestForm:
    """What a requester typed, as strings where a person types them (the form and the API)."""

    kind: str
    topic: str
    contact_name: str
    contact_email: str
    audience: str = ""
    people: int | None = None
    preferred_days: tuple[str, ...] = ()
    period: str = ""
    format: str = "in_person"
    address: str = ""
    requester_organisation: str = ""
    notes: str = ""


@dataclass(frozen=True, slots=True)
class CheckedRequest:
    kind: RequestKind
    topic: str
    audience: str
    people: int | None
    preferred_days: tuple[date, ...]
    period: str
    format: str
    address: str
    requester_organisation: str
    contact_name: str
    notes: str


FORMATS = ("online", "in_person", "hybrid")


def _text(value: str, limit: int, field: str, refusals: list[DomainError]) -> str:
    value = value.strip()
    if len(value) > limit:
        refusals.append(
            DomainError("too_long", f"Please keep this under {limit} characters.", field=field)
        )
    return value


def check_request(form: RequestForm, today: date) -> CheckedRequest:
    """Every problem of a request at once (each at its field), or the request as it is kept.
    The address is checked by the caller with the one address rule."""
    refusals: list[DomainError] = []
    try:
        kind = RequestKind(form.kind)
    except ValueError:
        kind = RequestKind.other
        refusals.append(
            DomainError("kind_unknown", "Choose what you are asking for.", field="kind")
        )
    topic = _text(form.topic, 200, "topic", refusals)
    if not topic:
        refusals.append(DomainError("topic_missing", "Say what it should be about.", field="topic"))
    name = _text(form.contact_name, 200, "contact_name", refusals)
    if not name:
        refusals.append(DomainError("name_missing", "Fill in your name.", field="contact_name"))
    if form.people is not None and not 1 <= form.people <= MAX_PEOPLE:
        refusals.append(
            DomainError("people_range", f"Give a number from 1 to {MAX_PEOPLE}.", field="people")
        )
    days: list[date] = []
    if len(form.preferred_days) > 3:
        refusals.append(
            DomainError("days_too_many", "Give at most three days.", field="preferred_days")
        )
    for raw in form.preferred_days[:3]:
        raw = raw.strip()
        if not raw:
            continue
        try:
            day = date.fromisoformat(raw)
        except ValueError:
            refusals.append(
                DomainError("day_invalid", "This is not a date.", field="preferred_days")
            )
            continue
        if day < today or day > today + timedelta(days=MAX_DAYS_AHEAD):
            refusals.append(
                DomainError(
                    "day_range",
                    "Choose days from today up to two years ahead.",
                    field="preferred_days",
                )
            )
            continue
        if day not in days:
            days.append(day)
    period = _text(form.period, 200, "period", refusals)
    if not days and not period and not any(r.field == "preferred_days" for r in refusals):
        refusals.append(
            DomainError(
                "when_missing",
                "Give one to three days that suit you, or a period.",
                field="preferred_days",
            )
        )
    if form.format not in FORMATS:
        refusals.append(
            DomainError("format_unknown", "Choose online, in person or both.", field="format")
        )
    address = _text(form.address, 500, "address", refusals)
    if form.format in ("in_person", "hybrid") and not address:
        refusals.append(
            DomainError("address_missing", "Say where it would take place.", field="address")
        )
    audience = _text(form.audience, 300, "audience", refusals)
    requester_organisation = _text(
        form.requester_organisation, 200, "requester_organisation", refusals
    )
    notes = _text(form.notes, MAX_TEXT, "notes", refusals)
    gather(refusals)
    return CheckedRequest(
        kind=kind,
        topic=topic,
        audience=audience,
        people=form.people,
        preferred_days=tuple(sorted(days)),
        period=period,
        format=form.format,
        address=address,
        requester_organisation=requester_organisation,
        contact_name=name,
        notes=notes,
    )
