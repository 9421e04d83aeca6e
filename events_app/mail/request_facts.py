"""What a mail about a request for an expert is about, read at delivery for a whole batch: the
request's row and the history line the mail is about (:mod:`events_app.mail.request_mail`
builds the mail)."""

from __future__ import annotations

from collections.abc import Sequence

from events_app.mail.facts import Facts, Job, Unsendable, organisations_by_id
from events_app.tables import ExpertRequest, RequestEntry

__all__ = ["load_request_facts"]


def _id(value: object) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


async def load_request_facts(jobs: Sequence[Job]) -> dict[int, Facts | Unsendable]:
    """The request (and history line) of each request mail; a request whose personal data was
    removed meanwhile is not mailed about."""
    if not jobs:
        return {}
    organisations = await organisations_by_id(
        {j.organisation_id for j in jobs if j.organisation_id}
    )
    request_ids = [i for j in jobs if (i := _id(j.context.get("request"))) is not None]
    entry_ids = [i for j in jobs if (i := _id(j.context.get("entry"))) is not None]
    requests = {
        row["id"]: row
        for row in await ExpertRequest.select()
        .where(ExpertRequest.id.is_in(request_ids or [0]))
        .output(load_json=True)
    }
    entries = {
        row["id"]: row
        for row in await RequestEntry.select().where(RequestEntry.id.is_in(entry_ids or [0]))
    }
    result: dict[int, Facts | Unsendable] = {}
    for job in jobs:
        request = requests.get(_id(job.context.get("request")))
        organisation = organisations.get(job.organisation_id) if job.organisation_id else None
        entry_id = _id(job.context.get("entry"))
        entry = entries.get(entry_id) if entry_id is not None else None
        if organisation is None:
            result[job.id] = Unsendable("The organisation no longer exists.")
        elif request is None or request["anonymised_at"] is not None:
            result[job.id] = Unsendable(
                "Not sent: the request's data was removed.", deliberate=True
            )
        elif entry_id is not None and (entry is None or entry["request"] != request["id"]):
            result[job.id] = Unsendable("Not sent: the message was removed.", deliberate=True)
        else:
            result[job.id] = Facts(organisation=organisation, request=request, entry=entry)
    return result
