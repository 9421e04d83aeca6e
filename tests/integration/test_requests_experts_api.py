"""The pool of experts and asking them, through the JSON API: consent, fees in cents, filters,
asks with their mails (what is asked, never who asked), the expert's answer by their link,
leaving the pool, and the same 404 for everyone who is not an organiser of the organisation."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.requests import links
from events_app.settings import Settings
from events_app.tables import Expert, ExpertAsk, ExpertRequest, OutboxMail, Proposal, RequestEntry
from tests.factories import (
    REQUESTER_EMAIL,
    REQUESTER_NAME,
    REQUESTER_STREET,
    make_booking,
    make_date,
    make_expert,
    make_host,
    make_organisation,
    make_organiser,
    make_request,
    series_of,
)
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
EXPERT_LINK = re.compile(r"http://[^\s\"<>]+/expert/([A-Za-z0-9_\-]+)")
NEW_EXPERT = {
    "name": "Bram Beleving",
    "email": "Bram@Example.org",
    "consent": True,
    "consent_note": "Per mail, 3 december",
    "topics": ["suïcidaliteit", "naasten"],
    "languages": ["nl"],
    "fee_cents": 8550,
}


async def test_pool_needs_consent_keeps_fees_in_cents_and_filters(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    base = f"/api/v1/organisations/{org}/experts"
    refused = await client.post(
        base, json={**NEW_EXPERT, "consent": False}, headers=organiser.headers
    )
    assert refused.status_code == 400 and refused.json()["field"] == "consent"
    negative = await client.post(
        base, json={**NEW_EXPERT, "fee_cents": -1}, headers=organiser.headers
    )
    assert negative.status_code == 400
    added = await client.post(base, json=NEW_EXPERT, headers=organiser.headers)
    assert added.status_code == 201, added.text
    body = added.json()
    assert body["email"] == "bram@example.org" and body["fee_cents"] == 8550
    again = await client.post(base, json=NEW_EXPERT, headers=organiser.headers)
    assert again.status_code == 400 and again.json()["code"] == "expert_exists"
    await make_expert(
        org, name="Anna Anders", email="anna@example.org", topics=["werk"], languages=["en"]
    )

    everyone = await client.get(base, headers=organiser.headers)
    assert [e["name"] for e in everyone.json()] == ["Anna Anders", "Bram Beleving"]
    by_topic = await client.get(f"{base}?topic=SUÏCID", headers=organiser.headers)
    assert [e["name"] for e in by_topic.json()] == ["Bram Beleving"]
    by_language = await client.get(f"{base}?language=en", headers=organiser.headers)
    assert [e["name"] for e in by_language.json()] == ["Anna Anders"]
    assert (await client.get(f"{base}?language=xx", headers=organiser.headers)).status_code == 400

    path = f"/api/v1/experts/{body['id']}"
    changed = await client.patch(
        path, json={"fee_cents": 9000, "active": False}, headers=organiser.headers
    )
    assert changed.status_code == 200 and changed.json()["fee_cents"] == 9000
    assert changed.json()["active"] is False and changed.json()["name"] == "Bram Beleving"
    wrong = await client.patch(path, json={"languages": []}, headers=organiser.headers)
    assert wrong.status_code == 400
    unknown_field = await client.patch(path, json={"organisation": 2}, headers=organiser.headers)
    assert unknown_field.status_code == 400
    assert (await client.delete(path, headers=organiser.headers)).status_code == 204
    assert await Expert.count().where(Expert.id == body["id"]) == 0


async def test_an_account_can_be_linked_only_when_it_is_a_member(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    other = await make_organiser("buurtnetwerk", "other@example.org")
    base = f"/api/v1/organisations/{organiser.organisation_id}/experts"
    foreign = await client.post(
        base, json={**NEW_EXPERT, "account_id": other.actor.account_id}, headers=organiser.headers
    )
    assert foreign.status_code == 400 and foreign.json()["field"] == "account_id"
    own = await client.post(
        base,
        json={**NEW_EXPERT, "account_id": organiser.actor.account_id},
        headers=organiser.headers,
    )
    assert own.status_code == 201 and own.json()["account_id"] == organiser.actor.account_id


async def test_asking_mails_what_is_asked_and_the_expert_answers_by_link(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _ = await make_request(org)
    fits = await make_expert(org)
    other = await make_expert(org, name="Anna Anders", email="anna@example.org", topics=["werk"])
    asks = f"/api/v1/requests/{request_id}/asks"
    asked = await client.post(
        asks, json={"expert_ids": [fits], "message": "Lijkt dit je wat?"}, headers=organiser.headers
    )
    assert asked.status_code == 201, asked.text
    [ask] = asked.json()
    assert ask["status"] == "asked" and ask["expert_name"] == "Esra Ervaring"
    assert "expert/" not in asked.text  # no private link in any answer
    twice = await client.post(asks, json={"expert_ids": [fits]}, headers=organiser.headers)
    assert twice.status_code == 400 and twice.json()["code"] == "expert_asked_already"

    assert await drain(mail_settings) == 1
    [mail] = smtp_server.messages
    text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Herstel en psychose" in text and "Utrecht" in text and "Lijkt dit je wat?" in text
    for private in (REQUESTER_NAME, REQUESTER_EMAIL, REQUESTER_STREET, "3511"):
        assert private not in mail.as_string()
    found = EXPERT_LINK.search(text)
    assert found is not None
    token = found.group(1)
    assert token not in str(await ExpertAsk.select())

    shown = await client.get(f"/api/v1/expert-links/{token}")
    assert shown.status_code == 200
    assert shown.json()["asked"]["town"] == "Utrecht" and shown.json()["can_answer"] is True
    for private in (REQUESTER_NAME, REQUESTER_EMAIL, REQUESTER_STREET, "Hogeschool Zuid"):
        assert private not in shown.text
    bad = await client.post(f"/api/v1/expert-links/{token}/answer", json={"answer": "maybe"})
    assert bad.status_code == 400
    yes = await client.post(
        f"/api/v1/expert-links/{token}/answer", json={"answer": "accept", "note": "Graag!"}
    )
    assert yes.status_code == 200 and yes.json()["status"] == "accepted"
    no = await client.post(f"/api/v1/expert-links/{token}/answer", json={"answer": "decline"})
    assert no.status_code == 200 and no.json()["status"] == "declined"
    # Two answers within the hour: one mail to the organisation's contact address.
    answered = await OutboxMail.select(OutboxMail.to_email).where(
        OutboxMail.kind == "expert_answered"
    )
    assert answered == [{"to_email": "info@stadsnetwerk.example.org"}]
    assert await drain(mail_settings) == 1
    told = smtp_server.messages[-1]
    assert told["To"] == "info@stadsnetwerk.example.org"
    told_text = told.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Esra Ervaring" in told_text and f"/requests/{request_id}/experts" in told_text

    listed = await client.get(asks, headers=organiser.headers)
    [state] = listed.json()
    assert state["status"] == "declined" and state["answered_at"] is not None
    actions = [r["action"] for r in await RequestEntry.select(RequestEntry.action)]
    assert actions == ["expert_asked", "expert_accepted", "expert_declined"]
    assert await RequestEntry.count().where(RequestEntry.shared.eq(True)) == 0
    mail_log = await client.get(f"/api/v1/organisations/{org}/mails", headers=organiser.headers)
    assert mail_log.status_code == 200 and token not in mail_log.text
    assert "/expert/" not in mail_log.text and "/expert/" not in listed.text

    withdrawn = await client.post(f"/api/v1/asks/{state['id']}/withdraw", headers=organiser.headers)
    assert withdrawn.status_code == 400  # declined: nothing open to withdraw
    second = await client.post(asks, json={"expert_ids": [other]}, headers=organiser.headers)
    ask_id = next(a["id"] for a in second.json() if a["expert_id"] == other)
    gone = await client.post(f"/api/v1/asks/{ask_id}/withdraw", headers=organiser.headers)
    assert gone.status_code == 201 and gone.json()["status"] == "withdrawn"
    assert await OutboxMail.count().where(OutboxMail.kind == "expert_ask_withdrawn") == 1
    assert (await client.get(f"/api/v1/expert-links/{'x' * 43}")).status_code == 404


async def test_at_most_three_open_asks_and_only_active_experts_of_the_pool(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _ = await make_request(org)
    ids = [await make_expert(org, name=f"Expert {n}", email=f"e{n}@example.org") for n in range(4)]
    sleeping = await make_expert(org, name="Slaper", email="slaper@example.org", active=False)
    other_org = await make_organisation("buurtnetwerk", "Buurtnetwerk")
    foreign = await make_expert(other_org, email="ver@example.org")
    asks = f"/api/v1/requests/{request_id}/asks"
    for refused in ([sleeping], [foreign], ids[:3], []):
        answer = await client.post(asks, json={"expert_ids": refused}, headers=organiser.headers)
        assert answer.status_code == 400, refused
    assert (
        await client.post(asks, json={"expert_ids": ids[:2]}, headers=organiser.headers)
    ).status_code == 201
    assert (
        await client.post(asks, json={"expert_ids": ids[2:3]}, headers=organiser.headers)
    ).status_code == 201
    fourth = await client.post(asks, json={"expert_ids": ids[3:]}, headers=organiser.headers)
    assert fourth.status_code == 400 and fourth.json()["code"] == "too_many_asks"
    closed_id, _ = await make_request(org, status="withdrawn")
    closed = await client.post(
        f"/api/v1/requests/{closed_id}/asks",
        json={"expert_ids": ids[3:]},
        headers=organiser.headers,
    )
    assert closed.status_code == 400 and closed.json()["code"] == "request_closed"


async def test_leaving_the_pool_deletes_the_entry_and_proposals_keep_the_name(
    client: httpx.AsyncClient,
) -> None:
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
    local = (clock.now() + timedelta(days=20)).replace(tzinfo=None, microsecond=0)
    await make_booking(
        org, request_id, expert_id=expert_id, expert_name="Esra Ervaring", fee_cents=8500,
        local_starts=[local],
    )  # fmt: skip
    left = await client.post(f"/api/v1/expert-links/{token}/leave")
    assert left.status_code == 200
    assert await Expert.count() == 0 and await ExpertAsk.count() == 0
    assert await OutboxMail.count().where(OutboxMail.kind == "expert_ask") == 0  # unsent: gone
    [proposal] = await Proposal.select(Proposal.expert, Proposal.expert_name)
    assert proposal == {"expert": None, "expert_name": "Esra Ervaring"}
    assert (await client.get(f"/api/v1/expert-links/{token}")).status_code == 404
    actions = [r["action"] for r in await RequestEntry.select(RequestEntry.action)]
    assert actions == ["expert_asked", "expert_left_pool"]


async def test_nobody_but_the_organisations_organisers_sees_the_pool_or_the_asks(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    stranger = await make_organiser("buurtnetwerk", "other@example.org")
    request_id, _ = await make_request(org)
    expert_id = await make_expert(org)
    asked = await client.post(
        f"/api/v1/requests/{request_id}/asks",
        json={"expert_ids": [expert_id]},
        headers=organiser.headers,
    )
    ask_id = asked.json()[0]["id"]
    [date_id] = await make_date(org)
    host_id = await make_host(org, await series_of(date_id))
    host_actor = await accounts.actor_for_account(host_id)
    assert host_actor is not None
    _, host_token = await accounts.create_api_token(host_actor, "tests")
    host_headers = {"Authorization": f"Bearer {host_token}"}
    paths = [
        ("GET", f"/api/v1/organisations/{org}/experts", None),
        ("POST", f"/api/v1/organisations/{org}/experts", NEW_EXPERT),
        ("GET", f"/api/v1/experts/{expert_id}", None),
        ("PATCH", f"/api/v1/experts/{expert_id}", {"name": "X"}),
        ("DELETE", f"/api/v1/experts/{expert_id}", None),
        ("GET", f"/api/v1/requests/{request_id}/asks", None),
        ("POST", f"/api/v1/requests/{request_id}/asks", {"expert_ids": [expert_id]}),
        ("POST", f"/api/v1/asks/{ask_id}/withdraw", None),
        ("GET", f"/api/v1/organisations/{org}/fees?month=2026-12", None),
        ("GET", f"/api/v1/organisations/{org}/fees.csv?month=2026-12", None),
        ("GET", f"/api/v1/organisations/{org}/requests/overview", None),
    ]
    guessed = [
        ("GET", "/api/v1/experts/999999", None),
        ("GET", "/api/v1/requests/999999/asks", None),
        ("POST", "/api/v1/asks/999999/withdraw", None),
    ]
    for who in (stranger.headers, host_headers):
        for method, path, body in paths + guessed:
            answer = await client.request(method, path, json=body, headers=who)
            assert answer.status_code == 404, (method, path, answer.status_code)
            assert answer.json()["code"] == "not_found"
    client.cookies.clear()
    for method, path, body in paths:
        answer = await client.request(method, path, json=body)
        assert answer.status_code == 401, (method, path)
    assert await Expert.count() == 1 and await ExpertAsk.count() == 1


async def test_an_answer_needs_an_open_request_and_an_ask_not_withdrawn(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _ = await make_request(org)
    expert_id = await make_expert(org)
    asked = await client.post(
        f"/api/v1/requests/{request_id}/asks",
        json={"expert_ids": [expert_id]},
        headers=organiser.headers,
    )
    [row] = await ExpertAsk.select(ExpertAsk.salt)
    token = links.token_for("expert", row["salt"])
    answer = f"/api/v1/expert-links/{token}/answer"
    assert (await client.post(answer, json={"answer": "accept", "x": 1})).status_code == 400
    assert (
        await client.post(answer, json={"answer": "accept", "note": "x" * 5001})
    ).status_code == 400
    await ExpertRequest.update({ExpertRequest.status: "done"}).where(ExpertRequest.id == request_id)
    closed = await client.post(answer, json={"answer": "accept"})
    assert closed.status_code == 400 and closed.json()["code"] == "ask_closed"
    assert (await client.get(f"/api/v1/expert-links/{token}")).json()["can_answer"] is False
    await ExpertRequest.update({ExpertRequest.status: "in_discussion"}).where(
        ExpertRequest.id == request_id
    )
    ask_id = asked.json()[0]["id"]
    assert (
        await client.post(f"/api/v1/asks/{ask_id}/withdraw", headers=organiser.headers)
    ).status_code == 201
    withdrawn = await client.post(answer, json={"answer": "accept"})
    assert withdrawn.status_code == 400 and withdrawn.json()["code"] == "ask_closed"
    # Asked again after the withdrawal: a new link; the old one no longer opens anything.
    again = await client.post(
        f"/api/v1/requests/{request_id}/asks",
        json={"expert_ids": [expert_id]},
        headers=organiser.headers,
    )
    assert again.status_code == 201 and again.json()[0]["status"] == "asked"
    assert (await client.get(f"/api/v1/expert-links/{token}")).status_code == 404
    future = await client.patch(
        f"/api/v1/experts/{expert_id}",
        json={"consent_at": "2999-01-01T10:00:00Z"},
        headers=organiser.headers,
    )
    assert future.status_code == 400 and future.json()["field"] == "consent_at"
    naive = await client.patch(
        f"/api/v1/experts/{expert_id}",
        json={"consent_at": "2026-01-01T10:00:00"},
        headers=organiser.headers,
    )
    assert naive.status_code == 400


async def test_the_three_mails_of_asking_in_dutch_and_english(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _ = await make_request(org, format="online")
    dutch = await make_expert(org, languages=["nl"])
    english = await make_expert(org, name="Alex Abroad", email="alex@example.org", languages=["en"])
    asked = await client.post(
        f"/api/v1/requests/{request_id}/asks",
        json={"expert_ids": [dutch, english]},
        headers=organiser.headers,
    )
    english_ask = next(a["id"] for a in asked.json() if a["expert_id"] == english)
    await client.post(f"/api/v1/asks/{english_ask}/withdraw", headers=organiser.headers)
    salt = await ExpertAsk.select(ExpertAsk.salt).where(ExpertAsk.expert == dutch).first()
    assert salt is not None
    token = links.token_for("expert", salt["salt"])
    await client.post(f"/api/v1/expert-links/{token}/answer", json={"answer": "decline"})
    assert await drain(mail_settings) == 4
    by_subject = {m["Subject"]: m for m in smtp_server.messages}
    topic = "Herstel en psychose"
    expected = {
        f"Kun jij dit geven? Gastles: {topic}": ("esra@example.org", "Online", True),
        f"Can you give this? Guest lesson: {topic}": ("alex@example.org", "Online", True),
        f"No longer needed: Guest lesson: {topic}": ("alex@example.org", "Online", False),
        f"Esra Ervaring heeft geantwoord: Gastles: {topic}": (
            "info@stadsnetwerk.example.org", "kan dit niet geven", True,
        ),
    }  # fmt: skip
    assert set(by_subject) == set(expected)
    for subject, (to, words, has_link) in expected.items():
        mail = by_subject[subject]
        assert to in mail["To"]
        text = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
        html = mail.get_body(("html",)).get_content()  # type: ignore[union-attr]
        assert words in text and words in html, subject
        assert ("http://" in text) is has_link, subject
        assert "Utrecht" not in text  # online: no town at all
