"""The mail that brings someone their certificate of participation, its PDF attached.

The PDF is built here, at delivery, from the stored certificate (:mod:`events_app.documents`),
in the certificate's language: a mail held up by an outage carries exactly what the
certificate says when it goes out, and one withdrawn meanwhile is not sent at all (see
:func:`events_app.mail.facts.load_certificate_facts`).
"""

from __future__ import annotations

from datetime import datetime

from events_app import urls
from events_app.documents.certificate_pdf import hours_text, render_pdf, text_from_row
from events_app.i18n import choose_language, mail_environment, translate
from events_app.mail.content import tidy
from events_app.mail.facts import Facts, Job, Unsendable
from events_app.mail.headers import BadAddress, check_address, clean_text
from events_app.mail.kinds import CERTIFICATE_KINDS
from events_app.mail.mime import Envelope, build_mime

__all__ = ["build_certificate_mail"]


def build_certificate_mail(
    job: Job, facts: Facts, *, mail_from: str, now: datetime
) -> tuple[Envelope, bytes, str]:
    """Envelope, bytes and subject; :class:`Unsendable` when it cannot be sent."""
    row = facts.certificate
    if row is None:
        raise Unsendable("Not sent: the certificate was deleted.", deliberate=True)
    try:
        check_address(job.to_email)
    except BadAddress as exc:
        raise Unsendable(f"The recipient's address cannot be used: {exc}") from exc
    text = text_from_row(row)
    language = choose_language(text.language, job.language)
    organisation = facts.organisation
    subject = clean_text(translate(language, CERTIFICATE_KINDS[job.kind], title=text.title))
    values = {
        "kind": job.kind,
        "language": language,
        "subject": subject,
        "name": clean_text(text.name),
        "title": text.title,
        "org_name": organisation["name"],
        "contact_email": organisation["contact_email"],
        "hours": hours_text(text.minutes, language),
        "dates": len(text.dates),
        "code": text.code,
        "verify_url": urls.certificate_page(text.code),
    }
    env = mail_environment(language)
    body = tidy(env.get_template(f"mail/{job.kind}.txt").render(values))
    html = env.get_template(f"mail/{job.kind}.html").render(values)
    pdf = render_pdf([text])
    envelope, data = build_mime(
        message_id=job.message_id,
        from_name=organisation["name"],
        from_address=mail_from,
        reply_to_name=organisation["name"],
        reply_to=organisation["contact_email"],
        to_name=text.name,
        to_address=job.to_email,
        subject=subject,
        language=language,
        text=body,
        html=html,
        calendar=None,
        method=None,
        date=now,
        documents=[(f"certificate-{text.code}.pdf", "application/pdf", pdf)],
    )
    return envelope, data, subject
