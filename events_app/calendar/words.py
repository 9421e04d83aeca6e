"""The words of calendar events, Dutch and English side by side (``(nl, en)``).

One table for both languages keeps them in step: a key missing in one is a test failure,
not a blank line in someone's calendar.
"""

from __future__ import annotations

from events_app.tables import Series

__all__ = ["KINDS", "TEXT"]

K = Series.Kind
# Every kind of series in words: the calendar's categories, and the pages' labels.
KINDS: dict[str, tuple[str, str]] = {
    K.meetup: ("Ontmoeting", "Meet-up"),
    K.lecture: ("College", "Lecture"),
    K.workshop: ("Workshop", "Workshop"),
    K.training: ("Training", "Training"),
    K.course: ("Cursus", "Course"),
    K.network_evening: ("Netwerkavond", "Network evening"),
    K.guest_lesson: ("Gastles", "Guest lesson"),
    K.meeting: ("Bijeenkomst", "Meeting"),
}

TEXT: dict[str, tuple[str, str]] = {
    "cancelled_prefix": ("Geannuleerd: ", "Cancelled: "),
    "deregistered_prefix": ("Afgemeld: ", "Registration cancelled: "),
    "waiting_prefix": ("Wachtlijst: ", "Waiting list: "),
    "date_cancelled": ("Deze bijeenkomst gaat niet door.", "This session will not take place."),
    "reason": ("Reden: {}", "Reason: {}"),
    "topic": ("Onderwerp: {}", "Topic: {}"),
    # Who leads a date, the same way in pages, mails and invitations ("Sprekers: A, B").
    "speaker": ("Spreker", "Speaker"),
    "speakers": ("Sprekers", "Speakers"),
    "moderator": ("Gespreksleider", "Moderator"),
    "moderators": ("Gespreksleiders", "Moderators"),
    "location": ("Locatie: {}", "Location: {}"),
    "join_online": ("Online meedoen: {}", "Join online: {}"),
    "online": ("Online", "Online"),
    "link_after_registering": (
        "De link krijg je na aanmelding.",
        "You get the link after registering.",
    ),
    "link_when_placed": (
        "De link krijg je als er een plek voor je vrijkomt.",
        "You get the link when a place becomes free for you.",
    ),
    "link_follows": ("De link volgt.", "The link will follow."),
    "registration_required": ("Aanmelden is nodig: {}", "Registration is required: {}"),
    "registration_optional": (
        "Aanmelden is niet verplicht, maar wel fijn: {}",
        "Registering is not required, but appreciated: {}",
    ),
    "registration_none": (
        "Aanmelden is niet nodig. Meer informatie: {}",
        "No need to register. More information: {}",
    ),
    "more": ("Meer informatie: {}", "More information: {}"),
    "you_confirmed": ("Je bent aangemeld.", "You are registered."),
    "you_waiting": (
        "Je staat op de wachtlijst (plek {}).",
        "You are on the waiting list (place {}).",
    ),
    "you_waiting_unknown": ("Je staat op de wachtlijst.", "You are on the waiting list."),
    "you_cancelled": ("Je aanmelding is geannuleerd.", "Your registration has been cancelled."),
    "manage": (
        "Je aanmelding wijzigen of afmelden: {}",
        "Change or cancel your registration: {}",
    ),
    "you_host": ("Jij bent gastheer/gastvrouw.", "You are the host."),
    "counts": ("Aangemeld: {} van {}", "Registered: {} of {}"),
    "counts_open": ("Aangemeld: {}", "Registered: {}"),
    "counts_waiting": (", wachtlijst: {}", ", waiting list: {}"),
    # calendar names and descriptions
    "cal_all": ("Alle bijeenkomsten", "All events"),
    "cal_all_desc": (
        "Alle gepubliceerde bijeenkomsten, ook geannuleerde.",
        "Every published session, cancelled ones included.",
    ),
    "cal_org_desc": ("Alle bijeenkomsten van {}.", "Every date of {}."),
    "cal_personal": ("Mijn aanmeldingen", "My registrations"),
    "cal_personal_desc": (
        "De bijeenkomsten waarvoor je je hebt aangemeld, en je plek op de wachtlijst.",
        "The dates you registered for, and your place on the waiting list.",
    ),
    "cal_host": ("Mijn bijeenkomsten als gastheer/gastvrouw", "Dates I host"),
    "cal_host_desc": (
        "De bijeenkomsten die je host, met het aantal aanmeldingen.",
        "The dates you host, with the number registered.",
    ),
}
