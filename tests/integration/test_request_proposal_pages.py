"""The proposal pages: an organiser proposes from the request's proposal page (every problem
at its field, nothing typed lost), withdraws; the requester's buttons accept and decline; a
host or another organisation's organiser gets the same 404 as a guessed id; the API says the
same and never shows a private link."""

from __future__ import annotations

from datetime import timedelta

import httpx

from events_app import clock
from events_app.accounts import credentials as accounts
from events_app.tables import ExpertRequest, Membership, Proposal, Series
from tests.factories import PASSWORD, make_expert, make_organiser, make_request
from tests.helpers.pages import csrf_token, page_login


def _day() -> str:
    return (clock.now() + timedelta(days=30)).date().isoformat()


async def test_an_organiser_proposes_and_the_requester_accepts(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, token = await make_request(org)
    expert_id = await make_expert(org, name="Kim Jansen", email="kim@example.org", fee_cents=12500)
    assert (await page_login(client)).status_code == 303
    path = f"/organise/{org}/requests/{request_id}/proposal"
    page = await client.get(path + "?lang=en")
    assert page.status_code == 200
    assert "Herstel en psychose" in page.text and "Kim Jansen" in page.text
    assert token not in page.text

    csrf = await csrf_token(client, path)
    bad = await client.post(
        path,
        data={"_csrf_token": csrf, "title": "Gastles", "day": "1999-01-01", "start_time": "9",
              "duration_minutes": "veel", "format": "in_person", "location": "",
              "fee": "tien euro", "note": "Tot dan!", "expert_id": str(expert_id)},
    )  # fmt: skip
    assert bad.status_code == 400
    for field in ("start_time", "duration_minutes"):
        assert f'id="field-{field}"' in bad.text and 'aria-invalid="true"' in bad.text
    assert "Tot dan!" in bad.text  # nothing typed is lost

    sent = await client.post(
        path,
        data={"_csrf_token": csrf, "title": "Gastles herstel", "day": _day(),
              "start_time": "13:30", "duration_minutes": "90", "format": "in_person",
              "location": "Schoolplein 1", "fee": "150,00", "expert_id": str(expert_id)},
    )  # fmt: skip
    assert sent.status_code == 303
    [proposal] = await Proposal.select()
    assert proposal["fee_cents"] == 15000 and proposal["status"] == "proposed"

    # The requester accepts on their own page (any page gives a CSRF token for the form).
    client.cookies.clear()
    csrf = await csrf_token(client, "/login")
    accepted = await client.post(
        f"/request/{token}/proposals/{proposal['id']}/accept", data={"_csrf_token": csrf}
    )
    assert accepted.status_code == 303
    request = await ExpertRequest.select().where(ExpertRequest.id == request_id).first()
    assert request is not None and request["status"] == "accepted"
    series = await Series.select(Series.published).where(Series.id == request["series"]).first()
    assert series == {"published": False}
    wrong = await client.post(
        f"/request/{'x' * 43}/proposals/{proposal['id']}/accept", data={"_csrf_token": csrf}
    )
    assert wrong.status_code == 404

    # The event's page for organisers says where it came from.
    assert (await page_login(client)).status_code == 303
    event = await client.get(f"/organise/series/{request['series']}?lang=en")
    assert "Made from a request" in event.text
    detail = await client.get(f"/organise/{org}/requests/{request_id}?lang=en")
    assert "This request became an event." in detail.text
    assert f'href="/organise/series/{request["series"]}"' in detail.text
    after = await client.get(path + "?lang=en")
    assert "<h1>Proposals</h1>" in after.text and "Send the proposal" not in after.text
    assert f"/organise/{org}/requests/{request_id}" in event.text


async def test_withdraw_and_decline(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, token = await make_request(org)
    assert (await page_login(client)).status_code == 303
    path = f"/organise/{org}/requests/{request_id}/proposal"
    csrf = await csrf_token(client, path)
    form = {"_csrf_token": csrf, "title": "Gastles", "day": _day(), "start_time": "10:00",
            "duration_minutes": "60", "format": "online", "location": ""}  # fmt: skip
    assert (await client.post(path, data=form)).status_code == 303
    [first] = await Proposal.select(Proposal.id)
    withdrawn = await client.post(f"{path}/{first['id']}/withdraw", data={"_csrf_token": csrf})
    assert withdrawn.status_code == 303
    assert (await client.post(path, data=form)).status_code == 303
    second = (await Proposal.select(Proposal.id).order_by(Proposal.id, ascending=False))[0]
    client.cookies.clear()
    csrf = await csrf_token(client, "/login")
    declined = await client.post(
        f"/request/{token}/proposals/{second['id']}/decline",
        data={"_csrf_token": csrf, "answer": "Liever in april."},
    )
    assert declined.status_code == 303
    rows = {r["id"]: (r["status"], r["answer"]) for r in await Proposal.select()}
    assert rows == {first["id"]: ("withdrawn", ""), second["id"]: ("declined", "Liever in april.")}


async def test_only_the_organisations_organisers_see_the_proposal_page(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    request_id, _token = await make_request(org)
    other = await make_organiser("anderenetwerk", email="ander@example.org")
    host_id = await accounts.create_account("host@example.org", "Hanna Host", PASSWORD)
    await Membership.insert(
        Membership(account=host_id, organisation=org, role="host", created_at=clock.now())
    )
    paths = [
        f"/organise/{org}/requests/{request_id}/proposal",
        f"/organise/{other.organisation_id}/requests/{request_id}/proposal",
        f"/organise/{org}/requests/{request_id + 1000}/proposal",
        f"/organise/{org}/requests/99999999999/proposal",
    ]
    for email in ("ander@example.org", "host@example.org"):
        client.cookies.clear()
        assert (await page_login(client, email=email)).status_code == 303
        for path in paths:
            assert (await client.get(path)).status_code == 404, (email, path)
    # the API likewise, with the other organisation's token
    answer = await client.get(f"/api/v1/requests/{request_id}/proposals", headers=other.headers)
    assert answer.status_code == 404
    client.cookies.clear()
    assert (await client.get(paths[0])).status_code in (303, 401)


async def test_the_api_proposes_and_the_requester_accepts_by_link(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    request_id, token = await make_request(organiser.organisation_id)
    made = await client.post(
        f"/api/v1/requests/{request_id}/proposals",
        headers=organiser.headers,
        json={"day": _day(), "start_time": "19:00", "title": "Gastles", "format": "online"},
    )
    assert made.status_code == 201, made.text
    assert token not in made.text
    proposal_id = made.json()["id"]
    bad = await client.post(
        f"/api/v1/requests/{request_id}/proposals",
        headers=organiser.headers,
        json={"day": "2020-01-01", "start_time": "19:00", "title": "Gastles", "fee": "-5"},
    )
    assert bad.status_code == 400 and bad.json()["field"] in ("day", "fee", "location")
    accepted = await client.post(f"/api/v1/request-links/{token}/proposals/{proposal_id}/accept")
    assert accepted.status_code == 200
    series_id = accepted.json()["series_id"]
    again = await client.post(f"/api/v1/request-links/{token}/proposals/{proposal_id}/accept")
    assert again.json() == {"series_id": series_id}
    listed = await client.get(f"/api/v1/requests/{request_id}/proposals", headers=organiser.headers)
    assert [p["status"] for p in listed.json()] == ["accepted"]
    assert listed.json()[0]["series_id"] == series_id
    whole = await client.get(f"/api/v1/requests/{request_id}", headers=organiser.headers)
    assert whole.json()["status"] == "accepted" and whole.json()["series_id"] == series_id
    shared = [e["action"] for e in whole.json()["history"]]
    assert shared[-2:] == ["proposed", "proposal_accepted"]
