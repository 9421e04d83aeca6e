"""Mail to hosts and organisers about their account: a password reset link, an invitation.

These rows belong to no date or organisation, so they skip the date facts: everything the
mail shows is in the row's context.  The link's token is kept in the row only so the worker
can write it into the mail; it is single-use and expires within the hour, and sent rows are
deleted by the retention job.
"""

from __future__ import annotations

from datetime import datetime

from events_app.i18n import SITE_NAME, choose_language, mail_environment, translate
from events_app.mail.facts import Job, Unsendable
from events_app.mail.kinds import ACCOUNT_KINDS
from events_app.mail.mime import Envelope, build_mime
from events_app.tables import Membership

__all__ = ["ACCOUNT_KINDS", "build_account_mail", "build_site_mail"]


def build_account_mail(job: Job, *, mail_from: str, now: datetime) -> tuple[Envelope, bytes, str]:
    """Envelope, bytes and subject of an account mail; :class:`Unsendable` if it cannot be."""
    link = job.context.get("link")
    if not isinstance(link, str) or not link.startswith(("https://", "http://")):
        raise Unsendable("The mail has no usable link.")
    language = choose_language(job.language)
    shown = {k: v for k, v in job.context.items() if isinstance(v, str | int) and k != "link"}
    subject = translate(language, ACCOUNT_KINDS[job.kind], **shown)
    values = {
        "minutes": 60,
        "days": 14,
        "organisation": "",
        "inviter": "",
        "role": Membership.Role.host,
        **shown,
        "name": job.to_name,
        "link": link,
        "site_name": SITE_NAME[language],
        "subject": subject,
        "language": language,
    }
    env = mail_environment(language)
    text = env.get_template(f"mail/{job.kind}.txt").render(values)
    html = env.get_template(f"mail/{job.kind}.html").render(values)
    envelope, data = build_site_mail(
        job, language=language, subject=subject, text=text, html=html, mail_from=mail_from, now=now
    )
    return envelope, data, subject


def build_site_mail(
    job: Job, *, language: str, subject: str, text: str, html: str, mail_from: str, now: datetime
) -> tuple[Envelope, bytes]:
    """A mail from the site itself (no organisation): replies come back to the site's address."""
    return build_mime(
        message_id=job.message_id,
        from_name=SITE_NAME[language],
        from_address=mail_from,
        reply_to_name=SITE_NAME[language],
        reply_to=mail_from,
        to_name=job.to_name,
        to_address=job.to_email,
        subject=subject,
        language=language,
        text=text,
        html=html,
        calendar=None,
        method=None,
        date=now,
    )
