"""Mail to followers: the confirmation of a follow, an organiser's announcement, new dates.

Everything such a mail shows was written into its row when it was queued (the links, the
announcement's text, the dates); the organisation comes from the batch's facts, so a mail of an
organisation deleted in the meantime is not sent.  Every mail but the confirmation carries the
follower's one-click unsubscribe link in the ``List-Unsubscribe`` headers (RFC 8058), in the
text, and a line that says why the person gets it.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from events_app.i18n import choose_language, format_datetime, mail_environment, translate
from events_app.mail.content import tidy
from events_app.mail.facts import Facts, Job, Unsendable, usable_link
from events_app.mail.headers import BadAddress, check_address
from events_app.mail.kinds import FOLLOWER_KINDS
from events_app.mail.mime import Envelope, build_mime

__all__ = ["build_follower_mail"]


def _dates(context: dict[str, Any], language: str) -> list[dict[str, str]]:
    shown = []
    for item in context.get("dates") or []:
        if not isinstance(item, dict):
            continue
        try:
            start = datetime.fromisoformat(str(item.get("start")))
        except ValueError:
            continue
        shown.append(
            {
                "title": str(item.get("title", "")),
                "when": format_datetime(start, language),
                "url": str(item.get("url", "")),
            }
        )
    return shown


def build_follower_mail(
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
    what = str(context.get("what") or organisation["name"])
    if job.kind == "announcement":
        subject = str(context.get("subject") or "")
    else:
        subject = translate(language, FOLLOWER_KINDS[job.kind], what=what)
    unsubscribe = None if job.kind == "follow_confirm" else usable_link(context.get("unfollow"))
    values = {
        "language": language,
        "subject": subject,
        "name": "",
        "what": what,
        "org_name": organisation["name"],
        "contact_email": organisation["contact_email"],
        "link": usable_link(context.get("link")) if job.kind == "follow_confirm" else "",
        "manage": "" if job.kind == "follow_confirm" else usable_link(context.get("manage")),
        "unfollow": unsubscribe or "",
        "body": str(context.get("body") or ""),
        "dates": _dates(context, language),
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
        to_name="",
        to_address=job.to_email,
        subject=subject,
        language=language,
        text=tidy(text),
        html=html,
        calendar=None,
        method=None,
        date=now,
        auto_submitted=job.kind != "announcement",
        unsubscribe=unsubscribe,
    )
    return envelope, data, subject
