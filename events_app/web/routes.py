"""Every route handler of the app, in one list (app.py stays wiring only)."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

from events_app.web.api.session import SessionController, TokenController
from events_app.web.health import health

__all__ = ["route_handlers"]


def route_handlers() -> list[ControllerRouterHandler]:
    return [health, SessionController, TokenController]
