"""Certificates of participation: the organiser sets the attendance needed, issues, downloads
and mails certificates (one mail each, once); anyone checks one by its code.  The attacker's
view: other organisations' and hosts' requests are "not found", odd input is refused at its
field, unknown codes are a plain 404 and guessing is throttled, withdrawn certificates say so
and are not mailed, and a certificate keeps what it says after the registrations are anonymised.
"""

from __future__ import annotations

import asyncio
import io
import re
from datetime import timedelta

import httpx
import pytest
from pypdf import PdfReader

from events_app import clock
from events_app.certificates import verify
from events_app.registration import registrations
from events_app.settings import Settings
from events_app.tables import Certificate, OutboxMail, Programme, Registration, Series
from tests.conftest import ENGINE
from tests.factories import make_date, make_host, make_organiser, manage_token_of, series_of
from tests.helpers.pages import csrf_token, login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]

PEOPLE = [
    ("Zoë Łukasz Çelik", "zoe@example.org"),
    ("Bram de Vries", "bram@example.org"),
    ("Chantal Öztürk", "chantal@example.org"),
]
LATER = timedelta(weeks=6)


async def _course() -> tuple[int, list[int]]:
    """A course of five weekly dates, three people registered for all; the first (Zoë) came
    to all five, the second to four (80 %), the third to two."""
    organiser = await make_organiser()
    dates = await make_date(
        organiser.organisation_id, slug="cursus", starts_in=timedelta(days=1), dates=5
    )
    for name, email in PEOPLE:
        await registrations.register(dates, name=name, email=email, role="expert")
    came = {"zoe@example.org": 5, "bram@example.org": 4, "chantal@example.org": 2}
    for email, count in came.items():
        for date_id in dates[:count]:
            await Registration.update({Registration.attended: True}).where(
                (Registration.email == email) & (Registration.event_date == date_id)
            )
    return await series_of(dates[0]), dates


async def _post(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    token = await csrf_token(client, "/organise?lang=en")
    return await client.post(path + "?lang=en", data={"_csrf_token": token, **data})


def _pdf_text(data: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


async def test_the_organiser_sets_issues_downloads_and_sends_once(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    series_id, _ = await _course()
    base = f"/organise/series/{series_id}/certificates"
    with clock.frozen(clock.now() + LATER):
        await login(client, "organiser@example.org")
        page = await client.get(base + "?lang=en")
        assert page.status_code == 200 and "Set the attendance needed first." in page.text
        refused = await _post(client, base + "/issue", {})
        assert refused.status_code == 409 and "Set the attendance needed first." in refused.text

        for bad in ("0", "101", "80.5", "1e9", "-5", "٨٠", "x" * 7):
            wrong = await _post(client, base + "/threshold", {"measure": "percent", "value": bad})
            assert wrong.status_code == 400, bad
            assert 'id="error-threshold-value"' in wrong.text and 'value="' in wrong.text
        wrong = await _post(client, base + "/threshold", {"measure": "days", "value": "3"})
        assert wrong.status_code == 400 and 'id="error-threshold-measure"' in wrong.text
        saved = await _post(client, base + "/threshold", {"measure": "percent", "value": "80"})
        assert saved.status_code == 303 and saved.headers["location"] == base + "?done=threshold"

        page = await client.get(base + "?lang=en")
        assert "5 dates held so far." in page.text
        meets, not_yet = page.text.split("Does not meet it yet")
        assert "Zoë Łukasz Çelik" in meets and "Bram de Vries" in meets
        assert "Chantal Öztürk" in not_yet and "2 of 5 dates" in not_yet

        issued = await _post(client, base + "/issue", {})
        assert issued.status_code == 303 and "count=2" in issued.headers["location"]
        again = await _post(client, base + "/issue", {})
        assert "count=0" in again.headers["location"]  # nobody gets a second one
        not_due = await _post(client, base + "/issue", {"person": "999999"})
        assert not_due.status_code == 409
        rows = await Certificate.select().order_by(Certificate.name).output(load_json=True)
        assert [r["name"] for r in rows] == ["Bram de Vries", "Zoë Łukasz Çelik"]
        assert [len(r["dates"]) for r in rows] == [4, 5] and rows[1]["minutes"] == 300
        for row in rows:
            assert re.fullmatch(r"([A-Z2-7]{4}-){4}[A-Z2-7]{4}", row["code"])
        assert await OutboxMail.count().where(OutboxMail.kind == "certificate") == 0

        everything = await client.get(base + ".pdf")
        assert everything.status_code == 200
        assert everything.headers["content-type"] == "application/pdf"
        pages = _pdf_text(everything.content)
        assert len(pages) == 2 and "Zoë Łukasz Çelik" in pages[1]
        assert rows[1]["code"] in pages[1] and "Bijeenkomst cursus" in pages[1]
        assert "Stadsnetwerk" in pages[1] and "5" in pages[1]
        one = await client.get(f"{base}/{rows[0]['id']}/pdf")
        assert one.status_code == 200 and "Bram de Vries" in _pdf_text(one.content)[0]

        sent = await _post(client, base + "/send", {})
        assert sent.status_code == 303 and "count=2" in sent.headers["location"]
        twice = await _post(client, base + "/send", {})
        assert "count=0" in twice.headers["location"]
        await drain(mail_settings)
    messages = smtp_server.messages
    assert sorted(str(m["To"]) for m in messages) == [
        "Bram de Vries <bram@example.org>",
        "Zoë Łukasz Çelik <zoe@example.org>",
    ]
    zoe = next(m for m in messages if "zoe@" in str(m["To"]))
    [attachment] = [part for part in zoe.iter_attachments()]
    assert attachment.get_content_type() == "application/pdf"
    assert attachment.get_filename() == f"certificate-{rows[1]['code']}.pdf"
    text = _pdf_text(attachment.get_content())[0]
    assert "Zoë Łukasz Çelik" in text and "Certificaat" in text  # in the person's language
    body = zoe.get_body(preferencelist=("plain",))
    assert body is not None and rows[1]["code"] in body.get_content()

    with clock.frozen(clock.now() + LATER):
        await login(client, "organiser@example.org")
        resent = await _post(client, base + "/resend", {"certificate": str(rows[1]["id"])})
        assert resent.status_code == 303
        revoked = await _post(client, base + "/revoke", {"certificate": str(rows[0]["id"])})
        assert revoked.status_code == 303
        refused = await _post(client, base + "/resend", {"certificate": str(rows[0]["id"])})
        assert refused.status_code == 409
        for odd in ("abc", "0", "99999999999", ""):
            gone = await _post(client, base + "/revoke", {"certificate": odd})
            assert gone.status_code == 404, odd
        await drain(mail_settings)
    assert len(smtp_server.messages) == 3


async def test_a_withdrawn_certificate_is_not_mailed_and_its_page_says_so(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    series_id, _ = await _course()
    base = f"/organise/series/{series_id}/certificates"
    with clock.frozen(clock.now() + LATER):
        await login(client, "organiser@example.org")
        await _post(client, base + "/threshold", {"measure": "hours", "value": "5"})
        issued = await _post(client, base + "/issue", {})
        assert "count=1" in issued.headers["location"]  # only Zoë has 5 hours
        [row] = await Certificate.select()
        await _post(client, base + "/send", {})
        await _post(client, base + "/revoke", {"certificate": str(row["id"])})
        await drain(mail_settings)
        [mail] = await OutboxMail.select().where(OutboxMail.kind == "certificate")
        assert mail["status"] == "skipped" and "withdrawn" in mail["last_error"]
    assert smtp_server.messages == []
    anyone = httpx.AsyncClient(transport=client._transport, base_url="http://events.test")
    shown = await anyone.get(f"/certificates/{row['code']}?lang=en")
    assert shown.status_code == 200 and "withdrawn" in shown.text
    assert "Zoë Łukasz Çelik" in shown.text


async def test_anyone_checks_a_code_and_sees_only_what_it_says(client: httpx.AsyncClient) -> None:
    series_id, dates = await _course()
    base = f"/organise/series/{series_id}/certificates"
    with clock.frozen(clock.now() + LATER):
        await login(client, "organiser@example.org")
        await _post(client, base + "/threshold", {"measure": "percent", "value": "100"})
        await _post(client, base + "/issue", {})
    [row] = await Certificate.select()
    # the person's own data includes their certificate
    mine = await client.get(f"/api/v1/manage/{await manage_token_of('zoe@example.org')}/data")
    [exported] = mine.json()["certificates"]
    assert exported["code"] == row["code"] and exported["minutes"] == 300
    assert len(exported["dates"]) == 5 and exported["revoked_at"] is None
    # retention anonymises the registrations: the certificate keeps what it says
    await Registration.update(
        {Registration.name: "", Registration.email: "", Registration.anonymised_at: clock.now()}
    ).where(Registration.event_date.is_in(dates))
    anyone = httpx.AsyncClient(transport=client._transport, base_url="http://events.test")
    form = await anyone.get("/certificates/verify?lang=en")
    assert form.status_code == 200 and 'name="code"' in form.text
    typed = row["code"].lower().replace("-", " ")
    found = await anyone.get("/certificates/verify", params={"code": typed, "lang": "en"})
    assert found.status_code == 303
    assert found.headers["location"] == f"/certificates/{row['code']}"
    shown = await anyone.get(found.headers["location"] + "?lang=en")
    assert shown.status_code == 200 and "This certificate is valid" in shown.text
    assert "Zoë Łukasz Çelik" in shown.text and "Bijeenkomst cursus" in shown.text
    assert "zoe@example.org" not in shown.text and "no-store" in shown.headers["cache-control"]
    dutch = await anyone.get(found.headers["location"] + "?lang=nl")
    assert "Certificaat" in dutch.text

    missing = await anyone.get("/certificates/AAAA-AAAA-AAAA-AAAA-AAAA?lang=en")
    assert missing.status_code == 404
    assert "There is no certificate with this code." in missing.text
    assert "Zoë" not in missing.text
    for odd in ("", " ", "x" * 65, "\u00e9" * 20):
        refused = await anyone.get("/certificates/verify", params={"code": odd, "lang": "en"})
        assert refused.status_code in (400, 404), odd
        assert 'id="error-code"' in refused.text


async def test_guessing_codes_is_throttled_per_client(client: httpx.AsyncClient) -> None:
    anyone = httpx.AsyncClient(transport=client._transport, base_url="http://events.test")
    for n in range(verify.MISSES):
        miss = await anyone.get(f"/certificates/AAAA-AAAA-AAAA-AAAA-AA{n:02d}"[:44])
        assert miss.status_code == 404
    blocked = await anyone.get("/certificates/BBBB-BBBB-BBBB-BBBB-BBBB")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    form = await anyone.get("/certificates/verify", params={"code": "CCCC-CCCC-CCCC-CCCC-CCCC"})
    assert form.status_code == 429


async def test_other_organisations_and_hosts_are_told_nothing(client: httpx.AsyncClient) -> None:
    series_id, _ = await _course()
    await make_organiser("elders", email="other@example.org")
    org = (await make_organiser("derde", email="third@example.org")).organisation_id
    await make_host(org, series_id, email="host@example.org")
    for who in ("other@example.org", "host@example.org"):
        await login(client, who)
        for path in ("", ".pdf", "/1/pdf"):
            answer = await client.get(f"/organise/series/{series_id}/certificates{path}")
            assert answer.status_code == 404, (who, path)
    await login(client, "organiser@example.org")
    for path in ("/organise/series/2147483647/certificates",
                 "/organise/programmes/99/certificates"):  # fmt: skip
        assert (await client.get(path)).status_code == 404


async def test_the_api_has_the_same_actions_for_a_programme(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    series_id, _ = await _course()
    organiser = await make_organiser("stadsnetwerk", email="api@example.org")
    now = clock.now()
    [programme] = await Programme.insert(
        Programme(organisation=organiser.organisation_id, slug="leerlijn", title="Leerlijn",
                  selection="whole", created_at=now, updated_at=now)
    ).returning(Programme.id)  # fmt: skip
    await Series.update({Series.programme: programme["id"]}).where(Series.id == series_id)
    base = f"/api/v1/programmes/{programme['id']}"
    headers = organiser.headers
    with clock.frozen(clock.now() + LATER):
        missing = await client.get(base + "/certificate-rule", headers=headers)
        assert missing.status_code == 404
        for bad in (
            {"measure": "percent", "value": 101},
            {"measure": "days", "value": 3},
            {"measure": "hours", "value": 0},
            {"measure": "hours"},
            {"measure": "hours", "value": 5, "x": 1},
            {"measure": "hours", "value": 1.5},
        ):
            refused = await client.put(base + "/certificate-rule", json=bad, headers=headers)
            assert refused.status_code == 400, bad  # fmt: skip
        rule = await client.put(base + "/certificate-rule", json={"measure": "hours", "value": 4},
                                headers=headers)  # fmt: skip
        assert rule.status_code == 200 and rule.json()["measure"] == "hours"
        people = (await client.get(base + "/certificates", headers=headers)).json()
        assert people["held"] == 5
        assert [(p["name"], p["meets"]) for p in people["people"]] == [
            ("Zoë Łukasz Çelik", True), ("Bram de Vries", True), ("Chantal Öztürk", False)
        ]  # fmt: skip
        issued = await client.post(base + "/certificates", json={}, headers=headers)
        assert issued.json() == {"count": 2}
        bram = people["people"][1]["person_id"]
        again = await client.post(base + "/certificates", json={"person_id": bram},
                                  headers=headers)  # fmt: skip
        assert again.status_code == 409
        listed = (await client.get(base + "/certificates", headers=headers)).json()
        first = listed["people"][0]["certificate"]
        assert first["dates"] == 5 and first["minutes"] == 300 and first["sent_count"] == 0
        pdf = await client.get(base + "/certificates/pdf", headers=headers)
        assert pdf.status_code == 200 and len(_pdf_text(pdf.content)) == 2
        one = await client.get(f"{base}/certificates/{first['id']}/pdf", headers=headers)
        assert "Leerlijn" in _pdf_text(one.content)[0]
        sent = await client.post(base + "/certificates/send", headers=headers)
        assert sent.json() == {"count": 2}
        assert (await client.post(base + "/certificates/send", headers=headers)).json() == {
            "count": 0
        }
        resent = await client.post(f"{base}/certificates/{first['id']}/send", headers=headers)
        assert resent.status_code == 200
        revoked = await client.post(f"{base}/certificates/{first['id']}/revoke", headers=headers)
        assert revoked.status_code == 200 and revoked.json()["revoked_at"] is not None
        # the series' own certificates are another scope: this id is not found there
        other = f"/api/v1/series/{series_id}/certificates/{first['id']}/pdf"
        assert (await client.get(other, headers=headers)).status_code == 404
        await drain(mail_settings)
    # the withdrawn certificate's two mails were still queued: neither goes out
    [message] = smtp_server.messages
    assert "bram@example.org" in str(message["To"])


@pytest.mark.skipif(ENGINE != "postgres", reason="SQLite serialises writers (BEGIN IMMEDIATE)")
async def test_clicks_at_once_issue_and_mail_each_person_once_on_postgres(
    client: httpx.AsyncClient,
) -> None:
    series_id, _ = await _course()
    organiser = await make_organiser("stadsnetwerk", email="api@example.org")
    base, headers = f"/api/v1/series/{series_id}", organiser.headers
    with clock.frozen(clock.now() + LATER):
        rule = {"measure": "percent", "value": 80}
        await client.put(base + "/certificate-rule", json=rule, headers=headers)
        issued = await asyncio.gather(
            *[client.post(base + "/certificates", json={}, headers=headers) for _ in range(8)]
        )
        assert all(r.status_code == 200 for r in issued), [r.text for r in issued]
        assert sum(r.json()["count"] for r in issued) == 2
        sent = await asyncio.gather(
            *[client.post(base + "/certificates/send", headers=headers) for _ in range(8)]
        )
        assert all(r.status_code == 200 for r in sent), [r.text for r in sent]
        assert sum(r.json()["count"] for r in sent) == 2
    assert await Certificate.count() == 2
    assert await OutboxMail.count().where(OutboxMail.kind == "certificate") == 2
