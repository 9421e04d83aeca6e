"""Every kind of mail: its subject line, its calendar method, and when it no longer makes sense.

A row is checked against its kind's rules when it is delivered, not only when it is queued: a
confirmation held up by an SMTP outage must not put a meeting in someone's calendar after they
cancelled it, and a reminder must not go out for a date that was cancelled in the meantime.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from events_app.i18n import N_

__all__ = [
    "ACCOUNT_KINDS",
    "BUNDLE_KINDS",
    "CERTIFICATE_KINDS",
    "EXPERT_KINDS",
    "FOLLOWER_KINDS",
    "KINDS",
    "PERSON_KINDS",
    "REQUEST_KINDS",
    "SUBJECT_CANCELLED_BY_ORGANISER",
    "Kind",
    "Method",
]

Method = Literal["REQUEST", "CANCEL"]


@dataclass(frozen=True, slots=True)
class Kind:
    name: str
    subject: str  # English msgid; placeholders: title, date
    method: Method | None = None
    needs_registration: bool = True
    needs_scheduled_date: bool = False  # skip when the date was cancelled before delivery
    needs_active_registration: bool = False  # skip when the person cancelled before delivery
    needs_confirmed: bool = False  # skip unless the person has a seat
    needs_future_date: bool = False  # skip when the date has started
    needs_unfinished_date: bool = False  # skip when the date is over
    host: bool = False
    application: bool = False  # about an application (its row is read at delivery)


_KINDS = (
    Kind(
        "registration_confirmed",
        N_("You are registered: %(title)s"),
        method="REQUEST",
        needs_scheduled_date=True,
        needs_active_registration=True,
        needs_confirmed=True,  # never "you are registered" to someone waiting by now
        needs_unfinished_date=True,
    ),
    Kind(
        "registration_details",
        N_("Your registration: %(title)s"),
        method="REQUEST",
        needs_scheduled_date=True,
        needs_active_registration=True,
        needs_unfinished_date=True,
    ),
    Kind(
        "registration_waiting",
        N_("You are on the waiting list: %(title)s"),
        needs_scheduled_date=True,
        needs_active_registration=True,
        needs_unfinished_date=True,
    ),
    Kind(
        "registration_promoted",
        N_("Good news: you have a place at %(title)s"),
        method="REQUEST",
        needs_scheduled_date=True,
        needs_active_registration=True,
        needs_confirmed=True,
        needs_unfinished_date=True,
    ),
    Kind("registration_cancelled", N_("You have cancelled: %(title)s"), method="CANCEL"),
    Kind(
        "date_changed",
        N_("Changed: %(title)s on %(date)s"),
        method="REQUEST",
        needs_scheduled_date=True,
        needs_active_registration=True,
        needs_unfinished_date=True,
    ),
    Kind("date_cancelled", N_("Cancelled: %(title)s on %(date)s"), method="CANCEL"),
    Kind("series_ended", N_("%(title)s has stopped: %(date)s does not take place"), "CANCEL"),
    Kind(
        "reminder",
        N_("Reminder: %(title)s on %(date)s"),
        needs_scheduled_date=True,
        needs_active_registration=True,
        needs_confirmed=True,
        needs_future_date=True,
    ),
    Kind("materials_available", N_("The materials of %(title)s are ready")),
    # After a heavy topic: who to contact, where to find support (domain/needs.py).
    Kind(
        "aftercare",
        N_("After %(title)s: if you want to talk"),
        needs_scheduled_date=True,
        needs_active_registration=True,
    ),
    Kind(
        "host_digest",
        N_("Tomorrow: %(title)s – the sign-up list"),
        needs_registration=False,
        needs_scheduled_date=True,
        needs_future_date=True,
        host=True,
    ),
    Kind("organiser_message", "", needs_active_registration=True),
    Kind(
        "application_received",
        N_("We received your application: %(title)s"),
        needs_registration=False,
        application=True,
    ),
    Kind(
        "application_declined",
        N_("About your application: %(title)s"),
        needs_registration=False,
        application=True,
    ),
)

KINDS: dict[str, Kind] = {kind.name: kind for kind in _KINDS}

# The organisation's cancellation of a person's registration reads differently.
SUBJECT_CANCELLED_BY_ORGANISER = N_("Your registration is cancelled: %(title)s")

# Mail about a host's or organiser's account: no date, no organisation; kind → subject.
ACCOUNT_KINDS: dict[str, str] = {
    "password_reset": N_("Choose a new password"),
    "invitation": N_("Join %(organisation)s"),
}

# Mail about several registrations of one person at once: one per request, however many dates.
# kind → (subject for one date, subject for several dates).
BUNDLE_KINDS: dict[str, tuple[str, str]] = {
    "registration_receipt": (
        N_("Your registration: %(title)s"),
        N_("Your registration for %(count)s dates at %(organisation)s"),
    ),
    "registration_confirm": (
        N_("Please confirm your registration: %(title)s"),
        N_("Please confirm your registration for %(count)s dates at %(organisation)s"),
    ),
    "cancellation_receipt": (
        N_("You have cancelled: %(title)s"),
        N_("You have cancelled %(count)s registrations at %(organisation)s"),
    ),
    # A proposal accepted: the requester and the expert are registered for the event it became.
    "request_booked": (
        N_("Booked: %(title)s"),
        N_("Booked: %(title)s"),
    ),
    # An application accepted: a place (with the calendar invitation) or the waiting list.
    "application_accepted": (
        N_("Your application is accepted: %(title)s"),
        N_("Your application is accepted: %(title)s"),
    ),
    # Moved up from the waiting list of an event registered as one: all its days at once.
    "event_promoted": (
        N_("Good news: you have a place at %(title)s"),
        N_("Good news: you have a place at %(title)s"),
    ),
}

# Mail to an attendee about all their registrations, from the site rather than an organisation.
PERSON_KINDS: dict[str, str] = {"manage_link": N_("Your link to your registrations")}

# A certificate of participation, its PDF attached (built at delivery from the stored
# certificate): kind → subject.
CERTIFICATE_KINDS: dict[str, str] = {"certificate": N_("Your certificate: %(title)s")}
# Mail to a follower (an address only, no registration): everything it shows is in its row,
# written when it was queued.  kind → subject.  All but the confirmation carry one-click
# unsubscribe (RFC 8058).
FOLLOWER_KINDS: dict[str, str] = {
    "follow_confirm": N_("Please confirm: follow %(what)s"),
    "announcement": "",  # the organiser's own subject
    "follow_digest": N_("New dates: %(what)s"),
}

# Mail about a request for an expert (events_app/requests): the row names the request (and the
# history line it is about); everything else, the requester's private link too, is read and
# made when it is delivered.  kind → subject.
REQUEST_KINDS: dict[str, str] = {
    "request_received": N_("We received your request: %(topic)s"),
    "request_link": N_("Your link to your request: %(topic)s"),
    "request_new": N_("New requests for %(organisation)s"),
    "request_reply": N_("News about a request: %(topic)s"),
    "request_message": N_("A message about your request: %(topic)s"),
    "request_declined": N_("About your request: %(topic)s"),
    "request_proposal": N_("A proposal for your request: %(topic)s"),
    "request_accepted": N_("Proposal accepted: %(topic)s"),
    "request_proposal_declined": N_("Proposal declined: %(topic)s"),
}

# Mail about a request for an expert (an asked expert, the organisation's contact): everything
# it shows is in its row, written when it was queued.  kind → subject.
EXPERT_KINDS: dict[str, str] = {
    "expert_ask": N_("Can you give this? %(what)s"),
    "expert_ask_withdrawn": N_("No longer needed: %(what)s"),
    "expert_answered": N_("%(name)s answered: %(what)s"),
}
