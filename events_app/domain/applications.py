"""Applications: the rules of their states, without a database.

A series that takes applications (``admission = "apply"``) admits people one by one: an
application is *pending* (it takes no seat), then an organiser or host *accepts* it (the person
is registered: a place, or the waiting list when full) or *declines* it with a kind message.
The person may *withdraw* it while it is pending.  Applying again for a date answers the same as
the first time and changes nothing, unless the earlier one was withdrawn.
"""

from __future__ import annotations

from enum import StrEnum

from events_app.domain.errors import Conflict, DomainError
from events_app.i18n import N_

__all__ = [
    "DEFAULT_DECLINE",
    "MAX_MESSAGE",
    "State",
    "can_apply_again",
    "check_decidable",
    "check_withdrawable",
    "clean_message",
]

MAX_MESSAGE = 2000

# The kind words a decline carries unless the organiser writes their own; shown to the
# organiser in the applicant's language so they can change them.
DEFAULT_DECLINE = N_(
    "Thank you for your application and for your interest. This time we cannot offer you a "
    "place. This says nothing about you: there were more applications than places. You are "
    "welcome to apply again another time."
)


class State(StrEnum):
    pending = "pending"
    accepted = "accepted"
    declined = "declined"
    withdrawn = "withdrawn"


def can_apply_again(state: str) -> bool:
    """Whether a new application brings this earlier one back as pending (only a withdrawn
    one: anything else stays as it is, whoever typed the address)."""
    return state == State.withdrawn


def check_decidable(state: str) -> None:
    """Only a pending application can be accepted or declined."""
    if state != State.pending:
        raise Conflict("application_decided", "This application was already dealt with.")


def check_withdrawable(state: str) -> None:
    if state != State.pending:
        raise Conflict(
            "application_not_pending",
            "Only an application that waits for an answer can be withdrawn.",
        )


def clean_message(text: str) -> str:
    """The organiser's message to the applicant: line breaks kept, at most MAX_MESSAGE."""
    cleaned = "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()
    if len(cleaned) > MAX_MESSAGE:
        raise DomainError(
            "message_too_long", f"Use at most {MAX_MESSAGE} characters.", field="message"
        )
    return cleaned
