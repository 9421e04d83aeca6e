"""The manage page: list, cancel one or all, change details, new feed address, data, delete."""

from __future__ import annotations

import re

import httpx

from events_app.registration import registrations
from events_app.tables import Attendee, Registration
from tests.factories import make_date, make_organisation, manage_token_of

TOKEN = re.compile(r'name="_csrf_token" value="([0-9a-f]+)"')


async def _setup(client: httpx.AsyncClient) -> tuple[str, list[int], str]:
    org = await make_organisation()
    dates = await make_date(org, slug="ontmoeting", dates=3)
    await registrations.register(dates, name="Alex", email="alex@example.org")
    path = f"/manage/{await manage_token_of('alex@example.org')}"
    page = await client.get(path)
    assert page.status_code == 200
    assert page.headers["referrer-policy"] == "no-referrer"
    found = TOKEN.search(page.text)
    assert found is not None
    return path, dates, found.group(1)


async def test_cancel_one_then_all(client: httpx.AsyncClient) -> None:
    path, _, token = await _setup(client)
    page = (await client.get(path)).text
    assert page.count("Afmelden</button>") == 0  # the button text carries hidden context
    assert page.count('action="' + path + "/cancel/") == 3
    rows = await Registration.select(Registration.id).order_by(Registration.id)
    done = await client.post(f"{path}/cancel/{rows[0]['id']}", data={"_csrf_token": token})
    assert done.status_code == 303 and done.headers["location"] == f"{path}?done=cancelled"
    after = await client.get(done.headers["location"])
    assert "Gelukt: je bent afgemeld voor die datum." in after.text
    asked = await client.post(f"{path}/cancel-all", data={"_csrf_token": token})
    assert asked.status_code == 200 and "Ja, meld me voor allemaal af" in asked.text
    assert asked.text.count("<li>Bijeenkomst ontmoeting: ") == 2  # the two still to come
    assert f'href="{path}"' in asked.text  # the way back
    assert await Registration.count().where(Registration.status == "cancelled") == 1
    done = await client.post(f"{path}/cancel-all", data={"_csrf_token": token, "confirm": "yes"})
    assert done.headers["location"] == f"{path}?done=cancelled_all"
    assert await Registration.count().where(Registration.status == "cancelled") == 3


async def test_actions_need_the_csrf_token(client: httpx.AsyncClient) -> None:
    path, _, _ = await _setup(client)
    refused = await client.post(f"{path}/cancel-all", data={})
    assert refused.status_code == 403
    assert await Registration.count().where(Registration.status == "cancelled") == 0


async def test_change_details_with_error_and_success(client: httpx.AsyncClient) -> None:
    path, _, token = await _setup(client)
    bad = await client.post(
        f"{path}/details", data={"_csrf_token": token, "name": " ", "language": "nl"}
    )
    assert bad.status_code == 400 and 'aria-invalid="true"' in bad.text
    good = await client.post(
        f"{path}/details",
        data={"_csrf_token": token, "name": "Alex B", "needs": "Rolstoel", "language": "en"},
    )
    assert good.status_code == 303
    names = {r["name"] for r in await Registration.select(Registration.name)}
    assert names == {"Alex B"}


async def test_new_feed_address_and_data_download(client: httpx.AsyncClient) -> None:
    path, _, token = await _setup(client)
    before = (await Attendee.select(Attendee.feed_token).first())["feed_token"]  # type: ignore[index]
    page = (await client.get(path)).text
    assert f"webcal://events.test/feeds/me/{before}.ics" in page
    await client.post(f"{path}/feed", data={"_csrf_token": token})
    after = (await Attendee.select(Attendee.feed_token).first())["feed_token"]  # type: ignore[index]
    assert after != before
    assert (await client.get(f"/feeds/me/{before}.ics")).status_code == 404
    data = await client.get(f"{path}/data")
    assert data.status_code == 200 and data.json()["email"] == "alex@example.org"
    assert "attachment" in data.headers["content-disposition"]


async def test_delete_my_data_asks_first_then_link_stops_working(
    client: httpx.AsyncClient,
) -> None:
    path, _, token = await _setup(client)
    confirm = await client.get(f"{path}/delete")
    assert confirm.status_code == 200 and "Ja, wis mijn gegevens" in confirm.text
    deleted = await client.post(f"{path}/delete", data={"_csrf_token": token})
    assert deleted.status_code == 200 and "Je gegevens zijn gewist" in deleted.text
    assert await Attendee.count() == 0
    gone = await client.get(path, headers={"Accept": "text/html"})
    assert gone.status_code == 404 and "Deze link werkt niet (meer)" in gone.text
