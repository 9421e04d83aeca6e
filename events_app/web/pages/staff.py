"""The logged-in part of the site for hosts and organisers: who is there, and the page frame.

Every staff page depends on :func:`staff_actor`.  Without a valid session the visitor is sent to
the login page (303), which brings them back to where they were going.  Staff pages are never
cached and never indexed; what an account may see is decided by the services (a host sees only
the dates they host; anything else is "not found", so guessing addresses tells nothing).
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from litestar import Request, Response
from litestar.di import Provide
from litestar.exceptions import HTTPException
from litestar.response import Redirect

from events_app.accounts.credentials import Actor
from events_app.i18n import N_
from events_app.tables import Membership
from events_app.web.auth import session_actor
from events_app.web.pages.context import page

__all__ = [
    "LoginRequired",
    "login_redirect",
    "provide_staff_actor",
    "staff_actor",
    "staff_page",
]


class LoginRequired(HTTPException):
    status_code = 401
    detail = "Log in first."


async def staff_actor(request: Request[Any, Any, Any]) -> Actor:
    """The logged-in host or organiser, or :class:`LoginRequired`."""
    actor = await session_actor(request)
    if actor is None:
        raise LoginRequired()
    return actor


provide_staff_actor = Provide(staff_actor)


def login_redirect(request: Request[Any, Any, Any], _: LoginRequired) -> Response[Any]:
    """Send a visitor without a session to the login page, and back afterwards."""
    target = request.url.path
    if request.url.query:
        target += "?" + request.url.query
    if request.method != "GET":
        target = request.url.path
    return Redirect(f"/login?next={quote(target, safe='')}", status_code=303)


NAV: list[tuple[str, str, str]] = [
    # (address, label, who sees it: "any" or organisers only)
    ("/host", N_("My dates"), "any"),
    ("/organise", N_("Plan"), Membership.Role.organiser),
    ("/team", N_("Team"), Membership.Role.organiser),
    ("/account", N_("My account"), "any"),
]


def staff_page(
    request: Request[Any, Any, Any],
    actor: Actor,
    template: str,
    *,
    status: int = 200,
    **context: Any,
) -> Response[str]:
    """Render ``templates/pages/staff/<template>`` for a logged-in account (never cached)."""
    organiser = bool(actor.organiser_of())
    nav = [
        (href, label)
        for href, label, who in NAV
        if who == "any" or (who == Membership.Role.organiser and organiser)
    ]
    return page(
        request,
        f"staff/{template}",
        status=status,
        private=True,
        actor=actor,
        staff_nav=nav,
        **context,
    )
