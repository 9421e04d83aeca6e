"""Why a date is off, in the reader's language.

The organiser's own reason ("call off this date because …") is stored as typed and shown as
typed.  When the app takes a date off itself (a new schedule, a pause) it stores a *cause*: a
code, never a sentence, so a Dutch page, an English mail and a feed in the series' language
each say it in their own words.  A code this version does not know reads as nothing rather
than as a code.
"""

from __future__ import annotations

from events_app.i18n import N_, translate

__all__ = ["CAUSES", "PAUSED", "SCHEDULE_CHANGED", "SERIES_ENDED", "reason_text"]

SCHEDULE_CHANGED = "schedule_changed"
PAUSED = "paused"
SERIES_ENDED = "series_ended"
CAUSES: dict[str, str] = {
    SCHEDULE_CHANGED: N_("The series has a new schedule and no longer meets on this date."),
    PAUSED: N_("The series takes a break and does not meet on this date."),
    SERIES_ENDED: N_("The series ends."),
}


def reason_text(cause: str | None, typed: str | None, language: str) -> str:
    """The reason to show: the organiser's own words if there are any, else the cause in
    ``language`` (empty when neither is known)."""
    own = (typed or "").strip()
    if own:
        return own
    message = CAUSES.get(cause or "")
    return translate(language, message) if message else ""
