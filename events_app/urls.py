"""Absolute public URLs, built in one place so mails, feeds and pages agree.

Every link that leaves the app (in a mail or a calendar feed) is absolute and starts with the
configured ``EVENTS_BASE_URL``.  These paths are part of the product: keep them stable.
"""

from __future__ import annotations

from events_app.settings import get_settings

__all__ = [
    "absolute",
    "certificate_page",
    "certificate_verify",
    "date_page",
    "date_ics",
    "material_file",
    "series_page",
    "programme_page",
    "organisation_page",
    "manage_page",
    "personal_feed",
    "host_feed",
    "series_feed",
    "programme_feed",
    "organisation_feed",
    "all_feed",
    "webcal",
]


def absolute(path: str) -> str:
    return get_settings().base_url + path


def certificate_page(code: str) -> str:
    return absolute(f"/certificates/{code}")


def certificate_verify() -> str:
    return absolute("/certificates/verify")


def series_page(series_slug: str) -> str:
    return absolute(f"/events/{series_slug}")


def date_page(series_slug: str, date_id: int) -> str:
    return absolute(f"/events/{series_slug}/{date_id}")


def material_file(series_slug: str, date_id: int, material_id: int) -> str:
    return absolute(f"/events/{series_slug}/{date_id}/materials/{material_id}")


def date_ics(date_id: int) -> str:
    return absolute(f"/feeds/dates/{date_id}.ics")


def programme_page(programme_slug: str) -> str:
    return absolute(f"/programmes/{programme_slug}")


def organisation_page(organisation_slug: str) -> str:
    return absolute(f"/organisations/{organisation_slug}")


def manage_page(manage_token: str) -> str:
    return absolute(f"/manage/{manage_token}")


def personal_feed(feed_token: str) -> str:
    return absolute(f"/feeds/me/{feed_token}.ics")


def host_feed(host_token: str) -> str:
    return absolute(f"/feeds/hosts/{host_token}.ics")


def series_feed(series_slug: str) -> str:
    return absolute(f"/feeds/series/{series_slug}.ics")


def programme_feed(programme_slug: str) -> str:
    return absolute(f"/feeds/programmes/{programme_slug}.ics")


def organisation_feed(organisation_slug: str) -> str:
    return absolute(f"/feeds/organisations/{organisation_slug}.ics")


def all_feed() -> str:
    return absolute("/feeds/all.ics")


def webcal(url: str) -> str:
    """The ``webcal://`` form of a feed URL, which calendar apps open as a subscription."""
    return "webcal://" + url.split("://", 1)[1]
