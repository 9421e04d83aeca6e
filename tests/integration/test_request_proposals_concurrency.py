"""Proposals at the same moment on PostgreSQL: a double click on "accept" makes one event;
accepting racing a withdrawal or a new proposal ends in one consistent state; two organisers
proposing at once leave one open proposal.

SQLite lets one writer in at a time, so these races only exist on PostgreSQL.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest

from events_app import clock
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.proposals import ProposalForm
from events_app.requests import proposals
from events_app.tables import ExpertRequest, Proposal, Registration, Series
from tests.conftest import ENGINE
from tests.factories import make_expert, make_organiser, make_request

pytestmark = pytest.mark.skipif(
    ENGINE != "postgres",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): run with EVENTS_TEST_DATABASE=postgres",
)


def _form(hour: int = 14) -> ProposalForm:
    day = (clock.now() + timedelta(days=15)).date().isoformat()
    return ProposalForm(
        day=day, start_time=f"{hour}:00", duration_minutes=90, format="online", title="Gastles"
    )


async def test_accepting_twice_at_once_makes_one_event() -> None:
    organiser = await make_organiser()
    request_id, token = await make_request(organiser.organisation_id)
    expert = await make_expert(
        organiser.organisation_id, name="Kim Jansen", email="kim@example.org"
    )
    proposal_id = await proposals.propose(organiser.actor, request_id, _form(), expert_id=expert)
    made = await asyncio.gather(*(proposals.accept(token, proposal_id) for _ in range(5)))
    assert len(set(made)) == 1
    assert await Series.count() == 1
    assert await Registration.count() == 2  # the requester and the expert, once each


async def test_accept_racing_a_withdrawal_ends_consistent() -> None:
    for _round in range(5):
        organiser = await make_organiser(f"netwerk-{_round}", email=f"o{_round}@example.org")
        request_id, token = await make_request(
            organiser.organisation_id, email=f"s{_round}@example.org"
        )
        proposal_id = await proposals.propose(organiser.actor, request_id, _form(), expert_id=None)
        results = await asyncio.gather(
            proposals.accept(token, proposal_id),
            proposals.withdraw(organiser.actor, request_id, proposal_id),
            return_exceptions=True,
        )
        accepted, withdrawn = results
        request = await ExpertRequest.select().where(ExpertRequest.id == request_id).first()
        proposal = await Proposal.select().where(Proposal.id == proposal_id).first()
        assert request is not None and proposal is not None
        if isinstance(accepted, int):
            assert isinstance(withdrawn, DomainError)
            assert request["status"] == "accepted" and proposal["status"] == "accepted"
            assert request["series"] == accepted == proposal["series"]
        else:
            assert isinstance(accepted, Conflict) and withdrawn is None
            assert request["status"] == "in_discussion" and proposal["status"] == "withdrawn"
            assert request["series"] is None


async def test_two_proposals_at_once_leave_one_open() -> None:
    organiser = await make_organiser()
    request_id, _token = await make_request(organiser.organisation_id)
    await asyncio.gather(
        *(
            proposals.propose(organiser.actor, request_id, _form(hour), expert_id=None)
            for hour in (9, 10, 11, 12)
        )
    )
    statuses = [r["status"] for r in await Proposal.select(Proposal.status)]
    assert sorted(statuses) == ["proposed", "withdrawn", "withdrawn", "withdrawn"]
