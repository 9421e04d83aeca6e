"""Mail about a request for an expert: to the requester, to an asked expert, to the
organisation's contact address.

Everything such a mail shows was written into its row when it was queued (the link, the words,
what is asked; ``context`` holds strings and lists of strings only); the organisation comes from
the batch's facts, so a mail of an organisation deleted in the meantime is not sent.  A link
must be an absolute http(s) address, or the mail is not sent at all.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app.i18n import choose_language, mail_environment, translate
from events_app.mail.content import tidy
from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.headers import BadAddress, check_address
from events_app.mail.kinds import REQUEST_KINDS
from events_app.mail.mime import Envelope, build_mime

__all__ = ["build_request_mail"]


def _link(value: Any) -> str:
    if (
        not isinstance(value, str)
        or not value.startswith(("https://", "http://"))
        or not value.isascii()
        or any(c.isspace() or c in "<>\"'" for c in value)
    ):
        raise Unsendable("The mail has no usable link.")
    return value


def _strings(context: dict[str, Any]) -> dict[str, Any]:
    """The row's words: strings, and lists of strings (nothing else reaches a template)."""
    kept: dict[str, Any] = {}
    for key, value in context.items():
        if isinstance(value, str):
            kept[key] = value
        elif isinstance(value, list):
            kept[key] = [str(item) for item in value if isinstance(item, str)]
    return kept


def build_request_mail(
    job: Job, facts: Facts, *, mail_from: str, now: datetime
) -> tuple[Envelope, bytes, str]:
    """Envelope, bytes and subject; :class:`Unsendable` when the row cannot become a mail."""
    try:
        check_address(job.to_email)
    except BadAddress as exc:
        raise Unsendable(f"The recipient's address cannot be used: {exc}") from exc
    organisation = facts.organisation
    language = choose_language(job.language, organisation.get("language"))
    words = _strings(job.context)
    subject = translate(
        language, REQUEST_KINDS[job.kind], topic=words.get("topic", ""), name=words.get("name", "")
    )
    values = {
        "language": language,
        "subject": subject,
        "org_name": organisation["name"],
        "contact_email": organisation["contact_email"],
        "name": words.get("name", ""),
        "c": words,
        "link": _link(words.get("link")),
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
        to_name=words.get("name", ""),
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
