"""Two requests for an expert in the demo: a school asks the city network for a guest lesson
(the organiser answered), a care team asks for an inleefsessie (new)."""

from __future__ import annotations

from datetime import date, timedelta

from events_app.accounts.credentials import Actor
from events_app.demo.common import CITY, next_weekday
from events_app.domain.expert_requests import RequestForm
from events_app.requests import inbox, intake
from events_app.tables import ExpertRequest

__all__ = ["demo_requests"]


async def demo_requests(actor: Actor, today: date) -> None:
    await intake.submit(
        CITY,
        RequestForm(
            kind="guest_lesson",
            topic="Herstel na een psychose",
            audience="Tweedejaars studenten verpleegkunde",
            people=28,
            preferred_days=(  # two Tuesdays about a month ahead
                next_weekday(today + timedelta(days=28), 1).isoformat(),
                next_weekday(today + timedelta(days=35), 1).isoformat(),
            ),
            format="in_person",
            address="Hogeschool Voorbeeld, Lokaal 2.14",
            requester_organisation="Hogeschool Voorbeeld, opleiding Verpleegkunde",
            contact_name="Noor Bakker",
            contact_email="noor.bakker@hogeschool.example.org",
            notes="Graag iemand die ook iets kan vertellen over de rol van naasten.",
        ),
    )
    lesson = (
        await ExpertRequest.select(ExpertRequest.id)
        .where(ExpertRequest.contact_email == "noor.bakker@hogeschool.example.org")
        .first()
    )
    assert lesson is not None
    await inbox.send_message(
        actor,
        lesson["id"],
        "Dank je wel voor je aanvraag! We kijken wie van onze ervaringsdeskundigen kan. "
        "Komt de ochtend of de middag beter uit?",
    )
    await intake.submit(
        CITY,
        RequestForm(
            kind="empathy_session",
            topic="Afhankelijk zijn van zorg",
            audience="Het team van een wijkverpleging",
            people=12,
            period="In het voorjaar, op een dinsdag",
            format="in_person",
            address="Wijkcentrum De Brug, Zaal 1",
            requester_organisation="Wijkverpleging Oost",
            contact_name="Bram Visser",
            contact_email="bram.visser@wijkzorg.example.org",
        ),
    )
