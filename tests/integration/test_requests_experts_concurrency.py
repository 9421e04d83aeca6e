"""Asking experts at the same moment on PostgreSQL: asks sent at once for one request never
leave more than three open (the request row is locked first), and one expert answering twice at
once tells the organisation once.

SQLite lets one writer in at a time, so these races only exist on PostgreSQL.
"""

from __future__ import annotations

import asyncio

import httpx
import pytest

from events_app.requests import links
from events_app.tables import ExpertAsk, OutboxMail
from tests.conftest import ENGINE
from tests.factories import make_expert, make_organiser, make_request

pytestmark = pytest.mark.skipif(
    ENGINE != "postgres",
    reason="SQLite serialises writers (BEGIN IMMEDIATE): run with EVENTS_TEST_DATABASE=postgres",
)


async def test_asks_at_once_never_open_more_than_three(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    ids = [await make_expert(org, name=f"Expert {n}", email=f"e{n}@example.org") for n in range(6)]
    for round_ in range(3):
        request_id, _ = await make_request(org, topic=f"Ronde {round_}")
        answers = await asyncio.gather(
            *(
                client.post(
                    f"/api/v1/requests/{request_id}/asks",
                    json={"expert_ids": [expert_id]},
                    headers=organiser.headers,
                )
                for expert_id in ids
            )
        )
        assert sorted(a.status_code for a in answers) == [201, 201, 201, 400, 400, 400]
        assert await ExpertAsk.count().where(ExpertAsk.request == request_id) == 3
        assert await OutboxMail.count().where(OutboxMail.kind == "expert_ask") == 3 * (round_ + 1)


async def test_two_answers_at_once_tell_the_organisation_once(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _ = await make_request(org)
    expert_id = await make_expert(org)
    await client.post(
        f"/api/v1/requests/{request_id}/asks",
        json={"expert_ids": [expert_id]},
        headers=organiser.headers,
    )
    [row] = await ExpertAsk.select(ExpertAsk.salt)
    token = links.token_for("expert", row["salt"])
    answers = await asyncio.gather(
        *(
            client.post(f"/api/v1/expert-links/{token}/answer", json={"answer": choice})
            for choice in ("accept", "decline", "accept", "decline")
        )
    )
    assert [a.status_code for a in answers] == [200, 200, 200, 200]
    assert await OutboxMail.count().where(OutboxMail.kind == "expert_answered") == 1
