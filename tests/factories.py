"""Small helpers that put rows in the database for tests (no HTTP)."""

from __future__ import annotations

from dataclasses import dataclass

from events_app import clock
from events_app.services import accounts
from events_app.services.accounts import Actor
from events_app.tables import Organisation

PASSWORD = "correct horse battery"


async def make_organisation(slug: str = "stadsnetwerk", name: str = "Stadsnetwerk") -> int:
    rows = await Organisation.insert(
        Organisation(
            slug=slug,
            name=name,
            contact_email=f"info@{slug}.example.org",
            created_at=clock.now(),
            updated_at=clock.now(),
        )
    ).returning(Organisation.id)
    return int(rows[0]["id"])


@dataclass(frozen=True)
class Organiser:
    actor: Actor
    token: str
    organisation_id: int

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


async def make_organiser(
    organisation_slug: str = "stadsnetwerk", email: str = "organiser@example.org"
) -> Organiser:
    """An organisation (made if missing), an organiser of it, and an API token."""
    org = (
        await Organisation.select(Organisation.id)
        .where(Organisation.slug == organisation_slug)
        .first()
    )
    org_id = int(org["id"]) if org else await make_organisation(organisation_slug)
    account_id = await accounts.create_organiser(
        email, "Olga Organiser", PASSWORD, organisation_slug
    )
    actor = await accounts.actor_for_account(account_id)
    assert actor is not None
    _, token = await accounts.create_api_token(actor, "tests")
    return Organiser(actor=actor, token=token, organisation_id=org_id)
