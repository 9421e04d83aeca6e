"""Where the site's own CSS (and any progressive-enhancement script) lives, and how long
browsers may keep it.

``static/vendor/`` holds third-party files under a folder named after their version (a new
version is a new address), so browsers keep them for a year; the site's own files keep their
names across releases, so browsers check again after an hour.
"""

from __future__ import annotations

from pathlib import Path

from litestar import get
from litestar.datastructures import CacheControlHeader
from litestar.response import Redirect

__all__ = ["STATIC_CACHE", "STATIC_DIR", "VENDOR_CACHE", "VENDOR_DIR", "favicon"]

STATIC_DIR = Path(__file__).resolve().parent.parent.parent / "static"
VENDOR_DIR = STATIC_DIR / "vendor"
STATIC_CACHE = CacheControlHeader(public=True, max_age=3600)
VENDOR_CACHE = CacheControlHeader(public=True, max_age=365 * 24 * 3600, immutable=True)


@get("/favicon.ico", include_in_schema=False, cache_control=STATIC_CACHE)
async def favicon() -> Redirect:
    """Browsers and feed readers ask for ``/favicon.ico`` by habit; the icon is an SVG."""
    return Redirect("/static/favicon.svg", status_code=301)
