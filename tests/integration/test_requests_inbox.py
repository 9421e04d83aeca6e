"""The organisers' side of requests: the inbox (filters, counts), the detail with the history,
writing to the requester, status changes with their mails, and nobody else seeing any of it
(another organisation's organiser, a host of the same one, a guessed id, logged out)."""

from __future__ import annotations

import httpx
import pytest

from events_app.accounts import credentials as accounts
from events_app.settings import Settings
from events_app.tables import ExpertRequest, OutboxMail
from tests.factories import make_date, make_host, make_organiser, series_of
from tests.helpers.pages import csrf_token, page_login
from tests.integration.requests_helpers import request_id_of, send_form, token_of_mail
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]
DANA = "dana@school.example.org"


async def _two_requests(client: httpx.AsyncClient) -> tuple[int, int]:
    await send_form(client, language="en")
    await send_form(
        client, kind="empathy_session", topic="Afhankelijk zijn van zorg", contact_email=DANA
    )
    return await request_id_of(DANA) - 1, await request_id_of(DANA)


async def test_inbox_lists_newest_first_with_counts_and_filters(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    lesson, session = await _two_requests(client)
    await page_login(client)
    organise = await client.get("/organise?lang=en")
    assert f'href="/organise/{organiser.organisation_id}/requests"' in organise.text
    inbox = await client.get(f"/organise/{organiser.organisation_id}/requests?lang=en")
    assert inbox.status_code == 200
    assert inbox.text.index("Afhankelijk zijn van zorg") < inbox.text.index("Leven met psychose")
    assert "New: 2" in inbox.text and "Not yet" in inbox.text
    only = await client.get(
        f"/organise/{organiser.organisation_id}/requests?kind=empathy_session&status=new"
    )
    assert "Afhankelijk zijn van zorg" in only.text and "Leven met psychose" not in only.text
    for bad in ("status=geheim", "kind=%27%3B--", "status=" + "x" * 500):
        wrong = await client.get(f"/organise/{organiser.organisation_id}/requests?{bad}")
        assert wrong.status_code == 400, bad
        assert "Leven met psychose" in wrong.text and 'class="error-summary"' in wrong.text

    api = await client.get(
        f"/api/v1/organisations/{organiser.organisation_id}/requests?status=new",
        headers=organiser.headers,
    )
    assert api.status_code == 200
    assert [r["id"] for r in api.json()["requests"]] == [session, lesson]
    assert api.json()["counts"]["new"] == 2 and api.json()["counts"]["done"] == 0
    for bad in ("status=geheim", "kind=cooking", "status=" + "x" * 40):
        wrong = await client.get(
            f"/api/v1/organisations/{organiser.organisation_id}/requests?{bad}",
            headers=organiser.headers,
        )
        assert wrong.status_code == 400, bad


async def test_the_organiser_answers_and_the_requester_reads_it(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    lesson, _ = await _two_requests(client)
    await drain(mail_settings)
    token = token_of_mail(next(m for m in smtp_server.messages if DANA in m["To"]))
    await page_login(client)
    detail_path = f"/organise/{organiser.organisation_id}/requests/{lesson}"
    detail = await client.get(detail_path + "?lang=en")
    assert (
        detail.status_code == 200 and DANA in detail.text and "Hogeschool Voorbeeld" in detail.text
    )
    assert f'href="{detail_path}/experts"' in detail.text
    assert f'href="{detail_path}/proposal"' in detail.text
    assert token not in detail.text
    page_token = await csrf_token(client, detail_path)
    empty = await client.post(
        f"{detail_path}/messages", data={"_csrf_token": page_token, "message": ""}
    )
    assert empty.status_code == 400 and 'id="error-message"' in empty.text
    sent = await client.post(
        f"{detail_path}/messages",
        data={"_csrf_token": page_token, "message": "Welke week past het best?"},
    )
    assert sent.status_code == 303
    row = await ExpertRequest.select().where(ExpertRequest.id == lesson).first()
    assert row is not None and row["status"] == "in_discussion"
    assert row["answered_at"] is not None
    await drain(mail_settings)
    [mail] = [m for m in smtp_server.messages if m["Subject"].startswith("A message about")]
    text = mail.get_body(("plain",)).get_content()
    assert "Welke week past het best?" in text and token_of_mail(mail) == token
    mine = await client.get(f"/request/{token}?lang=en")
    assert "Welke week past het best?" in mine.text and "In discussion" in mine.text
    assert "Olga Organiser" not in mine.text  # which organiser: for organisers only
    shown = await client.get(detail_path + "?lang=en")
    assert "Olga Organiser" in shown.text

    api = await client.get(f"/api/v1/requests/{lesson}", headers=organiser.headers)
    assert api.status_code == 200
    assert [e["action"] for e in api.json()["history"]] == ["sent", "message"]
    assert api.json()["history"][1]["organiser"] == "Olga Organiser"
    assert token not in api.text


async def test_status_actions_decline_reopen_done_and_their_mails(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    lesson, session = await _two_requests(client)
    await drain(mail_settings)
    base = f"/api/v1/requests/{lesson}"
    headers = organiser.headers
    declined = await client.post(
        f"{base}/status",
        json={"status": "declined", "message": "Helaas geen expert vrij; vraag het Netwerk Oost."},
        headers=headers,
    )
    assert declined.status_code == 200 and declined.json() == {"status": "declined"}
    row = await ExpertRequest.select().where(ExpertRequest.id == lesson).first()
    assert row is not None and row["closed_at"] is not None and row["answered_at"] is not None
    await drain(mail_settings)
    [mail] = [m for m in smtp_server.messages if m["Subject"].startswith("About your request")]
    assert "vraag het Netwerk Oost" in mail.get_body(("plain",)).get_content()

    again = await client.post(f"{base}/status", json={"status": "in_discussion"}, headers=headers)
    assert again.status_code == 200
    row = await ExpertRequest.select().where(ExpertRequest.id == lesson).first()
    assert row is not None and row["status"] == "in_discussion" and row["closed_at"] is None
    early = await client.post(f"{base}/status", json={"status": "done"}, headers=headers)
    assert early.status_code == 400 and early.json()["code"] == "status_move"
    for bad in ({"status": "accepted"}, {"status": "proposed"}, {"status": "gone"}, {"x": 1}):
        assert (await client.post(f"{base}/status", json=bad, headers=headers)).status_code == 400
    await ExpertRequest.update({ExpertRequest.status: "accepted"}).where(
        ExpertRequest.id == session
    )
    await page_login(client)
    path = f"/organise/{organiser.organisation_id}/requests/{session}"
    shown = await client.get(path + "?lang=en")
    assert "Mark as done" in shown.text and "/proposal" not in shown.text
    page_token = await csrf_token(client, path)
    done = await client.post(f"{path}/status", data={"_csrf_token": page_token, "status": "done"})
    assert done.status_code == 303
    row = await ExpertRequest.select().where(ExpertRequest.id == session).first()
    assert row is not None and row["status"] == "done" and row["closed_at"] is not None
    wrong = await client.post(f"{path}/status", data={"_csrf_token": page_token, "status": "new"})
    assert wrong.status_code == 400 and 'id="error-status"' in wrong.text
    closed = await client.post(
        f"{path}/messages", data={"_csrf_token": page_token, "message": "Nog iets"}
    )
    assert closed.status_code == 400


@pytest.mark.parametrize("who", ["other_organiser", "host", "logged_out"])
async def test_nobody_else_sees_or_touches_a_request(client: httpx.AsyncClient, who: str) -> None:
    organiser = await make_organiser()
    lesson, _ = await _two_requests(client)
    org = organiser.organisation_id
    headers: dict[str, str] = {}
    if who == "other_organiser":
        other = await make_organiser("netwerk-oost", "olaf@example.org")
        headers = other.headers
        await page_login(client, email="olaf@example.org")
    elif who == "host":
        [date_id] = await make_date(org)
        host_id = await make_host(org, await series_of(date_id))
        actor = await accounts.actor_for_account(host_id)
        assert actor is not None
        _, token = await accounts.create_api_token(actor, "tests")
        headers = {"Authorization": f"Bearer {token}"}
        await page_login(client, email="host@example.org")
    missing = lesson + 1000
    api_answers = [
        await client.get(f"/api/v1/requests/{lesson}", headers=headers),
        await client.get(f"/api/v1/requests/{missing}", headers=headers),
        await client.get(f"/api/v1/organisations/{org}/requests", headers=headers),
        await client.post(
            f"/api/v1/requests/{lesson}/messages", json={"message": "Hoi"}, headers=headers
        ),
        await client.post(
            f"/api/v1/requests/{lesson}/status", json={"status": "declined"}, headers=headers
        ),
        await client.get(f"/api/v1/requests/{2**40}", headers=headers),
    ]
    expected = 401 if who == "logged_out" else 404
    assert [a.status_code for a in api_answers[:5]] == [expected] * 5
    assert api_answers[5].status_code in (400, 404) if who != "logged_out" else True
    if who == "logged_out":
        page = await client.get(f"/organise/{org}/requests/{lesson}")
        assert page.status_code == 303 and page.headers["location"].startswith("/login")
    else:
        pages = [
            await client.get(f"/organise/{org}/requests"),
            await client.get(f"/organise/{org}/requests/{lesson}"),
            await client.get(f"/organise/{org}/requests/{missing}"),
        ]
        assert [p.status_code for p in pages] == [404] * 3
        assert all("Leven met psychose" not in p.text for p in pages)
    row = await ExpertRequest.select().where(ExpertRequest.id == lesson).first()
    assert row is not None and row["status"] == "new"
    assert await OutboxMail.count().where(OutboxMail.kind == "request_message") == 0


async def test_a_request_of_another_organisation_under_ones_own_address_is_404(
    client: httpx.AsyncClient,
) -> None:
    mine = await make_organiser()
    theirs = await make_organiser("netwerk-oost", "olaf@example.org")
    await send_form(client, slug="netwerk-oost")
    their_request = await request_id_of(DANA)
    await page_login(client)
    guessed = await client.get(f"/organise/{mine.organisation_id}/requests/{their_request}")
    assert guessed.status_code == 404
    cross = await client.get(f"/organise/{theirs.organisation_id}/requests/{their_request}")
    assert cross.status_code == 404


async def test_every_request_mail_in_the_requesters_language(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    for language in ("nl", "en"):
        await send_form(client, language=language, contact_email=f"{language}@example.org")
        request_id = await request_id_of(f"{language}@example.org")
        for body in ({"message": "Wanneer?"},):
            await client.post(
                f"/api/v1/requests/{request_id}/messages", json=body, headers=organiser.headers
            )
        await client.post(
            f"/api/v1/requests/{request_id}/status",
            json={"status": "declined", "message": "Helaas."},
            headers=organiser.headers,
        )
    await drain(mail_settings)
    subjects = {
        language: [m["Subject"] for m in smtp_server.messages if f"{language}@" in m["To"]]
        for language in ("nl", "en")
    }
    assert subjects == {
        "nl": [
            "We hebben je aanvraag ontvangen: Leven met psychose",
            "Een bericht over je aanvraag: Leven met psychose",
            "Over je aanvraag: Leven met psychose",
        ],
        "en": [
            "We received your request: Leven met psychose",
            "A message about your request: Leven met psychose",
            "About your request: Leven met psychose",
        ],
    }
    [notice] = [m for m in smtp_server.messages if "info@" in m["To"]]
    assert notice["Subject"] == "Nieuwe aanvragen voor Stadsnetwerk"  # the organisation's own
    for message in smtp_server.messages:
        html = message.get_body(("html",))
        assert html is not None and "<script" not in html.get_content()


async def test_the_demo_has_a_new_request_and_one_that_became_an_event() -> None:
    from events_app.demo.load import load_demo

    assert await load_demo() is True
    rows = await ExpertRequest.select(
        ExpertRequest.kind, ExpertRequest.status, ExpertRequest.answered_at
    ).order_by(ExpertRequest.id)
    assert [(r["kind"], r["status"]) for r in rows[:2]] == [
        ("guest_lesson", "accepted"),
        ("empathy_session", "new"),
    ]
    assert rows[0]["answered_at"] is not None and rows[1]["answered_at"] is None
