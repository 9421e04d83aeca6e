"""The words for a request's kinds, statuses, formats and history lines (English msgids; the
pages and mails translate them), kept in one place so a page and a mail say the same."""

from __future__ import annotations

from events_app.i18n import N_

__all__ = ["ACTION_LABELS", "FORMAT_LABELS", "KIND_LABELS", "STATUS_LABELS", "STATUS_TEXTS"]

KIND_LABELS = {
    "guest_lesson": N_("Guest lesson"),
    "empathy_session": N_("Empathy session (inleefsessie)"),
    "workshop": N_("Workshop"),
    "speaker": N_("Speaker for a meeting"),
    "other": N_("Something else"),
}

STATUS_LABELS = {
    "new": N_("New"),
    "in_discussion": N_("In discussion"),
    "proposed": N_("Proposal made"),
    "accepted": N_("Accepted"),
    "declined": N_("Declined"),
    "withdrawn": N_("Withdrawn"),
    "done": N_("Done"),
}

# For the requester: where their request stands, in a sentence.
STATUS_TEXTS = {
    "new": N_("We received your request. The organisation will get back to you."),
    "in_discussion": N_("The organisation is talking with you about your request."),
    "proposed": N_("The organisation has made you a proposal."),
    "accepted": N_("You accepted a proposal: it is planned."),
    "declined": N_("The organisation cannot do this request."),
    "withdrawn": N_("You withdrew this request."),
    "done": N_("This request is done."),
}

FORMAT_LABELS = {
    "online": N_("Online"),
    "in_person": N_("In person"),
    "hybrid": N_("Online and in person"),
}

# One line of the history: what happened (the actor is shown apart).
ACTION_LABELS = {
    "sent": N_("Request sent"),
    "message": N_("Message"),
    "withdrawn": N_("Request withdrawn"),
    "in_discussion": N_("Marked as in discussion"),
    "declined": N_("Request declined"),
    "done": N_("Marked as done"),
    "reopened": N_("Request taken up again"),
    "proposed": N_("Proposal sent"),
    "proposal_replaced": N_("The open proposal was replaced by a new one"),
    "proposal_withdrawn": N_("Proposal withdrawn"),
    "proposal_accepted": N_("Proposal accepted: it is now an event"),
    "proposal_declined": N_("Proposal declined"),
    "expert_asked": N_("Expert asked"),
    "expert_accepted": N_("The expert said yes"),
    "expert_declined": N_("The expert said no"),
    "expert_ask_withdrawn": N_("Question to the expert withdrawn"),
    "expert_left_pool": N_("The expert left the pool"),
}
