"""The event an accepted proposal becomes, and the people registered for it.

A series of one date of the organisation (in the public agenda, open for registration, only when
the organiser chose so), the expert as its speaker and — when the expert has an account in the
organisation — its host; the requester and the expert registered, so they get the calendar
invitation now and every later change of the date as anyone registered does.  Runs inside the
transaction that accepts the proposal.
"""

from __future__ import annotations

from typing import Any

from events_app import db
from events_app.accounts.credentials import Actor
from events_app.domain.errors import Conflict
from events_app.domain.proposals import series_kind
from events_app.domain.schedule import ScheduleInput
from events_app.registration import registrations
from events_app.requests.views import ProposalView
from events_app.series import planning
from events_app.tables import EventDate, Expert, Membership, SeriesHost, Speaker

__all__ = ["book"]


async def book(request: dict[str, Any], proposal: ProposalView) -> int:
    """Make the event of an accepted proposal and register its requester and expert (inside the
    caller's transaction); returns the series' id."""
    expert = None
    if proposal.expert_id is not None:
        expert = await Expert.select().where(Expert.id == proposal.expert_id).first()
    series_id, date_id = await _make_event(request, proposal, expert)
    await _register_people(request, expert, date_id)
    return series_id


async def _make_event(
    request: dict[str, Any], proposal: ProposalView, expert: dict[str, Any] | None
) -> tuple[int, int]:
    """The series of one date the proposal becomes, with the expert as its speaker."""
    organisation_id = int(request["organisation"])
    maker = Actor(
        account_id=await _maker(organisation_id, proposal.account_id),
        email="",
        name="",
        roles={organisation_id: Membership.Role.organiser},
    )
    details: dict[str, Any] = {
        "title": proposal.title,
        "kind": series_kind(request["kind"]),
        "format": proposal.format,
        "location": proposal.location,
        "meeting_url": proposal.meeting_url,
        "summary": request["requester_organisation"][:500],
        "description": proposal.note,
        "language": request["language"],
        "published": proposal.public,
        "registration_mode": "required" if proposal.public else "none",
    }
    series_id, _warnings = await planning.create_series(
        maker,
        organisation_id,
        ScheduleInput(
            rule="",
            first_start=proposal.local_start.isoformat(timespec="minutes"),
            duration_minutes=proposal.duration_minutes,
            timezone=proposal.timezone,
        ),
        details,
    )
    [made] = await EventDate.select(EventDate.id).where(EventDate.series == series_id)
    if proposal.expert_name:
        await Speaker.insert(Speaker(series=series_id, name=proposal.expert_name))
    if expert is not None and expert["account"] is not None:
        member = await Membership.exists().where(
            (Membership.account == expert["account"]) & (Membership.organisation == organisation_id)
        )
        if member:
            await SeriesHost.insert(SeriesHost(account=expert["account"], series=series_id))
    return series_id, int(made["id"])


async def _maker(organisation_id: int, proposer: int | None) -> int:
    """Whom the event's making is recorded for: the organiser who proposed it, or (when that
    account is gone) the organisation's longest-standing organiser."""
    query = Membership.select(Membership.account).where(
        (Membership.organisation == organisation_id)
        & (Membership.role == Membership.Role.organiser)
    )
    if proposer is not None:
        mine = await query.where(Membership.account == proposer).first()
        if mine is not None:
            return int(mine["account"])
    first = await query.order_by(Membership.id).first()
    if first is None:
        raise Conflict("no_organiser", "This organisation has no organiser.")
    return int(first["account"])


async def _register_people(
    request: dict[str, Any], expert: dict[str, Any] | None, date_id: int
) -> None:
    """The requester and the expert, registered for the event: the invitation now, and every
    change of the date later."""
    await registrations.register(
        [date_id],
        name=request["contact_name"],
        email=request["contact_email"],
        language=request["language"],
        source="organiser",
        receipt_kind="request_booked",
    )
    if expert is not None:
        languages = db.json_strings(expert["languages"])
        await registrations.register(
            [date_id],
            name=expert["name"],
            email=expert["email"],
            language=request["language"] if request["language"] in languages else None,
            source="organiser",
            receipt_kind="request_booked",
        )
