"""A date's own place, link or details win over the series', also when set to nothing.

A date whose own meeting link is emptied (an in-person edition of an online series) shows no
link anywhere: not in the mail's text, not in its invitation.  One rule for pages, mail text,
invitations and feeds ("the date's own value when set, else the series'")."""

from __future__ import annotations

import httpx
import icalendar
import pytest

from events_app.registration import registrations
from events_app.settings import Settings
from events_app.tables import EventDate, Series
from tests.factories import make_date, make_organisation
from tests.smtp import SmtpServer, drain

pytest_plugins = ["tests.integration.conftest_mail"]  # the smtp_server and mail_settings fixtures

SERIES_LINK = "https://meet.example.org/j/series-link"


@pytest.mark.parametrize("own_link", ["", "https://meet.example.org/j/own-link"])
async def test_a_dates_own_link_wins_in_the_text_and_the_invitation(
    smtp_server: SmtpServer, mail_settings: Settings, own_link: str
) -> None:
    org = await make_organisation()
    [date] = await make_date(org)
    series_id = (await EventDate.select(EventDate.series).where(EventDate.id == date))[0]["series"]
    await Series.update(
        {
            Series.format: "online",
            Series.meeting_url: SERIES_LINK,
            Series.link_visibility: "everyone",
        }
    ).where(Series.id == series_id)
    await EventDate.update({EventDate.meeting_url: own_link}).where(EventDate.id == date)
    await registrations.register([date], name="Anna", email="anna@example.org", language="nl")
    await drain(mail_settings)
    [message] = smtp_server.messages
    text = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    body = text.get_content()
    invitation = next(p for p in message.walk() if p.get_content_type() == "text/calendar")
    event = next(
        c for c in icalendar.Calendar.from_ical(invitation.get_payload(decode=True)).walk("VEVENT")
    )
    in_invitation = "\n".join(str(event.get(key, "")) for key in ("URL", "LOCATION", "DESCRIPTION"))
    assert SERIES_LINK not in body
    assert SERIES_LINK not in in_invitation
    if own_link:
        assert own_link in body
        assert own_link in in_invitation


async def test_an_address_of_several_lines_keeps_them_in_pages_and_html_mail(
    smtp_server: SmtpServer, mail_settings: Settings, client: httpx.AsyncClient
) -> None:
    org = await make_organisation()
    [date] = await make_date(org, slug="adres")
    address = "Buurthuis De Linde\nZaal 2 <achter>\nLindeplein 4, Utrecht"
    await Series.update({Series.format: "in_person", Series.location: address}).where(
        Series.slug == "adres"
    )
    page = (await client.get(f"/events/adres/{date}")).text
    assert "Buurthuis De Linde<br>\nZaal 2 &lt;achter&gt;<br>\nLindeplein 4, Utrecht" in page
    agenda = (await client.get("/")).text
    assert "Buurthuis De Linde, Zaal 2 &lt;achter&gt;, Lindeplein 4, Utrecht" in agenda
    await registrations.register([date], name="Anna", email="anna@example.org", language="nl")
    await drain(mail_settings)
    [message] = smtp_server.messages
    html = next(p for p in message.walk() if p.get_content_type() == "text/html").get_content()
    assert "Buurthuis De Linde<br>\nZaal 2 &lt;achter&gt;<br>\nLindeplein 4, Utrecht" in html
