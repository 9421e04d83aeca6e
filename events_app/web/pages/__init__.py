"""Server-rendered pages for attendees: HTML that works without JavaScript, nl and en."""

from __future__ import annotations

from events_app.web.pages.controllers import page_route_handlers

__all__ = ["page_route_handlers"]
