"""What a certificate mail is about, read at delivery for a whole batch: the stored
certificate and its organisation (:mod:`events_app.mail.certificate_mail` builds the mail)."""

from __future__ import annotations

from collections.abc import Sequence

from events_app.mail.facts import Facts, Job, Unsendable, organisations_by_id
from events_app.tables import Certificate

__all__ = ["load_certificate_facts"]


async def load_certificate_facts(jobs: Sequence[Job]) -> dict[int, Facts | Unsendable]:
    """The stored certificate of each certificate mail (what its PDF says, read when it goes
    out: a certificate withdrawn meanwhile is not sent)."""
    if not jobs:
        return {}
    organisations = await organisations_by_id(
        {j.organisation_id for j in jobs if j.organisation_id}
    )
    wanted = [j.context.get("certificate") for j in jobs]
    ids = [i for i in wanted if isinstance(i, int) and not isinstance(i, bool)]
    rows = {
        row["id"]: row
        for row in await Certificate.select()
        .where(Certificate.id.is_in(ids or [0]))
        .output(load_json=True)
    }
    result: dict[int, Facts | Unsendable] = {}
    for job in jobs:
        row = rows.get(job.context.get("certificate"))
        organisation = organisations.get(job.organisation_id) if job.organisation_id else None
        if row is None or organisation is None:
            result[job.id] = Unsendable("Not sent: the certificate was deleted.", deliberate=True)
        elif row["revoked_at"] is not None:
            result[job.id] = Unsendable(
                "Not sent: the certificate was withdrawn before this mail went out.",
                deliberate=True,
            )
        elif row["attendee"] is None:
            result[job.id] = Unsendable("Not sent: the person's data was removed.", deliberate=True)
        else:
            result[job.id] = Facts(organisation=organisation, certificate=row)
    return result
