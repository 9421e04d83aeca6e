"""Mail about a request for an expert: an expert asked (with their private link), an ask
withdrawn, and the organisation told that an expert answered.

Everything such a mail shows was written into its row when it was queued: what is asked (the
kind, topic, audience, number of people, days or period, online or the town), never who asked
or their address.  The organisation comes from the batch's facts, so a mail of an organisation
deleted in the meantime is not sent.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from events_app.domain.experts import FORMAT_LABELS, KIND_LABELS
from events_app.i18n import choose_language, format_date, mail_environment, translate
from events_app.mail.content import tidy
from events_app.mail.facts import Facts, Job, Unsendable, usable_link
from events_app.mail.headers import BadAddress, check_address
from events_app.mail.kinds import EXPERT_KINDS
from events_app.mail.mime import Envelope, build_mime

__all__ = ["build_expert_mail"]


def _days(context: dict[str, Any], language: str) -> list[str]:
    shown = []
    for raw in context.get("days") or []:
        try:
            shown.append(format_date(date.fromisoformat(str(raw)), language))
        except ValueError:
            continue
    return shown


def _text(context: dict[str, Any], name: str) -> str:
    value = context.get(name)
    return value if isinstance(value, str) else ""


def build_expert_mail(
    job: Job, facts: Facts, *, mail_from: str, now: datetime
) -> tuple[Envelope, bytes, str]:
    """Envelope, bytes and subject; :class:`Unsendable` when the row cannot become a mail."""
    try:
        check_address(job.to_email)
    except BadAddress as exc:
        raise Unsendable(f"The recipient's address cannot be used: {exc}") from exc
    organisation = facts.organisation
    language = choose_language(job.language, organisation.get("language"))
    context = job.context
    kind = translate(language, KIND_LABELS.get(_text(context, "kind"), KIND_LABELS["other"]))
    what = f"{kind}: {_text(context, 'topic')}"
    expert_name = _text(context, "expert_name")
    subject = translate(language, EXPERT_KINDS[job.kind], what=what, name=expert_name)
    people = context.get("people")
    format_ = _text(context, "format")
    values = {
        "language": language,
        "subject": subject,
        "name": job.to_name,
        "what": what,
        "kind": kind,
        "topic": _text(context, "topic"),
        "audience": _text(context, "audience"),
        "people": people if isinstance(people, int) and not isinstance(people, bool) else None,
        "days": _days(context, language),
        "period": _text(context, "period"),
        "format": translate(language, FORMAT_LABELS.get(format_, FORMAT_LABELS["in_person"])),
        "online": format_ == "online",
        "town": _text(context, "town"),
        "message": _text(context, "message"),
        "expert_name": expert_name,
        "accepted": context.get("answer") == "accept",
        "note": _text(context, "note"),
        "link": usable_link(context.get("link")) if job.kind != "expert_ask_withdrawn" else "",
        "org_name": organisation["name"],
        "contact_email": organisation["contact_email"],
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
        to_name=job.to_name,
        to_address=job.to_email,
        subject=subject,
        language=language,
        text=tidy(text),
        html=html,
        calendar=None,
        method=None,
        date=now,
        auto_submitted=True,
        unsubscribe=None,
    )
    return envelope, data, subject
