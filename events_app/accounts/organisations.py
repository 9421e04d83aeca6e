"""The organisations a person works for, and the few settings an organiser may change."""

from __future__ import annotations

from typing import Any

from events_app import audit, clock, db
from events_app.accounts.credentials import Actor
from events_app.domain import wallclock
from events_app.domain.consent import check_consent
from events_app.domain.emails import normalise_email
from events_app.domain.errors import DomainError
from events_app.domain.needs import check_needs_days, needs_days_after
from events_app.tables import Organisation

__all__ = ["FIELDS", "list_organisations", "update_organisation"]

FIELDS = (
    "id", "slug", "name", "contact_email", "timezone", "language", "retention_days", "needs_days",
    "consent_text", "consent_text_en", "confirm_first", "created_at", "updated_at",
)  # fmt: skip


async def list_organisations(actor: Actor) -> list[dict[str, Any]]:
    """Every organisation the caller belongs to, with their role in it."""
    rows = (
        await Organisation.select(*(getattr(Organisation, f) for f in FIELDS))
        .where(Organisation.id.is_in(list(actor.roles) or [0]))
        .order_by(Organisation.name)
    )
    return [{**row, "role": actor.roles[row["id"]]} for row in rows]


async def update_organisation(
    actor: Actor, organisation_id: int, changes: dict[str, Any]
) -> dict[str, Any]:
    actor.require_organiser(organisation_id)
    values = dict(changes)
    if "name" in values:
        values["name"] = " ".join(values["name"].split())
        if not values["name"]:
            raise DomainError("name_missing", "Give the organisation a name.", field="name")
    if "contact_email" in values:
        values["contact_email"] = normalise_email(values["contact_email"], field="contact_email")
    if "timezone" in values:
        wallclock.validate_timezone(values["timezone"])
    async with db.transaction():
        row = await Organisation.select().where(Organisation.id == organisation_id).first()
        assert row is not None  # require_organiser: the caller is a member of it
        if "needs_days" in values or "retention_days" in values:
            values["needs_days"] = needs_days_after(
                values, int(row["needs_days"]), int(row["retention_days"])
            )
        after = {**row, **values}
        check_consent(str(after["consent_text"]), str(after["consent_text_en"]))
        check_needs_days(int(after["needs_days"]), int(after["retention_days"]))
        changed: dict[Any, Any] = {k: v for k, v in values.items() if row[k] != v}
        if changed:
            await Organisation.update({**changed, "updated_at": clock.now()}).where(
                Organisation.id == organisation_id
            )
            await audit.record(
                "organisation_updated",
                "organisation",
                organisation_id,
                organisation_id=organisation_id,
                account_id=actor.account_id,
                detail={"fields": sorted(changed)},
            )
    [updated] = [o for o in await list_organisations(actor) if o["id"] == organisation_id]
    return updated
