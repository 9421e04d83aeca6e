"""Proposals to a requester, and the event an accepted one becomes.

An organiser proposes a day, a time, a place or link and an expert (one open proposal per
request: a new one replaces the old).  The requester accepts it through their private link:
in one transaction the proposal becomes an event of the organisation — a series of one date,
in the public agenda only when the organiser chose so — with the expert as its speaker (and
host, when the expert has an account in the organisation), and the requester and the expert
are registered for it.  So they get the calendar invitation now, and every later change or
cancellation of the date reaches them as it reaches anyone registered.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from events_app import clock, db
from events_app.accounts.credentials import Actor
from events_app.accounts.owned import not_found
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.expert_requests import RequestStatus, Who, check_move
from events_app.domain.proposals import ProposalForm, check_proposal
from events_app.i18n import format_datetime, translate
from events_app.requests import access, asks, booking, history, intake, notices
from events_app.requests.views import ProposalView, proposal_view
from events_app.tables import (
    Expert,
    ExpertRequest,
    Organisation,
    Proposal,
)

__all__ = [
    "Origin",
    "ProposalView",
    "accept",
    "decline",
    "expert_choices",
    "for_request",
    "for_requester",
    "origin_of",
    "propose",
    "withdraw",
]


async def _proposals(request_id: int) -> list[ProposalView]:
    rows = await Proposal.select().where(Proposal.request == request_id).order_by(Proposal.id)
    return [proposal_view(row) for row in rows]


async def for_request(actor: Actor, request_id: int) -> list[ProposalView]:
    """Every proposal of the request, oldest first (organisers of its organisation only)."""
    await access.request_for(actor, request_id)
    return await _proposals(request_id)


async def for_requester(request_id: int) -> list[ProposalView]:
    """What the requester's own page shows (the caller found the request by its link)."""
    return await _proposals(request_id)


async def _expert(organisation_id: int, expert_id: int | None) -> dict[str, Any] | None:
    if expert_id is None:
        return None
    row = (
        await Expert.select()
        .where((Expert.id == expert_id) & (Expert.organisation == organisation_id))
        .first()
    )
    if row is None:
        raise DomainError("expert_unknown", "Choose an expert from your pool.", field="expert_id")
    return row


def _place(request_language: str, proposal: ProposalView) -> str:
    location = proposal.location
    if proposal.format == "online":
        return translate(request_language, "Online")
    if proposal.format == "hybrid":
        return translate(request_language, "%(place)s, or online", place=location)
    return location


async def propose(
    actor: Actor, request_id: int, form: ProposalForm, *, expert_id: int | None
) -> int:
    """Offer a proposal to the requester (mailed); an open earlier one is withdrawn."""
    now = clock.now()
    async with db.transaction():
        request = await access.request_for(actor, request_id, lock=True)
        if request["anonymised_at"] is not None:
            raise Conflict("request_closed", "This request's data was removed.")
        status = check_move(request["status"], RequestStatus.proposed, Who.organiser)
        organisation = (
            await Organisation.select(Organisation.timezone)
            .where(Organisation.id == request["organisation"])
            .first()
        )
        assert organisation is not None
        tz = organisation["timezone"]
        checked = check_proposal(form, tz, now)
        expert = await _expert(request["organisation"], expert_id)
        fee = checked.fee_cents
        if not form.fee.strip() and expert is not None:
            fee = int(expert["fee_cents"])
        replaced = (
            await Proposal.update(
                {Proposal.status: Proposal.Status.withdrawn, Proposal.decided_at: now}
            )
            .where((Proposal.request == request_id) & (Proposal.status == Proposal.Status.proposed))
            .returning(Proposal.id)
        )
        rows = await Proposal.insert(
            Proposal(
                request=request_id,
                expert=None if expert is None else expert["id"],
                expert_name="" if expert is None else expert["name"],
                account=actor.account_id,
                local_start=checked.local_start,
                timezone=tz,
                duration_minutes=checked.duration_minutes,
                format=checked.format,
                location=checked.location,
                meeting_url=checked.meeting_url,
                title=checked.title,
                note=checked.note,
                fee_cents=fee,
                public=checked.public,
                status=Proposal.Status.proposed,
                created_at=now,
            )
        ).returning(Proposal.id)
        proposal_id = int(rows[0]["id"])
        await ExpertRequest.update(
            {
                ExpertRequest.status: status,
                ExpertRequest.updated_at: now,
                ExpertRequest.answered_at: request["answered_at"] or now,
            }
        ).where(ExpertRequest.id == request_id)
        if replaced:
            await history.record(
                request_id, "organiser", "proposal_replaced", account_id=actor.account_id,
                shared=True,
            )  # fmt: skip
        language = request["language"]
        proposal = proposal_view((await Proposal.select().where(Proposal.id == proposal_id))[0])
        when = format_datetime(proposal.local_start, language)  # the wall-clock time
        await history.record(
            request_id,
            "organiser",
            "proposed",
            account_id=actor.account_id,
            status=status,
            text=f"{proposal.title} — {when}",
            shared=True,
        )
        await notices.mail_requester(
            "request_proposal",
            request,
            proposal={
                "title": proposal.title,
                "when": when,
                "place": _place(language, proposal),
                "expert": proposal.expert_name,
                "note": proposal.note,
            },
        )
    return proposal_id


async def withdraw(actor: Actor, request_id: int, proposal_id: int) -> None:
    """Take back an open proposal; the request is in discussion again."""
    now = clock.now()
    async with db.transaction():
        request = await access.request_for(actor, request_id, lock=True)
        proposal = await _open_proposal(request_id, proposal_id)
        status = check_move(request["status"], RequestStatus.in_discussion, Who.organiser)
        await Proposal.update(
            {Proposal.status: Proposal.Status.withdrawn, Proposal.decided_at: now}
        ).where(Proposal.id == proposal.id)
        await ExpertRequest.update(
            {ExpertRequest.status: status, ExpertRequest.updated_at: now}
        ).where(ExpertRequest.id == request_id)
        await history.record(
            request_id, "organiser", "proposal_withdrawn", account_id=actor.account_id,
            status=status, text=proposal.title, shared=True,
        )  # fmt: skip


async def _open_proposal(request_id: int, proposal_id: int) -> ProposalView:
    row = (
        await Proposal.select()
        .where((Proposal.id == proposal_id) & (Proposal.request == request_id))
        .first()
    )
    if row is None:
        raise not_found()
    proposal = proposal_view(row)
    if not proposal.open:
        raise Conflict("proposal_closed", "This proposal is no longer open.")
    return proposal


async def accept(token: str, proposal_id: int) -> int:
    """The requester says yes: the proposal becomes an event; returns the series' id.

    Accepting twice (a double click) answers with the same event."""
    now = clock.now()
    async with db.transaction():
        request = await intake.request_by_link(token, lock=True)
        done = (
            await Proposal.select(Proposal.series)
            .where(
                (Proposal.id == proposal_id)
                & (Proposal.request == request["id"])
                & (Proposal.status == Proposal.Status.accepted)
            )
            .first()
        )
        if done is not None and done["series"] is not None:
            return int(done["series"])
        proposal = await _open_proposal(request["id"], proposal_id)
        status = check_move(request["status"], RequestStatus.accepted, Who.requester)
        series_id = await booking.book(request, proposal)
        await Proposal.update(
            {
                Proposal.status: Proposal.Status.accepted,
                Proposal.decided_at: now,
                Proposal.series: series_id,
            }
        ).where(Proposal.id == proposal.id)
        await ExpertRequest.update(
            {ExpertRequest.status: status, ExpertRequest.series: series_id,
             ExpertRequest.updated_at: now}
        ).where(ExpertRequest.id == request["id"])  # fmt: skip
        await history.record(
            request["id"], "requester", "proposal_accepted", status=status, text=proposal.title,
            shared=True,
        )  # fmt: skip
        await notices.notify_organisation("request_accepted", request, title=proposal.title)
    return series_id


async def decline(token: str, proposal_id: int, answer: str) -> None:
    """The requester says no to this proposal, with what does not suit them."""
    answer = answer.strip()
    if len(answer) > 5000:
        raise DomainError("too_long", "Please keep this under 5000 characters.", field="answer")
    now = clock.now()
    async with db.transaction():
        request = await intake.request_by_link(token, lock=True)
        proposal = await _open_proposal(request["id"], proposal_id)
        status = check_move(request["status"], RequestStatus.in_discussion, Who.requester)
        await Proposal.update(
            {Proposal.status: Proposal.Status.declined, Proposal.decided_at: now,
             Proposal.answer: answer}
        ).where(Proposal.id == proposal.id)  # fmt: skip
        await ExpertRequest.update(
            {ExpertRequest.status: status, ExpertRequest.updated_at: now}
        ).where(ExpertRequest.id == request["id"])
        await history.record(
            request["id"], "requester", "proposal_declined", status=status, text=answer,
            shared=True,
        )  # fmt: skip
        await notices.notify_organisation(
            "request_proposal_declined", request, title=proposal.title
        )


async def expert_choices(actor: Actor, request_id: int) -> list[asks.Candidate]:
    """The pool's active experts for the proposal form: those who said yes to this request
    first, then as :func:`asks.candidates` orders them (best fits first)."""
    order = {"accepted": 0, "asked": 1, "": 2}
    found = await asks.candidates(actor, request_id)
    return sorted(found, key=lambda c: order.get(c.asked, 3))


@dataclass(frozen=True, slots=True)
class Origin:
    """The request an event was made from (its organisers' page links back to it)."""

    request_id: int
    organisation_id: int
    topic: str
    requester_organisation: str


async def origin_of(actor: Actor, series_id: int) -> Origin | None:
    row = (
        await ExpertRequest.select(
            ExpertRequest.id,
            ExpertRequest.organisation,
            ExpertRequest.topic,
            ExpertRequest.requester_organisation,
        )
        .where(ExpertRequest.series == series_id)
        .first()
    )
    if row is None or not actor.is_organiser(row["organisation"]):
        return None
    return Origin(row["id"], row["organisation"], row["topic"], row["requester_organisation"])
