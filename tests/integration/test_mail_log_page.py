"""The organisers' mail log: what went to whom, failures sent again, and nobody else's."""

from __future__ import annotations

import httpx

from events_app.tables import OutboxMail
from tests.factories import PASSWORD, fill, make_date, make_organiser
from tests.helpers.pages import csrf_token, login


async def test_the_log_shows_mails_and_sends_a_failed_one_again(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    org = organiser.organisation_id
    [date] = await make_date(org, capacity=1)
    await fill(date, 2)
    [failed, *_] = await OutboxMail.select(OutboxMail.id).order_by(OutboxMail.id)
    await OutboxMail.update(
        {OutboxMail.status: "failed", OutboxMail.last_error: "550 mailbox unknown",
         OutboxMail.attempts: 1}
    ).where(OutboxMail.id == failed["id"])  # fmt: skip
    await login(client, "organiser@example.org")
    page = await client.get(f"/organise/{org}/mail?lang=en")
    assert page.status_code == 200
    assert "p0@example.org" in page.text and "p1@example.org" in page.text
    # one receipt per registration (a place or the waiting list: the mail says which)
    assert page.text.count("<td>Registration</td>") == 2
    assert "550 mailbox unknown" in page.text
    only_failed = await client.get(f"/organise/{org}/mail?status=failed")
    assert "p1@example.org" not in only_failed.text
    token = await csrf_token(client, f"/organise/{org}/mail")
    again = await client.post(
        f"/organise/{org}/mail/{failed['id']}/retry", data={"_csrf_token": token}
    )
    assert again.headers["location"].endswith("done=retried")
    row = (await OutboxMail.select().where(OutboxMail.id == failed["id"]))[0]
    assert row["status"] == "pending" and row["attempts"] == 0


async def test_other_organisations_and_hosts_cannot_read_the_log(
    client: httpx.AsyncClient,
) -> None:
    organiser = await make_organiser()
    await make_organiser("ander-netwerk", email="olga@example.org")
    await client.post("/api/v1/session", json={"email": "olga@example.org", "password": PASSWORD})
    response = await client.get(
        f"/organise/{organiser.organisation_id}/mail", headers={"accept": "text/html"}
    )
    assert response.status_code == 404
