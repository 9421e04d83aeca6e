"""A date's materials: links, a written text and files kept in the database; who may download
a file (whoever sees the date's page; guessed ids are "not found"); every refusal at its field;
and the one "here are the materials" mail, sent by the organiser after the date, one per person.
"""

from __future__ import annotations

import re
from datetime import timedelta

import httpx

from events_app import clock
from events_app.series import materials
from events_app.settings import Settings
from events_app.tables import Material, OutboxMail, Registration, Series
from tests.factories import fill, make_date, make_organiser
from tests.helpers.pages import csrf_token, login
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]  # the smtp_server and mail_settings fixtures

PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
DOCX = b"PK\x03\x04" + b"\x00" * 64


async def _post_file(
    client: httpx.AsyncClient, date_id: int, name: str, data: bytes, title: str = ""
) -> httpx.Response:
    token = await csrf_token(client, "/organise?lang=en")
    return await client.post(
        f"/organise/dates/{date_id}/material-file?lang=en",
        data={"_csrf_token": token, "title": title},
        files={"file": (name, data, "application/octet-stream")},
    )


async def _post(client: httpx.AsyncClient, path: str, data: dict[str, str]) -> httpx.Response:
    token = await csrf_token(client, "/organise?lang=en")
    return await client.post(path + "?lang=en", data={"_csrf_token": token, **data})


async def _materials_mails() -> list[dict[str, object]]:
    return await OutboxMail.select(OutboxMail.to_email, OutboxMail.event_date).where(
        OutboxMail.kind == "materials_available"
    )


async def _past_date_with_people(people: int = 3) -> tuple[int, list[int]]:
    """A date that starts tomorrow with ``people`` registered; tests move the clock past it."""
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, starts_in=timedelta(days=1))
    return date_id, await fill(date_id, people)


AFTER = timedelta(days=2)


async def test_a_file_is_stored_served_safely_and_only_where_the_date_page_is_seen(
    client: httpx.AsyncClient,
) -> None:
    date_id, _ = await _past_date_with_people(1)
    await login(client, "organiser@example.org")
    added = await _post_file(client, date_id, "../../Dia's <x>.pdf", PDF, title="Dia's")
    assert added.status_code == 303, added.text
    assert added.headers["location"] == f"/organise/dates/{date_id}/materials?done=file"
    [row] = await Material.select(
        Material.id, Material.kind, Material.file_name, Material.content_type, Material.size
    )
    assert row["kind"] == "file" and row["content_type"] == "application/pdf"
    assert row["file_name"] == "Dia_s _x_.pdf" and row["size"] == len(PDF)
    assert await _materials_mails() == []  # adding mails nobody

    page = await client.get(f"/events/ontmoeting/{date_id}?lang=en")
    file_url = f"/events/ontmoeting/{date_id}/materials/{row['id']}"
    assert f'href="{file_url}"' in page.text and "(PDF, 1 KB)" in page.text

    anonymous = httpx.AsyncClient(transport=client._transport, base_url="http://events.test")
    served = await anonymous.get(file_url)
    assert served.status_code == 200 and served.content == PDF
    assert served.headers["content-type"] == "application/pdf"
    assert served.headers["x-content-type-options"] == "nosniff"
    assert "default-src 'none'" in served.headers["content-security-policy"]
    assert served.headers["content-disposition"].startswith('inline; filename="Dia_s _x_.pdf"')

    docx = await _post_file(client, date_id, "verslag.docx", DOCX)
    assert docx.status_code == 303
    [second] = await Material.select(Material.id, Material.title).where(Material.id != row["id"])
    assert second["title"] == "verslag.docx"  # no title: the file's name
    word = await anonymous.get(f"/events/ontmoeting/{date_id}/materials/{second['id']}")
    assert word.headers["content-disposition"].startswith("attachment;")

    # Guessed ids and other addresses for the same file: all "not found".
    for path in (
        f"/events/other/{date_id}/materials/{row['id']}",
        f"/events/ontmoeting/{date_id + 1}/materials/{row['id']}",
        f"/events/ontmoeting/{date_id}/materials/{row['id'] + 100}",
        f"/events/ontmoeting/{date_id}/materials/99999999999",
    ):
        assert (await anonymous.get(path)).status_code == 404, path
    # A link or a text has no file to download.
    await _post(client, f"/organise/dates/{date_id}/material",
                {"title": "Opname", "url": "https://example.org/opname"})  # fmt: skip
    link = await Material.select(Material.id).where(Material.kind == "link").first()
    assert link is not None
    assert (
        await anonymous.get(f"/events/ontmoeting/{date_id}/materials/{link['id']}")
    ).status_code == 404

    # An unpublished series: the date page is not shown, so neither is the file.
    await Series.update({Series.published: False}).where(Series.slug == "ontmoeting")
    assert (await anonymous.get(file_url)).status_code == 404
    own = await client.get(f"/organise/dates/{date_id}/materials/{row['id']}")
    assert own.status_code == 200 and own.content == PDF  # its organisers still can

    # Another organisation's organiser guesses the organiser's address: "not found".
    await anonymous.aclose()
    other = await make_organiser("ander", "ander@example.org")
    api = await client.get(
        f"/api/v1/dates/{date_id}/materials/{row['id']}/file", headers=other.headers
    )
    assert api.status_code == 404
    await login(client, "ander@example.org")
    assert (await client.get(f"/organise/dates/{date_id}/materials/{row['id']}")).status_code == 404
    assert (await client.get(f"/organise/dates/{date_id}/materials")).status_code == 404


async def test_every_refused_file_or_text_is_shown_at_its_field_and_nothing_is_stored(
    client: httpx.AsyncClient,
) -> None:
    date_id, _ = await _past_date_with_people(0)
    await login(client, "organiser@example.org")
    cases = [
        ("program.exe", b"MZ\x90\x00", "This type of file is not taken"),
        ("dias.pdf", PNG, "do not match its name"),
        ("plaatje.svg", b"<svg onload='alert(1)'/>", "This type of file is not taken"),
        ("leeg.pdf", b"", "Choose a file"),
        ("groot.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024), "at most 10 MB"),
    ]
    for name, data, message in cases:
        refused = await _post_file(client, date_id, name, data)
        assert refused.status_code == 400, name
        assert message in refused.text, name
        assert 'id="error-file-file"' in refused.text
        assert 'aria-describedby="error-file-file hint-file-file"' in refused.text
    # Far larger than the limit: the body is not read past it, and the answer is a 413 page.
    huge = await _post_file(client, date_id, "huge.pdf", b"%PDF-" + b"0" * (11 * 1024 * 1024))
    assert huge.status_code == 413 and "<html" in huge.text.lower()
    no_file = await _post(client, f"/organise/dates/{date_id}/material-file", {"title": "x"})
    assert no_file.status_code == 400 and "Choose a file" in no_file.text

    nul = await _post_file(client, date_id, "dias.pdf", PDF, title="Dia\x00s")
    assert nul.status_code == 400  # the input guard or the form: never stored

    both = await _post(client, f"/organise/dates/{date_id}/material-text",
                       {"title": " ", "body": "  \n "})  # fmt: skip
    assert both.status_code == 400
    assert 'id="error-text-title"' in both.text and 'id="error-text-body"' in both.text
    long = await _post(client, f"/organise/dates/{date_id}/material-text",
                       {"title": "Verslag", "body": "x" * 20_001})  # fmt: skip
    assert long.status_code == 400 and 'id="error-text-body"' in long.text
    link = await _post(client, f"/organise/dates/{date_id}/material",
                       {"title": "Dia's", "url": "javascript:alert(1)"})  # fmt: skip
    assert link.status_code == 400 and 'id="error-link-url"' in link.text
    assert await Material.count() == 0


async def test_a_written_text_keeps_its_lines_and_is_shown_escaped(
    client: httpx.AsyncClient,
) -> None:
    date_id, _ = await _past_date_with_people(0)
    await login(client, "organiser@example.org")
    body = "Vraag 1: hoe begin ik?\r\nAntwoord: <script>alert(1)</script>\r\n\r\nVraag 2"
    added = await _post(client, f"/organise/dates/{date_id}/material-text",
                        {"title": "Vragen uit de chat", "body": body})  # fmt: skip
    assert added.status_code == 303
    page = await client.get(f"/events/ontmoeting/{date_id}")
    assert "<script>alert(1)" not in page.text
    assert "Vraag 1: hoe begin ik?<br>Antwoord: &lt;script&gt;" in page.text
    assert "<p>Vraag 2</p>" in page.text and 'id="material-' in page.text
    assert await _materials_mails() == []


async def test_the_materials_mail_goes_once_per_person_only_after_the_date_and_when_asked(
    client: httpx.AsyncClient,
) -> None:
    date_id, registrations = await _past_date_with_people(3)
    # The same person registered twice (another spelling of the address) gets one mail.
    await Registration.update({Registration.email: "P0@example.org"}).where(
        Registration.id == registrations[1]
    )
    await login(client, "organiser@example.org")
    for title in ("Dia's", "Opname"):
        await _post(client, f"/organise/dates/{date_id}/material",
                    {"title": title, "url": "https://example.org/" + title})  # fmt: skip
    await _post_file(client, date_id, "verslag.pdf", PDF)
    assert await _materials_mails() == []

    early = await client.get(f"/organise/dates/{date_id}/materials?lang=en")
    assert "You can send the materials once the date has ended." in early.text
    assert "materials-send" not in early.text
    refused = await _post(client, f"/organise/dates/{date_id}/materials-send",
                          {"audience": "registered"})  # fmt: skip
    assert refused.status_code == 409 and await _materials_mails() == []

    later = clock.now() + AFTER
    with clock.frozen(later):
        await login(client, "organiser@example.org")  # sessions end after 2 days unused
        page = await client.get(f"/organise/dates/{date_id}/materials?lang=en")
        assert "Everyone who registered (3)" in page.text
        sent = await _post(client, f"/organise/dates/{date_id}/materials-send",
                           {"audience": "registered"})  # fmt: skip
        assert sent.status_code == 303 and "count=2" in sent.headers["location"]
        mails = await _materials_mails()
        assert sorted(m["to_email"] for m in mails) == ["p0@example.org", "p2@example.org"]
        again = await _post(client, f"/organise/dates/{date_id}/materials-send",
                            {"audience": "registered", "again": "yes"})  # fmt: skip
        assert again.status_code == 409 and "a few minutes ago" in again.text
    with clock.frozen(later + timedelta(hours=1)):
        page = await client.get(f"/organise/dates/{date_id}/materials?lang=en")
        assert re.search(r"Last sent on .* at \d\d:\d\d", page.text)
        unconfirmed = await _post(client, f"/organise/dates/{date_id}/materials-send",
                                  {"audience": "attended"})  # fmt: skip
        assert unconfirmed.status_code == 409 and "Confirm to send them again" in unconfirmed.text
        await Registration.update({Registration.attended: True}).where(
            Registration.id == registrations[2]
        )
        confirmed = await _post(client, f"/organise/dates/{date_id}/materials-send",
                                {"audience": "attended", "again": "yes"})  # fmt: skip
        assert confirmed.status_code == 303 and "count=1" in confirmed.headers["location"]
    assert len(await _materials_mails()) == 3


async def test_the_api_has_the_same_actions(client: httpx.AsyncClient) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, starts_in=timedelta(days=1))
    await fill(date_id, 2)
    base = f"/api/v1/dates/{date_id}/materials"
    text = await client.post(base, json={"title": "Verslag", "kind": "text", "body": "a\nb"},
                             headers=organiser.headers)  # fmt: skip
    assert text.status_code == 201 and text.json()["body"] == "a\nb"
    uploaded = await client.post(
        f"{base}/files",
        data={"title": "Dia's"},
        files={"file": ("dias.pdf", PDF, "application/pdf")},
        headers=organiser.headers,
    )
    assert uploaded.status_code == 201, uploaded.text
    assert uploaded.json()["file_name"] == "dias.pdf" and uploaded.json()["size"] == len(PDF)
    wrong = await client.post(
        f"{base}/files", files={"file": ("x.exe", b"MZ", "application/pdf")},
        headers=organiser.headers,
    )  # fmt: skip
    assert wrong.status_code == 400 and wrong.json()["field"] == "file"
    long = await client.post(
        f"{base}/files", data={"title": "x" * 201}, files={"file": ("a.pdf", PDF)},
        headers=organiser.headers,
    )  # fmt: skip
    assert long.status_code == 400 and long.json()["field"] == "title"
    # Only the file route takes a multipart form; the rest of the API stays JSON only.
    form = await client.post(base, files={"file": ("a.pdf", PDF)}, headers=organiser.headers)
    assert form.status_code == 415
    download = await client.get(f"{base}/{uploaded.json()['id']}/file", headers=organiser.headers)
    assert download.status_code == 200 and download.content == PDF
    read = await client.get(f"/api/v1/dates/{date_id}", headers=organiser.headers)
    assert [m["kind"] for m in read.json()["materials"]] == ["text", "file"]
    assert await _materials_mails() == []

    other = await make_organiser("ander", "ander@example.org")
    assert (await client.get(f"{base}/send", headers=other.headers)).status_code == 404
    never = await client.get(f"{base}/send", headers=organiser.headers)
    assert never.json()["last_sent_at"] is None
    early = await client.post(f"{base}/send", json={"audience": "registered"},
                              headers=organiser.headers)  # fmt: skip
    assert early.status_code == 409 and early.json()["code"] == "materials_too_early"
    with clock.frozen(clock.now() + AFTER):
        sent = await client.post(f"{base}/send", json={"audience": "registered"},
                                 headers=organiser.headers)  # fmt: skip
        assert sent.status_code == 200 and sent.json()["queued"] == 2
    with clock.frozen(clock.now() + AFTER + timedelta(hours=1)):
        status = await client.get(f"{base}/send", headers=organiser.headers)
        assert status.json()["registered"] == 2 and status.json()["attended"] == 0
        assert status.json()["last_sent_at"] is not None
        twice = await client.post(f"{base}/send", json={"audience": "registered"},
                                  headers=organiser.headers)  # fmt: skip
        assert twice.status_code == 409 and twice.json()["code"] == "materials_sent_before"
    assert len(await _materials_mails()) == 2
    removed = await client.delete(f"{base}/{uploaded.json()['id']}", headers=organiser.headers)
    assert removed.status_code == 204


async def test_the_mail_lists_every_material_as_a_link_and_attaches_nothing(
    client: httpx.AsyncClient, smtp_server: SmtpServer, mail_settings: Settings
) -> None:
    organiser = await make_organiser()
    [date_id] = await make_date(organiser.organisation_id, starts_in=timedelta(days=1))
    await fill(date_id, 1, language="en")
    await OutboxMail.delete().where(OutboxMail.id > 0)
    actor = organiser.actor
    link = await materials.add_link(actor, date_id, "Recording", "https://video.example.org/1")
    text = await materials.add_text(actor, date_id, "Questions <b>", "Q\nA")
    file = await materials.add_file(actor, date_id, "", "slides.pptx", DOCX)
    with clock.frozen(clock.now() + AFTER):
        assert await materials.send_materials(actor, date_id, "registered") == 1
        await drain(mail_settings)
    [mail] = smtp_server.received
    message = mail.message
    assert str(message["Subject"]) == "The materials of Bijeenkomst ontmoeting are ready"
    html_part = message.get_body(("html",))
    assert html_part is not None
    html = html_part.get_content()
    page = f"http://events.test/events/ontmoeting/{date_id}"
    assert 'href="https://video.example.org/1"' in html and link["id"]
    assert f'href="{page}#material-{text["id"]}"' in html and "Questions &lt;b&gt;" in html
    assert f'href="{page}/materials/{file["id"]}"' in html
    assert all(
        part.get_content_maintype() in ("text", "multipart") for part in message.walk()
    )  # no file attached
