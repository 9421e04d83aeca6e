"""Setting up an installation: organisations (tenants) are made by the operator."""

from __future__ import annotations

from events_app import audit, clock, db
from events_app.domain import slugs, wallclock
from events_app.domain.consent import check_consent
from events_app.domain.emails import normalise_email
from events_app.domain.errors import Conflict, DomainError
from events_app.domain.needs import default_needs_days
from events_app.i18n import LANGUAGES
from events_app.tables import Organisation

__all__ = ["create_organisation"]


async def create_organisation(
    slug: str,
    name: str,
    contact_email: str,
    *,
    timezone: str = "Europe/Amsterdam",
    language: str = "nl",
    retention_days: int = 90,
    consent_text: str = "",
    consent_text_en: str = "",
) -> int:
    clean_slug = slugs.check_slug(slug)
    if not name.strip() or len(name.strip()) > 200:
        raise DomainError("name_invalid", "Give a name of 1 to 200 characters.", field="name")
    if language not in LANGUAGES:
        raise DomainError("language_unknown", "Choose nl or en.", field="language")
    if not 1 <= retention_days <= 3650:
        raise DomainError(
            "retention_invalid", "Keep data between 1 and 3650 days.", field="retention_days"
        )
    check_consent(consent_text, consent_text_en)
    wallclock.validate_timezone(timezone)
    address = normalise_email(contact_email, field="contact_email")
    now = clock.now()
    async with db.transaction():
        if await Organisation.exists().where(Organisation.slug == clean_slug):
            raise Conflict("slug_taken", f"The address '{clean_slug}' is already in use.")
        rows = await Organisation.insert(
            Organisation(
                slug=clean_slug,
                name=name.strip(),
                contact_email=address,
                timezone=timezone,
                language=language,
                retention_days=retention_days,
                needs_days=default_needs_days(retention_days),
                consent_text=consent_text,
                consent_text_en=consent_text_en,
                created_at=now,
                updated_at=now,
            )
        ).returning(Organisation.id)
        organisation_id = int(rows[0]["id"])
        await audit.record(
            "organisation_created",
            "organisation",
            organisation_id,
            organisation_id=organisation_id,
            account_id=None,
        )
    return organisation_id
