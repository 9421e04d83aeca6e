"""Mail about a request for an expert: to the requester (received, a message, declined) and to
the organisation's contact address (new requests, the requester wrote or withdrew).

The request is read at delivery (:mod:`events_app.mail.request_facts`); the requester's private
link is in the row's context, written when it was queued.  Mail to the requester is in their
language; notices to the organisation in the organisation's.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from events_app import db, urls
from events_app.domain.request_words import FORMAT_LABELS, KIND_LABELS, STATUS_TEXTS
from events_app.i18n import choose_language, format_date, mail_environment, translate
from events_app.mail.content import tidy
from events_app.mail.facts import Facts, Job, Unsendable, usable_link
from events_app.mail.headers import BadAddress, check_address, clean_text
from events_app.mail.kinds import REQUEST_KINDS
from events_app.mail.mime import Envelope, build_mime

__all__ = ["TO_ORGANISATION", "build_request_mail"]

TO_ORGANISATION = frozenset(
    {"request_new", "request_reply", "request_accepted", "request_proposal_declined"}
)


def _days(request: dict[str, Any], language: str) -> list[str]:
    shown = []
    for raw in db.json_strings(request["preferred_days"]):
        try:
            shown.append(format_date(date.fromisoformat(raw), language))
        except ValueError:
            continue
    return shown


def _words(value: Any) -> dict[str, str]:
    """A proposal's words from the row's context: strings only."""
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, str)}


def _status_text(status: str, language: str) -> str:
    text = STATUS_TEXTS.get(status)
    return translate(language, text) if text else ""


def build_request_mail(
    job: Job, facts: Facts, *, mail_from: str, now: datetime
) -> tuple[Envelope, bytes, str]:
    """Envelope, bytes and subject; :class:`Unsendable` when the row cannot become a mail."""
    request, organisation = facts.request, facts.organisation
    if request is None:
        raise Unsendable("Not sent: the request's data was removed.", deliberate=True)
    try:
        check_address(job.to_email)
    except BadAddress as exc:
        raise Unsendable(f"The recipient's address cannot be used: {exc}") from exc
    to_organisation = job.kind in TO_ORGANISATION
    if to_organisation:
        language = choose_language(job.language, organisation.get("language"))
    else:
        language = choose_language(request["language"], job.language)
    topic = clean_text(str(request["topic"]))
    subject = clean_text(
        translate(language, REQUEST_KINDS[job.kind], topic=topic, organisation=organisation["name"])
    )
    inbox = urls.absolute(f"/organise/{request['organisation']}/requests")
    values = {
        "language": language,
        "subject": subject,
        "name": "" if to_organisation else request["contact_name"],
        "org_name": organisation["name"],
        "contact_email": organisation["contact_email"],
        "topic": request["topic"],
        "what": translate(language, KIND_LABELS.get(request["kind"], request["kind"])),
        "format": translate(language, FORMAT_LABELS.get(request["format"], request["format"])),
        "address": request["address"],
        "audience": request["audience"],
        "people": request["people"],
        "days": _days(request, language),
        "period": request["period"],
        "requester_organisation": request["requester_organisation"],
        "requester": request["contact_name"],
        "notes": request["notes"],
        "status": request["status"],
        "status_text": _status_text(request["status"], language),
        "text": str(facts.entry["text"]) if facts.entry else "",
        "link": "" if to_organisation else usable_link(job.context.get("link")),
        "inbox": inbox,
        "detail": f"{inbox}/{request['id']}",
        # What a proposal mail adds (its words as they were when it was made).
        "proposal": _words(job.context.get("proposal")),
    }
    env = mail_environment(language)
    text = env.get_template(f"mail/{job.kind}.txt").render(values)
    html = env.get_template(f"mail/{job.kind}.html").render(values)
    envelope, data = build_mime(
        message_id=job.message_id,
        from_name=organisation["name"],
        from_address=mail_from,
        reply_to_name=organisation["name"],
        reply_to=organisation["contact_email"],
        to_name="" if to_organisation else clean_text(str(request["contact_name"])),
        to_address=job.to_email,
        subject=subject,
        language=language,
        text=tidy(text),
        html=html,
        calendar=None,
        method=None,
        date=now,
        auto_submitted=job.kind != "request_message",
    )
    return envelope, data, subject
