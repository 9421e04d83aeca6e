"""Speakers and moderators read the same on the date's page, in the mail (text and HTML) and in
its calendar invitation: "Sprekers: A, B" and "Gespreksleider: C", in the reader's language."""

from __future__ import annotations

import httpx
import icalendar

from events_app.registration import registrations
from events_app.settings import Settings
from events_app.tables import Speaker
from tests.factories import make_date, make_organisation, series_of
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]


async def test_the_moderator_is_named_one_way_everywhere(
    smtp_server: SmtpServer, mail_settings: Settings, client: httpx.AsyncClient
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, slug="gesprek")
    series_id = await series_of(date)
    for position, (name, role) in enumerate(
        [("Mira Jansen", "speaker"), ("Sam Bakker", "speaker"), ("Tom de Wit", "moderator")]
    ):
        await Speaker(series=series_id, name=name, role=role, position=position).save()

    page = (await client.get(f"/events/gesprek/{date}?lang=nl")).text
    assert "<dt>Sprekers</dt><dd>Mira Jansen, Sam Bakker</dd>" in page
    assert "<dt>Gespreksleider</dt><dd>Tom de Wit</dd>" in page
    english = (await client.get(f"/events/gesprek/{date}?lang=en")).text
    assert "<dt>Moderator</dt><dd>Tom de Wit</dd>" in english

    await registrations.register([date], name="Anna", email="anna@example.org", language="nl")
    await drain(mail_settings)
    [message] = smtp_server.messages
    parts = {p.get_content_type(): p for p in message.walk()}
    assert "Sprekers: Mira Jansen, Sam Bakker" in parts["text/plain"].get_content()
    assert "Gespreksleider: Tom de Wit" in parts["text/plain"].get_content()
    assert "<strong>Gespreksleider:</strong> Tom de Wit" in parts["text/html"].get_content()
    invitation = icalendar.Calendar.from_ical(parts["text/calendar"].get_payload(decode=True))
    [event] = invitation.walk("VEVENT")
    description = str(event["DESCRIPTION"])
    assert "Sprekers: Mira Jansen, Sam Bakker\nGespreksleider: Tom de Wit" in description
