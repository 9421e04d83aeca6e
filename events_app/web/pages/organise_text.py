"""What the organiser pages say: the messages for the services' errors (by code, at the
form's field), the kinds of event by name, and the "done" notes a redirect may show."""

from __future__ import annotations

from events_app.domain.errors import DomainError
from events_app.i18n import N_, translate
from events_app.web.pages.form_input import FormRejected
from events_app.web.pages.organise_form import FIELD_FOR, KINDS

__all__ = ["DONE", "errors_of", "kinds"]

MESSAGES = {
    "title_missing": N_("Give the series a title."),
    "start_missing": N_("Give the first date."),
    "invalid_time": N_("Write the time as 19:30."),
    "end_before_start": N_("The end must be after the start."),
    "in_the_past": N_("This date and time has already passed."),
    "invalid_day": N_("Write the date as 29-12-2026."),
    "invalid_number": N_("Fill in a whole number in the range shown."),
    "location_missing": N_("Give the address."),
    "invalid_url": N_("Give a web address that starts with https://."),
    "until_missing": N_("Give the last date."),
    "skip_not_a_date": N_("This day is not one of the series' dates."),
    "kind_unknown": N_("Choose a kind of event."),
    "format_unknown": N_("Choose online, in person or both."),
    "repeat_unknown": N_("Choose how often it repeats."),
    "nth_unknown": N_("Choose which week of the month."),
    "weekday_unknown": N_("Choose days from Monday to Sunday."),
    "ends_unknown": N_("Choose when the series ends."),
    "confirm_first_unknown": N_("Choose one of the options."),
    "day_out_of_range": N_("That year is too far away: check the date."),
    "date_not_scheduled": N_("This date is already skipped or cancelled."),
    "date_scheduled": N_("This date is not skipped or cancelled."),
    "date_started": N_("This date has already started or is over."),
    "url_missing": N_("Give the address of the material."),
    "date_taken": N_("The series already has a date on that day: move or cancel that one first."),
    "name_missing": N_("Every speaker needs a name."),
    "name_too_long": N_("Use at most 200 characters."),
}
RULE_MESSAGES = {
    "weekdays": N_("Choose at least one weekday."),
    "interval": N_("Repeat every 1 to 52 weeks or months."),
    "count": N_("The number of times must be between 1 and 1000."),
    "until": N_("Choose an end date or a number of times, not both."),
}
KIND_LABELS = {
    "meetup": N_("Meet-up"),
    "lecture": N_("Lecture"),
    "workshop": N_("Workshop"),
    "training": N_("Training"),
    "course": N_("Course"),
    "network_evening": N_("Network evening"),
    "guest_lesson": N_("Guest lesson"),
    "meeting": N_("Meeting"),
}
DONE = ("created", "skipped", "cancelled", "restored", "changed", "hosts", "published",
        "unpublished", "ended", "details", "speakers", "material",
        "material_removed", "schedule", "added")  # fmt: skip


def errors_of(exc: DomainError, language: str) -> dict[str, str]:
    if isinstance(exc, FormRejected):
        return {FIELD_FOR.get(k, k): v for k, v in exc.messages(language).items()}
    field = FIELD_FOR.get(exc.field or "", exc.field or "form")
    if exc.code == "invalid_rrule" and exc.field in RULE_MESSAGES:
        return {field: translate(language, RULE_MESSAGES[exc.field])}
    text = MESSAGES.get(exc.code)
    return {field: translate(language, text) if text else exc.message}


def kinds(language: str) -> list[tuple[str, str]]:
    return [(k, translate(language, KIND_LABELS[k])) for k in KINDS]
