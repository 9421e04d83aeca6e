"""Proposals: an organiser offers a date and an expert; the requester accepts it through their
private link and it becomes an event (not in the agenda unless chosen) with the expert as
speaker; requester and expert get the invitation, and later changes of the date reach them."""

from __future__ import annotations

from datetime import timedelta
from email.message import EmailMessage
from typing import Any

import pytest

from events_app import clock
from events_app.accounts.credentials import Actor
from events_app.domain import wallclock
from events_app.domain.errors import Conflict, DomainError, NotFound
from events_app.domain.proposals import ProposalForm
from events_app.requests import history, proposals
from events_app.series import dates as series_dates
from events_app.settings import Settings
from events_app.tables import (
    EventDate,
    ExpertRequest,
    OutboxMail,
    Proposal,
    Registration,
    Series,
    Speaker,
)
from tests.factories import (
    REQUESTER_EMAIL,
    REQUESTER_NAME,
    make_expert,
    make_organiser,
    make_request,
)
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]

ORGANISATION_ADDRESS = "info@stadsnetwerk.example.org"


def _form(**changes: Any) -> ProposalForm:
    day = (clock.now() + timedelta(days=20)).date().isoformat()
    given: dict[str, Any] = {
        "day": day,
        "start_time": "14:00",
        "duration_minutes": 90,
        "format": "in_person",
        "title": "Gastles herstel",
        "location": "Schoolplein 1, Utrecht",
        "note": "Kim vertelt over haar eigen herstel.",
    }
    given.update(changes)
    return ProposalForm(**given)


def _text(message: EmailMessage) -> str:
    body = message.get_body(("plain",))
    assert body is not None
    return str(body.get_content())


def _calendar(message: EmailMessage) -> str:
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return str(part.get_content())
    raise AssertionError("no calendar part")


async def test_a_proposal_accepted_becomes_an_event_with_invitations(
    smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, token = await make_request(org)
    expert_id = await make_expert(org, name="Kim Jansen", email="kim@example.org", fee_cents=12500)
    proposal_id = await proposals.propose(organiser.actor, request_id, _form(), expert_id=expert_id)

    request = await ExpertRequest.select().where(ExpertRequest.id == request_id).first()
    assert request is not None and request["status"] == "proposed"
    assert request["answered_at"] is not None
    [proposal] = await proposals.for_request(organiser.actor, request_id)
    assert proposal.fee_cents == 12500  # the expert's usual fee when none is typed
    assert proposal.expert_name == "Kim Jansen"

    await drain(mail_settings)
    [mail] = [r for r in smtp_server.received]
    assert list(mail.rcpt_tos) == [REQUESTER_EMAIL]
    text = _text(mail.message)
    assert "Gastles herstel" in text and "Kim Jansen" in text and f"/request/{token}" in text
    assert "14:00" in text  # the time as the clock on the wall shows it
    smtp_server.clear()

    series_id = await proposals.accept(token, proposal_id)
    assert await proposals.accept(token, proposal_id) == series_id  # a double click
    series = await Series.select().where(Series.id == series_id).first()
    assert series is not None
    assert series["published"] is False and series["kind"] == "guest_lesson"
    assert series["organisation"] == org
    [made] = await EventDate.select().where(EventDate.series == series_id)
    tz = series["timezone"]
    assert made["local_start"] == proposal.local_start
    assert made["starts_at"] == wallclock.to_utc(proposal.local_start, tz)
    assert await Speaker.select(Speaker.name).where(Speaker.series == series_id) == [
        {"name": "Kim Jansen"}
    ]
    people = await Registration.select(Registration.status).where(
        Registration.event_date == made["id"]
    )
    assert [p["status"] for p in people] == ["confirmed", "confirmed"]
    request = await ExpertRequest.select().where(ExpertRequest.id == request_id).first()
    assert request is not None
    assert request["status"] == "accepted" and request["series"] == series_id

    await drain(mail_settings)
    by_address = {r.rcpt_tos[0]: r.message for r in smtp_server.received}
    assert set(by_address) == {REQUESTER_EMAIL, "kim@example.org", ORGANISATION_ADDRESS}
    assert REQUESTER_NAME in _text(by_address[ORGANISATION_ADDRESS])
    for address in (REQUESTER_EMAIL, "kim@example.org"):
        message = by_address[address]
        assert "Gastles herstel" in str(message["Subject"])
        assert "METHOD:REQUEST" in _calendar(message)
    smtp_server.clear()

    # A change of the date reaches both, as for anyone registered.
    later = (proposal.local_start + timedelta(days=1)).isoformat(timespec="minutes")
    await series_dates.move(organiser.actor, made["id"], later, None)
    await drain(mail_settings)
    moved = {r.rcpt_tos[0] for r in smtp_server.received}
    assert {REQUESTER_EMAIL, "kim@example.org"} <= moved
    smtp_server.clear()

    # So does a cancellation: the invitation is taken out of both calendars.
    await series_dates.call_off(organiser.actor, made["id"], "cancelled", "De school is dicht.")
    await drain(mail_settings)
    cancelled = {r.rcpt_tos[0]: r.message for r in smtp_server.received}
    for address in (REQUESTER_EMAIL, "kim@example.org"):
        assert "METHOD:CANCEL" in _calendar(cancelled[address])

    shared = await history.entries(request_id, shared_only=True)
    assert [e.action for e in shared] == ["proposed", "proposal_accepted"]


async def test_a_public_proposal_is_in_the_agenda_and_open_for_registration() -> None:
    organiser = await make_organiser()
    request_id, token = await make_request(organiser.organisation_id)
    proposal_id = await proposals.propose(
        organiser.actor, request_id, _form(public=True), expert_id=None
    )
    series_id = await proposals.accept(token, proposal_id)
    series = await Series.select().where(Series.id == series_id).first()
    assert series is not None
    assert series["published"] is True and series["registration_mode"] == "required"


async def test_a_new_proposal_replaces_the_open_one_and_a_declined_one_talks_on() -> None:
    organiser = await make_organiser()
    request_id, token = await make_request(organiser.organisation_id)
    first = await proposals.propose(organiser.actor, request_id, _form(), expert_id=None)
    second = await proposals.propose(
        organiser.actor, request_id, _form(start_time="10:00"), expert_id=None
    )
    rows = {r["id"]: r["status"] for r in await Proposal.select(Proposal.id, Proposal.status)}
    assert rows == {first: "withdrawn", second: "proposed"}
    with pytest.raises(Conflict):
        await proposals.accept(token, first)
    await proposals.decline(token, second, "Dinsdag kan niet, woensdag wel.")
    request = await ExpertRequest.select().where(ExpertRequest.id == request_id).first()
    assert request is not None and request["status"] == "in_discussion"
    with pytest.raises(Conflict):
        await proposals.accept(token, second)
    declined = await OutboxMail.select(OutboxMail.kind, OutboxMail.to_email).where(
        OutboxMail.kind == "request_proposal_declined"
    )
    assert len(declined) == 1


async def test_nobody_else_proposes_sees_or_accepts() -> None:
    organiser = await make_organiser()
    other = await make_organiser("anderenetwerk", email="ander@example.org")
    request_id, token = await make_request(organiser.organisation_id)
    foreign_expert = await make_expert(other.organisation_id, email="elders@example.org")
    for actor in (other.actor, Actor(account_id=organiser.actor.account_id, email="", name="")):
        with pytest.raises(NotFound):
            await proposals.propose(actor, request_id, _form(), expert_id=None)
        with pytest.raises(NotFound):
            await proposals.for_request(actor, request_id)
    with pytest.raises(DomainError) as refused:
        await proposals.propose(organiser.actor, request_id, _form(), expert_id=foreign_expert)
    assert refused.value.field == "expert_id"
    proposal_id = await proposals.propose(organiser.actor, request_id, _form(), expert_id=None)
    for guess in ("x" * 43, token[:-1] + ("A" if token[-1] != "A" else "B"), ""):
        with pytest.raises(NotFound):
            await proposals.accept(guess, proposal_id)
    other_request, other_token = await make_request(other.organisation_id, email="b@example.org")
    with pytest.raises(NotFound):  # a proposal of another request through this link
        await proposals.accept(other_token, proposal_id)
    assert other_request != request_id


async def test_bad_proposals_are_refused_at_their_fields() -> None:
    organiser = await make_organiser()
    request_id, _token = await make_request(organiser.organisation_id)
    yesterday = (clock.now() - timedelta(days=1)).date().isoformat()
    with pytest.raises(DomainError) as refused:
        await proposals.propose(
            organiser.actor,
            request_id,
            _form(day=yesterday, start_time="25:00", duration_minutes=5, location="", fee="abc",
                  meeting_url="javascript:alert(1)"),
            expert_id=None,
        )  # fmt: skip
    fields = {r.field for r in getattr(refused.value, "refusals", [refused.value])}
    assert {"start_time", "duration_minutes", "location", "fee", "meeting_url"} <= fields


async def test_a_closed_request_takes_no_proposal() -> None:
    organiser = await make_organiser()
    request_id, _token = await make_request(organiser.organisation_id)
    await ExpertRequest.update({ExpertRequest.status: "withdrawn"}).where(
        ExpertRequest.id == request_id
    )
    with pytest.raises(DomainError):
        await proposals.propose(organiser.actor, request_id, _form(), expert_id=None)
