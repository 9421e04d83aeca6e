"""Two people change one request at the same moment: the organiser writes while the requester
withdraws.  The request row is locked first, so one of them goes first and the other sees its
outcome: never a message accepted into a request that was already withdrawn."""

from __future__ import annotations

import asyncio

import httpx

from events_app.domain.errors import DomainError
from events_app.requests import inbox, intake, links
from events_app.tables import ExpertRequest, RequestEntry
from tests.factories import make_organiser
from tests.integration.requests_helpers import request_id_of, send_form

DANA = "dana@school.example.org"


async def test_a_message_and_a_withdrawal_at_once_end_consistently(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    for round_ in range(5):
        await send_form(client, contact_email=DANA, topic=f"Ronde {round_}")
        request_id = await request_id_of(DANA)
        salt = (
            await ExpertRequest.select(ExpertRequest.salt)
            .where(ExpertRequest.id == request_id)
            .first()
        )  # the link reaches the requester by mail; the test makes it from the row
        assert salt is not None
        token = links.token_for("request", salt["salt"])
        outcomes = await asyncio.gather(
            inbox.send_message(organiser.actor, request_id, "Gaat het door?"),
            intake.withdraw(token),
            return_exceptions=True,
        )
        for outcome in outcomes:
            assert outcome is None or isinstance(outcome, DomainError), outcome
        entries = await RequestEntry.select(RequestEntry.action).where(
            RequestEntry.request == request_id
        ).order_by(RequestEntry.id)  # fmt: skip
        actions = [e["action"] for e in entries]
        status = (await ExpertRequest.select(ExpertRequest.status).where(
            ExpertRequest.id == request_id
        ).first())["status"]  # type: ignore[index]  # fmt: skip
        assert status == "withdrawn" and actions[-1] == "withdrawn"
        assert actions in (["sent", "message", "withdrawn"], ["sent", "withdrawn"])
