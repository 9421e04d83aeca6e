"""The requester's side of a request: the public form (same answer for every address, no link
in any answer, every problem at its field), the mails and their limits, the private page
(messages, withdrawing), its JSON API, and retention."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest

from events_app import clock
from events_app.registration import retention
from events_app.settings import Settings
from events_app.tables import ExpertRequest, Organisation, OutboxMail, RequestEntry
from tests.factories import make_date, make_organisation, series_of
from tests.helpers.pages import csrf_token
from tests.integration.requests_helpers import (
    form,
    link_in,
    request_id_of,
    send_form,
    strip_csrf,
    token_of_mail,
)
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
DANA = "dana@school.example.org"


async def test_the_form_is_linked_from_the_organisation_page_and_unknown_ones_are_404(
    client: httpx.AsyncClient,
) -> None:
    await make_organisation()
    org_page = await client.get("/organisations/stadsnetwerk?lang=en")
    assert 'href="/organisations/stadsnetwerk/request"' in org_page.text
    shown = await client.get("/organisations/stadsnetwerk/request?lang=nl")
    assert shown.status_code == 200 and "Gastles" in shown.text and 'type="date"' in shown.text
    assert (await client.get("/organisations/bestaat-niet/request")).status_code == 404
    api = await client.post("/api/v1/organisations/bestaat-niet/requests", json=_api_body())
    assert api.status_code == 404


async def test_same_answer_for_every_address_and_the_link_only_by_mail(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    await make_organisation()
    first = await send_form(client, language="en")
    assert first.status_code == 200 and "Check your e-mail" in first.text
    again = await send_form(client, language="en")  # the same address again
    other = await send_form(client, language="en", contact_email="nieuw@example.org")
    assert strip_csrf(first.text) == strip_csrf(again.text) == strip_csrf(other.text)
    assert "/request/" not in first.text
    assert await drain(mail_settings) == 4  # three confirmations, one notice to the organisation
    mine = [m for m in smtp_server.messages if DANA in m["To"]]
    assert len(mine) == 2
    token = token_of_mail(mine[0])
    assert token not in str(await ExpertRequest.select())  # only its hash is kept
    assert token not in str(await OutboxMail.select(OutboxMail.id, OutboxMail.kind))
    text = mine[0].get_body(("plain",)).get_content()
    assert "Leven met psychose" in text and "Guest lesson" in text and "Hello Dana Docent" in text
    [notice] = [m for m in smtp_server.messages if m["To"] == "info@stadsnetwerk.example.org"]
    notice_text = notice.get_body(("plain",)).get_content()
    assert "/organise/" in notice_text and "/requests" in notice_text
    assert "/request/" not in notice_text.replace("/requests", "")

    page = await client.get(f"/request/{token}?lang=en")
    assert page.status_code == 200 and page.headers["cache-control"] == "no-store"
    assert "Leven met psychose" in page.text and "New" in page.text
    assert "Request sent" in page.text and 'name="robots" content="noindex' in page.text
    api = await client.get(f"/api/v1/request-links/{token}")
    assert api.status_code == 200 and api.json()["status"] == "new"
    assert token not in api.text and "token" not in api.text and "salt" not in api.text


async def test_every_problem_at_its_field_and_nothing_typed_lost(client: httpx.AsyncClient) -> None:
    await make_organisation()
    sent = await send_form(
        client,
        language="en",
        kind="cooking",
        topic="",
        people="veel",
        preferred_days=["2020-01-01", "morgen"],
        format="in_person",
        address="",
        contact_email="geen adres",
        notes="Mijn eigen woorden blijven staan",
        audience="Studenten <b>sociaal werk</b>",
    )
    assert sent.status_code == 400
    for field in ("kind", "topic", "people", "preferred_days", "address", "contact_email"):
        assert f'id="error-{field}"' in sent.text, field
    assert "Mijn eigen woorden blijven staan" in sent.text
    assert "Studenten &lt;b&gt;sociaal werk&lt;/b&gt;" in sent.text  # kept, escaped
    assert 'value="veel"' in sent.text and 'value="morgen"' in sent.text
    assert await ExpertRequest.count() == 0 and await OutboxMail.count() == 0
    dutch = await send_form(client, contact_email="", topic="")
    assert "Vul je e-mailadres in" in dutch.text and "Zeg waar het over moet gaan" in dutch.text
    long = await send_form(client, topic="x" * 201, notes="y" * 5001)
    assert long.status_code == 400 and 'id="error-topic"' in long.text
    assert 'id="error-notes"' in long.text
    none_when = await send_form(client, preferred_days=["", ""], period="", language="en")
    assert none_when.status_code == 400 and 'id="error-preferred_days"' in none_when.text
    period_only = await send_form(client, preferred_days=[], period="maart of april")
    assert period_only.status_code == 200


async def test_a_burst_of_twenty_requests_from_one_address_is_at_most_the_daily_limit(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    await make_organisation()
    start = clock.now()
    with clock.frozen(start):
        answers = {strip_csrf((await send_form(client)).text) for _ in range(10)}
        for _ in range(10):
            api = await client.post("/api/v1/organisations/stadsnetwerk/requests", json=_api_body())
            assert api.status_code == 202 and api.json() == {"status": "check_your_mailbox"}
        assert len(answers) == 1
        assert await ExpertRequest.count() == 20
        await drain(mail_settings)
        to_dana = [m for m in smtp_server.messages if DANA in m["To"]]
        assert 1 <= len(to_dana) <= 3
        to_org = [m for m in smtp_server.messages if "stadsnetwerk" in m["To"]]
        assert len(to_org) == 1  # one notice an hour per organisation
        assert to_dana[0]["Subject"] == "We hebben je aanvraag ontvangen: Leven met psychose"
        dutch = to_dana[0].get_body(("plain",)).get_content()
        assert "Hallo Dana Docent" in dutch and "Wat: Gastles" in dutch
    with clock.frozen(start + timedelta(days=1, minutes=1)):
        assert (await send_form(client)).status_code == 200
        await drain(mail_settings)
    assert len([m for m in smtp_server.messages if DANA in m["To"]]) == len(to_dana) + 1


async def test_the_api_refuses_bad_input_with_a_clear_4xx(client: httpx.AsyncClient) -> None:
    await make_organisation()
    url = "/api/v1/organisations/stadsnetwerk/requests"
    for body in (
        _api_body(kind="cooking"),
        _api_body(people=0),
        _api_body(people="twintig"),
        _api_body(preferred_days=["2026-13-45"]),
        _api_body(preferred_days=["2030-01-01"] * 4),
        _api_body(contact_email="niet-een-adres"),
        _api_body(topic=""),
        _api_body(secret="x"),
        _api_body(topic="x" * 201),
    ):
        answer = await client.post(url, json=body)
        assert answer.status_code == 400, (body, answer.text)
        assert "/request/" not in answer.text
    assert await ExpertRequest.count() == 0


async def test_private_page_messages_notify_once_an_hour_and_withdrawing_closes(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    await make_organisation()
    await send_form(client)
    await drain(mail_settings)
    token = token_of_mail(smtp_server.messages[0])
    page_token = await csrf_token(client, f"/request/{token}")
    for words in ("Kan het ook op dinsdag?", "En mag het online?"):
        sent = await client.post(
            f"/request/{token}/messages", data={"_csrf_token": page_token, "message": words}
        )
        assert sent.status_code == 303
    empty = await client.post(
        f"/request/{token}/messages", data={"_csrf_token": page_token, "message": "  "}
    )
    assert empty.status_code == 400 and 'id="error-message"' in empty.text
    await drain(mail_settings)
    replies = [m for m in smtp_server.messages if "Nieuws over een aanvraag" in m["Subject"]]
    assert len(replies) == 1
    shown = await client.get(f"/request/{token}")
    assert "Kan het ook op dinsdag?" in shown.text and "En mag het online?" in shown.text

    confirm = await client.get(f"/request/{token}/withdraw?lang=en")
    assert confirm.status_code == 200 and "Yes, withdraw my request" in confirm.text
    assert await ExpertRequest.count().where(ExpertRequest.status == "withdrawn") == 0
    done = await client.post(f"/request/{token}/withdraw", data={"_csrf_token": page_token})
    assert done.status_code == 303
    row = await ExpertRequest.select().first()
    assert row is not None and row["status"] == "withdrawn" and row["closed_at"] is not None
    twice = await client.post(f"/request/{token}/withdraw", data={"_csrf_token": page_token})
    assert twice.status_code == 409
    closed = await client.post(f"/api/v1/request-links/{token}/messages", json={"message": "Hoi"})
    assert closed.status_code == 400 and closed.json()["code"] == "request_closed"


async def test_the_link_api_writes_and_withdraws(client: httpx.AsyncClient) -> None:
    await make_organisation()
    await send_form(client)
    [row] = await OutboxMail.select(OutboxMail.context).where(
        OutboxMail.kind == "request_received"
    ).output(load_json=True)  # fmt: skip
    token = link_in(row["context"]["link"])
    base = f"/api/v1/request-links/{token}"
    wrote = await client.post(f"{base}/messages", json={"message": "Nog een vraag"})
    assert wrote.status_code == 200
    history = wrote.json()["history"]
    assert [e["action"] for e in history] == ["sent", "message"]
    assert "organiser" not in history[0] or history[0]["organiser"] is None
    assert (await client.post(f"{base}/messages", json={"message": ""})).status_code == 400
    assert (await client.post(f"{base}/messages", json={"text": "x"})).status_code == 400
    gone = await client.post(f"{base}/withdraw")
    assert gone.status_code == 200 and gone.json()["status"] == "withdrawn"


async def test_email_me_my_link_again_answers_alike_and_mails_only_open_requests(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    await make_organisation()
    await send_form(client, language="en")
    await send_form(client, language="en", topic="Ingetrokken vraag")
    await drain(mail_settings)
    withdrawn = token_of_mail(smtp_server.messages[-1])
    await client.post(f"/api/v1/request-links/{withdrawn}/withdraw")
    smtp_server.clear()
    answers = []
    for email in (DANA, "onbekend@example.org"):
        token = await csrf_token(client, "/request?lang=en")
        answers.append(await client.post("/request", data={"_csrf_token": token, "email": email}))
    assert [a.status_code for a in answers] == [200, 200]
    assert strip_csrf(answers[0].text) == strip_csrf(answers[1].text)
    assert "/request/" not in answers[0].text
    api = [
        await client.post("/api/v1/request-links", json={"email": email})
        for email in (DANA, "onbekend@example.org")
    ]
    assert [a.status_code for a in api] == [202, 202] and api[0].json() == api[1].json()
    await drain(mail_settings)
    to_dana = [m for m in smtp_server.messages if DANA in m["To"]]
    assert len(to_dana) == 2 and len(smtp_server.messages) == 3  # + the withdrawal's notice
    assert all(m["Subject"] == "Your link to your request: Leven met psychose" for m in to_dana)
    again = token_of_mail(to_dana[0])
    assert (await client.get(f"/request/{again}")).status_code == 200
    bad = await client.post("/api/v1/request-links", json={"email": "geen adres"})
    assert bad.status_code == 400
    token = await csrf_token(client, "/request")
    shown = await client.post("/request", data={"_csrf_token": token, "email": "geen adres"})
    assert shown.status_code == 400 and 'id="error-email"' in shown.text


@pytest.mark.parametrize(
    "token", ["x", "A" * 43, "A" * 101, "%00%00%00%00%00%00%00%00%00%00%00%00", "é" * 30]
)
async def test_any_other_link_is_the_same_404(client: httpx.AsyncClient, token: str) -> None:
    await make_organisation()
    await send_form(client)
    answers = [
        await client.get(f"/request/{token}"),
        await client.get(f"/request/{token}/withdraw"),
        await client.get(f"/api/v1/request-links/{token}"),
        await client.post(f"/api/v1/request-links/{token}/withdraw"),
    ]
    assert [a.status_code for a in answers] in ([404] * 4, [400] * 4)


async def test_retention_removes_personal_data_after_closing_or_the_event(
    client: httpx.AsyncClient,
) -> None:
    org = await make_organisation()
    await Organisation.update({Organisation.retention_days: 30}).where(Organisation.id == org)
    start = clock.now()
    with clock.frozen(start):
        for email in ("open@example.org", "ingetrokken@example.org", "geboekt@example.org"):
            await send_form(client, contact_email=email)
        withdrawn = await request_id_of("ingetrokken@example.org")
        booked = await request_id_of("geboekt@example.org")
        [row] = await OutboxMail.select(OutboxMail.context).where(
            OutboxMail.to_email == "ingetrokken@example.org"
        ).output(load_json=True)  # fmt: skip
        token = link_in(row["context"]["link"])
        await client.post(f"/api/v1/request-links/{token}/messages", json={"message": "Geheim"})
        await client.post(f"/api/v1/request-links/{token}/withdraw")
        [date_id] = await make_date(org, starts_in=timedelta(days=10))
        await ExpertRequest.update(
            {ExpertRequest.status: "accepted", ExpertRequest.series: await series_of(date_id)}
        ).where(ExpertRequest.id == booked)
    with clock.frozen(start + timedelta(days=31)):
        await retention.anonymise_expired()
    rows = {r["id"]: r for r in await ExpertRequest.select()}
    assert rows[withdrawn]["contact_email"] == "" and rows[withdrawn]["contact_name"] == ""
    assert rows[withdrawn]["notes"] == "" and rows[withdrawn]["anonymised_at"] is not None
    assert rows[withdrawn]["topic"] == "Leven met psychose"  # kept for the figures
    texts = [
        e["text"] for e in await RequestEntry.select().where(RequestEntry.request == withdrawn)
    ]
    assert "Geheim" not in texts
    assert (await client.get(f"/request/{token}")).status_code == 404
    assert rows[booked]["anonymised_at"] is None  # its event ended only 20 days ago
    assert rows[await request_id_of("open@example.org")]["anonymised_at"] is None
    with clock.frozen(start + timedelta(days=45)):
        await retention.anonymise_expired()
    booked_row = await ExpertRequest.select().where(ExpertRequest.id == booked).first()
    assert booked_row is not None and booked_row["anonymised_at"] is not None


@pytest.fixture
async def limited(database: None) -> AsyncIterator[httpx.AsyncClient]:
    """The whole app with a rate limit of 2 public writes a minute per client."""
    from events_app.app import create_app
    from events_app.settings import load_settings

    settings = load_settings(
        {
            "EVENTS_SECRET_KEY": "x" * 40,
            "EVENTS_REGISTRATION_RATE_LIMIT": "2",
            "EVENTS_RUN_WORKER": "0",
        }
    )
    transport = httpx.ASGITransport(app=create_app(settings))
    async with httpx.AsyncClient(transport=transport, base_url="http://events.test") as client:
        yield client


async def test_the_form_and_the_api_are_rate_limited_like_registrations(
    limited: httpx.AsyncClient,
) -> None:
    await make_organisation()
    page = "/organisations/stadsnetwerk/request"
    api = "/api/v1/organisations/stadsnetwerk/requests"
    start = clock.now()
    with clock.frozen(start):
        tries = [await limited.post(page, data={}) for _ in "ab"]
        assert [t.status_code for t in tries] == [403, 403]  # no CSRF token, but counted
        assert (await limited.post(page, data={})).status_code == 429
        assert (await limited.get(page)).status_code == 200  # looking is never limited
    with clock.frozen(start + timedelta(minutes=2)):
        tries = [await limited.post(api, json=_api_body()) for _ in "ab"]
        assert [t.status_code for t in tries] == [202, 202]
        refused = await limited.post(api, json=_api_body())
        assert refused.status_code == 429 and refused.json()["code"] == "rate_limited"
    assert await ExpertRequest.count() == 2


def _api_body(**overrides: object) -> dict[str, object]:
    values = form()
    body: dict[str, object] = {
        key: values[key]
        for key in (
            "kind", "topic", "audience", "format", "address", "requester_organisation",
            "contact_name", "contact_email", "notes",
        )
    }  # fmt: skip
    body.update(people=28, preferred_days=[values["preferred_days"][0]], language="nl")
    body.update(overrides)
    return body
