"""The demo's pool of experts of the city network: invented people who gave their consent, with
their topics, languages and usual fee (addresses at example.org)."""

from __future__ import annotations

from events_app.accounts.credentials import Actor
from events_app.domain.experts import ExpertForm
from events_app.requests import experts

__all__ = ["pool"]

POOL = (
    ("Noor Vermeulen", "noor@netwerk.example.org", ("psychose", "herstel", "werk"), ("nl",),
     "Amsterdam-West", "Liefst op dinsdag en donderdag, niet in de schoolvakanties.", 8500,
     "Mondeling gevraagd op de intervisie, bevestigd per mail"),
    ("Karim El Idrissi", "karim@netwerk.example.org", ("verslaving", "naasten", "armoede"),
     ("nl", "ar", "en"), "Amsterdam-Noord", "Overdag, niet op vrijdag.", 9000,
     "Aanmeldformulier van de werkgroep ondertekend"),
    ("Ingrid Bakker", "ingrid@netwerk.example.org", ("suïcidaliteit", "naasten"), ("nl", "en"),
     "Zaandam", "Alleen online.", 8550, "Per mail toestemming gegeven"),
    ("Tom de Wit", "tom@netwerk.example.org", ("depressie", "jongeren", "school"), ("nl",),
     "Amstelveen", "Even niet: terug na de zomer.", 7500, "Mondeling, tijdens de leerlijn"),
)  # fmt: skip


async def pool(actor: Actor, organisation_id: int) -> None:
    """The pool, added through the service (each with consent); the last one is not active."""
    for n, (name, email, topics, languages, region, availability, fee, note) in enumerate(POOL):
        await experts.add_expert(
            actor,
            organisation_id,
            ExpertForm(
                name=name,
                email=email,
                topics=topics,
                languages=languages,
                region=region,
                availability=availability,
                fee_cents=fee,
                consent=True,
                consent_note=note,
                active=n < len(POOL) - 1,
            ),
        )
