"""What the pages say when a service refuses: one message per error code, in the reader's language.

A code means one thing wherever it is raised, except for a few that depend on the form
(``name_missing`` is the speaker's name on a series, the organisation's in the settings); those
have their text per form in ``IN_CONTEXT``.  A code without a text here shows the service's own
message, translated when the catalogue has it.
"""

from __future__ import annotations

from events_app.domain.errors import DomainError
from events_app.i18n import N_, translate

__all__ = ["IN_CONTEXT", "MESSAGES", "RULE_MESSAGES", "message_for"]

MESSAGES: dict[str, str] = {
    "measure_unknown": N_("Choose a percentage of the dates or a number of hours."),
    "threshold_invalid": N_(
        "Give a whole number: a percentage from 1 to 100, or hours from 1 to 10000."
    ),
    "threshold_missing": N_("Set the attendance needed first."),
    "certificate_not_due": N_(
        "This person does not meet the attendance needed, or has a certificate already."
    ),
    "certificate_revoked": N_("This certificate was withdrawn."),
    "certificate_no_address": N_("This person's e-mail address is no longer known."),
    "consent_en_alone": N_("Write the consent text in the organisation's language first."),
    "name_missing": N_("Fill in your name."),
    "name_too_long": N_("Use at most 200 characters."),
    "name_invalid": N_("Fill in a name of at most 200 characters."),
    "email_missing": N_("Fill in an e-mail address."),
    "email_invalid": N_("This is not a valid e-mail address. Check it for typing errors."),
    "email_not_ascii": N_(
        "Letters with accents (such as é or ö) and other special letters cannot be used before "
        "the @: mail to such an address cannot be delivered."
    ),
    "role_unknown": N_("Choose one of the options."),
    "needs_too_long": N_("Use at most 2000 characters."),
    "consent_missing": N_("Tick the box to agree, or you cannot register."),
    "answer_missing": N_("Answer this question."),
    "answer_invalid": N_("Choose one of the options."),
    "answer_too_long": N_("Use at most 2000 characters."),
    "dates_missing": N_("Choose at least one date."),
    "attendance_missing": N_("Choose whether you come on site or online."),
    "attendance_unknown": N_("Choose on site or online."),
    "choose_one": N_("Choose at least one date."),
    "date_full": N_("This date is full and has no waiting list."),
    "date_cancelled": N_("This date has been cancelled."),
    "registration_closed": N_("Registration for this date is closed."),
    "registration_not_open_yet": N_("Registration for this date has not opened yet."),
    "registration_not_needed": N_("You do not need to register for this event: just come."),
    "not_open": N_("This event is not open for registration."),
    "no_dates": N_("There are no dates left to register for."),
    "date_unknown": N_("One of the chosen dates does not exist."),
    "one_date": N_("Choose one date to apply for."),
    "applications_only": N_("This event takes applications: apply on its page."),
    "registrations_only": N_("This event takes no applications."),
    "application_decided": N_("This application was already dealt with."),
    "application_not_pending": N_("Only an application that waits for an answer can be withdrawn."),
    "message_too_long": N_("Use at most 2000 characters."),
    "mixed_organisations": N_("Register for one organisation's dates at a time."),
    "too_many_dates": N_("You chose too many dates."),
    "login_failed": N_("The e-mail address or password is not right."),
    "password_wrong": N_("Your current password is not right."),
    "password_too_short": N_("Choose a password of at least 10 characters."),
    "password_mismatch": N_("The two new passwords are not the same."),
    "title_missing": N_("Give the series a title."),
    "together_endless": N_(
        "Dates registered together need an end: give a number of dates or an end date."
    ),
    "together_too_long": N_("Dates registered together can be at most 30 dates."),
    "together_too_far": N_(
        "Choose fewer dates or an earlier end: all dates registered together must be "
        "planned now, within the coming months."
    ),
    "together_has_registrations": N_(
        "People have registered already: whether the dates are registered as one can no "
        "longer change."
    ),
    "together_schedule_registered": N_(
        "People have registered for these dates as one: move single dates instead of "
        "changing the schedule."
    ),
    "together_date_registered": N_(
        "People have registered for these dates as one: a date added now would not be "
        "theirs. Make a new event instead."
    ),
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
    "unknown_timezone": N_("Give a known time zone, such as Europe/Amsterdam."),
    "invalid_slug": N_(
        "Use only small letters, digits and single hyphens, for example herstelcafe-noord."
    ),
    "slug_taken": N_("This web address is already in use: choose another one."),
    "invalid_moment": N_("Write the date and time as 2026-12-29 19:30."),
    "closes_before_opens": N_("Registration must close after it opens."),
    "mode_unknown": N_("Choose how people register."),
    "visibility_unknown": N_("Choose who sees the link."),
    "link_unreachable": N_(
        "Nobody registers, so nobody would get the link: show it to everyone, or let people "
        "register."
    ),
    "reminder_invalid": N_("Fill in a number of hours from 0 to 336."),
    "tag_too_long": N_("Use at most 40 characters per topic."),
    "too_many_tags": N_("Give at most 20 topics."),
    "date_not_scheduled": N_("This date is already skipped or cancelled."),
    "date_scheduled": N_("This date is not skipped or cancelled."),
    "date_started": N_("This date has already started or is over."),
    "url_missing": N_("Give the address of the material."),
    "date_taken": N_("The series already has a date on that day: move or cancel that one first."),
    "retention_invalid": N_("Fill in a number of days from 1 to 3650."),
    "needs_days_invalid": N_(
        "Fill in a number of days from 0 up to the number of days the rest is kept."
    ),
    "aftercare_hours_invalid": N_("Fill in a number of hours from 1 to 336."),
    "language_unknown": N_("Choose Dutch or English."),
    "consent_too_long": N_("Use at most 5000 characters."),
    "label_invalid": N_("Write a question of 1 to 300 characters."),
    "choices_invalid": N_("Give 2 to 20 options of at most 100 characters, one per line."),
    "not_confirmed": N_("Only people with a place can be marked present."),
    "attended_unknown": N_("Choose present or absent."),
    "attendance_early": N_("Attendance can be recorded from one hour before the start."),
    "attendance_closed": N_("Attendance can be recorded until 30 days after the date."),
    "already_cancelled": N_("This registration was already cancelled."),
    "not_waiting": N_("This person is not on the waiting list."),
    "selection_unknown": N_("Choose how people register."),
    "already_member": N_("This person is already in the team."),
    "last_organiser": N_("An organisation needs at least one organiser."),
    "wrong_account": N_(
        "This invitation is for another e-mail address. Log out and log in with that one."
    ),
    "account_exists": N_("This address has an account: log in to accept."),
    "day_missing": N_("Fill in this day."),
    "weeks_missing": N_("Say every how many weeks the series meets after the pause."),
    "weeks_out_of_range": N_("Fill in a whole number of weeks from 1 to 12."),
    "pause_in_the_past": N_("A pause starts today at the earliest."),
    "pause_ends_before_start": N_("The last day of the pause is before its first day."),
    "resume_in_pause": N_("The series continues after the pause: choose a day after its last day."),
    "ends_before_resume": N_("The series ends before that day: there is nothing to continue."),
    "not_repeating": N_("A one-off event has no rhythm to pause: move its date instead."),
    # following (the follow form on an organisation's or a series' page)
    "series_unknown": N_("This series does not exist."),
    "topic_unknown": N_("This topic does not exist."),
    "follow_one_thing": N_("Choose what you want to follow."),
    "follow_unknown_choice": N_("Choose what you want to follow."),
    "digest_unknown": N_("Choose at once or once a week."),
    "subject_missing": N_("Write a subject."),
    "subject_invalid": N_("Use at most 200 characters."),
    "body_missing": N_("Write the announcement."),
    "body_invalid": N_("Use at most 20000 characters."),
    "dates_invalid": N_("Choose at most 20 coming dates of your own events."),
}
IN_CONTEXT: dict[str, dict[str, str]] = {
    "organise": {
        "name_missing": N_("Every speaker needs a name."),
    },
    "settings": {
        "name_missing": N_("Give the organisation a name."),
        "kind_unknown": N_("Choose the kind of answer."),
    },
    "host": {
        "date_full": N_("The date is full: raise its capacity first."),
    },
    "programmes": {
        "title_missing": N_("Give the programme a title."),
    },
    "sessions": {
        "title_missing": N_("Give the session a title."),
        "start_missing": N_("Give the day."),
        "name_missing": N_("Every speaker needs a name."),
    },
    "team": {
        "name_missing": N_("Fill in a name."),
        "role_unknown": N_("Choose organiser or host."),
        "password_mismatch": N_("The two passwords are not the same."),
    },
}
# An impossible repeat rule, by the field it is about (the code is ``invalid_rrule`` for all).
RULE_MESSAGES: dict[str, str] = {
    "weekdays": N_("Choose at least one weekday."),
    "interval": N_("Repeat every 1 to 52 days, weeks or months."),
    "count": N_("The number of times must be between 1 and 1000."),
    "until": N_("Choose an end date or a number of times, not both."),
}


def message_for(exc: DomainError, language: str, context: str | None = None) -> str:
    """The words for a refusal on the form named by ``context`` (see ``IN_CONTEXT``)."""
    if exc.code == "invalid_rrule" and exc.field in RULE_MESSAGES:
        return translate(language, RULE_MESSAGES[exc.field])
    text = IN_CONTEXT.get(context or "", {}).get(exc.code) or MESSAGES.get(exc.code)
    return translate(language, text or exc.message)
