"""The pages of the pool, of asking experts for a request and of the expert's own link: consent
refused at its field, fees typed in euros, asks by mail, the answer, leaving the pool, and the
same 404 for everyone but the organisation's organisers."""

from __future__ import annotations

import re

import httpx

from events_app.requests import links
from events_app.settings import Settings
from events_app.tables import Expert, ExpertAsk, ExpertRequest, OutboxMail, RequestEntry
from tests.factories import (
    REQUESTER_EMAIL,
    REQUESTER_NAME,
    REQUESTER_STREET,
    make_date,
    make_expert,
    make_host,
    make_organisation,
    make_organiser,
    make_request,
    series_of,
)
from tests.helpers.pages import csrf_token, page_login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
EXPERT_LINK = re.compile(r"http://[^\s\"<>]+/expert/([A-Za-z0-9_\-]+)")
EXPERT_FORM = {
    "name": "Bram Beleving",
    "email": "bram@example.org",
    "topics": "psychose, herstel; Psychose",
    "languages": ["nl", "en"],
    "region": "Utrecht",
    "availability": "Niet op maandag",
    "fee": "85,50",
    "consent": "yes",
    "consent_note": "Mondeling op de intervisie",
    "consent_day": "",
    "active": "yes",
    "account": "",
}


async def _post(
    client: httpx.AsyncClient, path: str, data: dict[str, str | list[str]]
) -> httpx.Response:
    token = await csrf_token(client, path if "/asks/" not in path else path.split("/asks/")[0])
    return await client.post(path, data={"_csrf_token": token, **data})


async def test_adding_needs_consent_and_a_fee_in_euros(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    await page_login(client)
    path = f"/organise/{organiser.organisation_id}/experts"
    shown = await client.get(f"{path}?lang=en")
    assert shown.status_code == 200 and "Nobody is in the pool yet." in shown.text
    token = await csrf_token(client, path)
    refused = await client.post(
        f"{path}?lang=en",
        data={"_csrf_token": token, **EXPERT_FORM, "consent": "", "fee": "-5", "email": "x"},
    )
    assert refused.status_code == 400
    assert 'id="error-consent"' in refused.text and "tick the box" in refused.text
    assert 'id="error-fee"' in refused.text and 'id="error-email"' in refused.text
    assert 'value="Bram Beleving"' in refused.text  # the form comes back as typed
    assert await Expert.count() == 0
    added = await client.post(path, data={"_csrf_token": token, **EXPERT_FORM})
    assert added.status_code == 303
    [row] = await Expert.select(Expert.fee_cents, Expert.topics, Expert.consent_note).output(
        load_json=True
    )
    assert row == {
        "fee_cents": 8550,
        "topics": ["psychose", "herstel"],
        "consent_note": "Mondeling op de intervisie",
    }
    listed = await client.get(f"{path}?lang=nl")
    assert "Bram Beleving" in listed.text and "€ 85,50" in listed.text
    filtered = await client.get(f"{path}?topic=werk")
    assert "Bram Beleving" not in filtered.text
    by_language = await client.get(f"{path}?language=nl")
    assert "Bram Beleving" in by_language.text


async def test_changing_and_removing_an_expert(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    expert_id = await make_expert(org)
    await page_login(client)
    path = f"/organise/{org}/experts/{expert_id}"
    shown = await client.get(f"{path}?lang=en")
    assert shown.status_code == 200 and 'value="85,00"' in shown.text
    token = await csrf_token(client, path)
    form = {**EXPERT_FORM, "name": "Esra Ervaring", "email": "esra@example.org", "consent": ""}
    saved = await client.post(path, data={"_csrf_token": token, **form, "fee": "90"})
    assert saved.status_code == 303  # consent was given before: no box needed to change
    assert (await Expert.select(Expert.fee_cents).first()) == {"fee_cents": 9000}
    future = await client.post(
        f"{path}?lang=en", data={"_csrf_token": token, **form, "consent_day": "2999-01-01"}
    )
    assert future.status_code == 400 and 'id="error-consent_day"' in future.text
    asked = await client.post(f"{path}/remove?lang=en", data={"_csrf_token": token})
    assert asked.status_code == 200 and "Yes, remove from the pool" in asked.text
    assert await Expert.count() == 1  # not before the "yes"
    removed = await client.post(f"{path}/remove", data={"_csrf_token": token, "confirm": "yes"})
    assert removed.status_code == 303 and await Expert.count() == 0
    assert (await client.get(path)).status_code == 404


async def test_asking_an_expert_who_answers_on_their_page(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _ = await make_request(org)
    fits = await make_expert(org)
    await make_expert(org, name="Anna Anders", email="anna@example.org", topics=["werk"])
    await page_login(client)
    path = f"/organise/{org}/requests/{request_id}/experts"
    shown = await client.get(f"{path}?lang=en")
    assert shown.status_code == 200
    assert "Herstel en psychose" in shown.text and "fits the topic" in shown.text
    assert shown.text.index("Esra Ervaring") < shown.text.index("Anna Anders")  # best fit first
    token = await csrf_token(client, path)
    none = await client.post(f"{path}?lang=en", data={"_csrf_token": token, "message": "Hoi"})
    assert none.status_code == 400 and 'id="error-experts"' in none.text
    for wrong in (["abc"], ["99999999999"], ["0"], ["7", "8", "9"]):
        refused = await client.post(path, data={"_csrf_token": token, "experts": wrong})
        assert refused.status_code == 400 and 'id="error-experts"' in refused.text, wrong
    asked = await client.post(
        path, data={"_csrf_token": token, "experts": [str(fits)], "message": "Lijkt dit je wat?"}
    )
    assert asked.status_code == 303
    assert await drain(mail_settings) == 1
    text = smtp_server.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Gastles" in text and "Utrecht" in text  # in the expert's language (Dutch)
    found = EXPERT_LINK.search(text)
    assert found is not None
    link = found.group(1)

    client.cookies.clear()  # the expert has no account
    page = await client.get(f"/expert/{link}?lang=en")
    assert page.status_code == 200 and "Herstel en psychose" in page.text
    for private in (REQUESTER_NAME, REQUESTER_EMAIL, REQUESTER_STREET, "Hogeschool Zuid", "3511"):
        assert private not in page.text
    form_token = await csrf_token(client, f"/expert/{link}")
    wrong = await client.post(
        f"/expert/{link}?lang=en", data={"_csrf_token": form_token, "answer": "misschien"}
    )
    assert wrong.status_code == 400 and 'id="error-answer"' in wrong.text
    yes = await client.post(
        f"/expert/{link}", data={"_csrf_token": form_token, "answer": "accept", "note": "Graag!"}
    )
    assert yes.status_code == 303
    assert (await ExpertAsk.select(ExpertAsk.status).first()) == {"status": "accepted"}
    after = await client.get(f"/expert/{link}?lang=en&done=answered")
    assert "You said yes." in after.text and "Change your answer" in after.text
    assert await OutboxMail.count().where(OutboxMail.kind == "expert_answered") == 1

    await page_login(client)
    listed = await client.get(f"{path}?lang=en")
    assert "Said yes" in listed.text and "Graag!" in listed.text
    assert link not in listed.text  # no private link on any page but the expert's own
    [ask] = await ExpertAsk.select(ExpertAsk.id)
    withdraw_token = await csrf_token(client, path)
    withdrawn = await client.post(
        f"{path}/asks/{ask['id']}/withdraw", data={"_csrf_token": withdraw_token}
    )
    assert withdrawn.status_code == 303
    client.cookies.clear()
    closed = await client.get(f"/expert/{link}?lang=en")
    assert "We no longer need you" in closed.text and 'name="answer"' not in closed.text
    actions = [r["action"] for r in await RequestEntry.select(RequestEntry.action)]
    assert actions == ["expert_asked", "expert_accepted", "expert_ask_withdrawn"]


async def test_the_expert_leaves_the_pool_from_their_page(client: httpx.AsyncClient) -> None:
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
    link = links.token_for("expert", row["salt"])
    ask = await client.get(f"/expert/{link}/leave?lang=en")
    assert ask.status_code == 200 and "Yes, remove me from the pool" in ask.text
    token = await csrf_token(client, f"/expert/{link}/leave")
    left = await client.post(f"/expert/{link}/leave?lang=en", data={"_csrf_token": token})
    assert left.status_code == 200 and "your details are deleted" in left.text
    assert await Expert.count() == 0
    assert (await client.get(f"/expert/{link}")).status_code == 404


async def test_guessed_ids_and_tokens_get_the_same_404(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    other_org = await make_organisation("buurtnetwerk", "Buurtnetwerk")
    await make_organiser("buurtnetwerk", "other@example.org")
    request_id, requester_token = await make_request(org)
    foreign_request, _ = await make_request(other_org)
    expert_id = await make_expert(org)
    [date_id] = await make_date(org)
    await make_host(org, await series_of(date_id))
    paths = [
        f"/organise/{org}/experts",
        f"/organise/{org}/experts/{expert_id}",
        f"/organise/{org}/requests/{request_id}/experts",
        f"/organise/{org}/requests/fees",
        f"/organise/{org}/requests/fees.csv?month=2026-12",
        f"/organise/{org}/requests/overview",
    ]
    for email in ("other@example.org", "host@example.org"):
        client.cookies.clear()
        assert (await page_login(client, email=email)).status_code == 303
        for path in paths:
            answer = await client.get(path)
            assert answer.status_code == 404, (email, path)
    client.cookies.clear()
    await page_login(client)
    own = [
        f"/organise/{org}/requests/{foreign_request}/experts",  # another organisation's request
        f"/organise/{other_org}/experts",
        f"/organise/{org}/experts/999999",
        f"/organise/{org}/requests/999999/experts",
    ]
    for path in own:
        assert (await client.get(path)).status_code == 404, path
    client.cookies.clear()
    for path in paths:
        answer = await client.get(path)
        assert answer.status_code == 303 and answer.headers["location"].startswith("/login")
    unknown = await client.get(f"/expert/{'x' * 43}")
    assert unknown.status_code == 404
    # A requester's own token opens no expert's page; nor does any other guess.
    assert (await client.get(f"/expert/{'%00' * 30}")).status_code == 404  # the input guard's
    for token in (requester_token, "short", "a" * 200, "é" * 30):
        answer = await client.get(f"/expert/{token}")
        same = re.sub(r"/expert/[^\"?]*", "", answer.text)
        assert answer.status_code == 404, token
        assert same == re.sub(r"/expert/[^\"?]*", "", unknown.text), token
        assert (await client.get(f"/api/v1/expert-links/{token}")).status_code == 404


async def test_the_demo_has_a_pool_of_experts_with_consent() -> None:
    from events_app.demo.load import load_demo

    assert await load_demo() is True
    rows = await Expert.select(Expert.name, Expert.consent_note, Expert.active, Expert.email)
    assert len(rows) == 4 and all(r["consent_note"] for r in rows)
    assert all(r["email"].endswith("@netwerk.example.org") for r in rows)
    assert [r["active"] for r in rows].count(False) == 1


async def test_an_answer_to_a_closed_request_is_refused_on_the_page(
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
    link = links.token_for("expert", row["salt"])
    token = await csrf_token(client, f"/expert/{link}")
    await ExpertRequest.update({ExpertRequest.status: "withdrawn"}).where(
        ExpertRequest.id == request_id
    )
    late = await client.post(
        f"/expert/{link}?lang=en", data={"_csrf_token": token, "answer": "accept"}
    )
    assert late.status_code == 400 and "no longer open" in late.text
    assert "This request is closed" in late.text and 'name="answer"' not in late.text
    assert (await ExpertAsk.select(ExpertAsk.status).first()) == {"status": "asked"}
