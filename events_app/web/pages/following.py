"""Following by e-mail address: the small form, the "check your mailbox" answer, the private
follow page (confirm, at once or weekly) and one-click unfollow.

``POST /follow`` always answers the same page when the input is valid: it never tells whether
the address follows already.  ``/follow/{token}`` only confirms with its button (a link scanner
that opens the mail's link confirms nothing).  ``/unfollow/{token}``: GET shows a button, POST
unfollows; that POST is excluded from CSRF (mail programs send it themselves, RFC 8058) and
needs only the token.  Unknown tokens are one 404.
"""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath
from litestar.response import Redirect

from events_app.domain.errors import DomainError, NotFound
from events_app.registration import following
from events_app.web.pages.context import language_of, page
from events_app.web.pages.form_input import Email, Line, NoFields, decode_form, decode_to_show
from events_app.web.pages.forms import field_messages

__all__ = ["FollowPageController", "UnfollowPageController"]

DONE = ("confirmed", "lapsed", "digest")


class FollowFields(msgspec.Struct):
    email: Email = ""
    organisation: Line = ""
    what: Line = ""  # "organisation", "topic:<tag>" or "series:<id>"
    digest: Line = "daily"


class DigestFields(msgspec.Struct):
    digest: Line = ""


def _target(what: str) -> tuple[int | None, str]:
    """The form's choice as a series id or a topic; anything else is refused at its field."""
    if what.startswith("series:"):
        number = what.removeprefix("series:")
        if not number.isdigit() or len(number) > 10:
            raise DomainError("series_unknown", "This series does not exist.", field="what")
        return int(number), ""
    if what.startswith("topic:"):
        return None, what.removeprefix("topic:")
    if what in ("", "organisation"):
        return None, ""
    raise DomainError("follow_unknown_choice", "Choose what you want to follow.", field="what")


class FollowPageController(Controller):
    path = "/follow"

    @post("/", include_in_schema=False)
    async def ask(self, request: Request[Any, Any, Any]) -> Response[str]:
        sent, rejected = await decode_to_show(request, FollowFields)
        language = language_of(request)
        try:
            if rejected:
                raise rejected
            series_id, topic = _target(sent.what)
            await following.request_follow(
                sent.email,
                sent.organisation,
                series_id=series_id,
                topic=topic,
                digest=sent.digest,
                language=language,
            )
        except NotFound:
            raise
        except DomainError as exc:
            errors = field_messages(exc, language, field=exc.field or "email")
            if "series_id" in errors or "topic" in errors:
                errors["what"] = errors.pop("series_id", "") or errors.pop("topic", "")
            return page(
                request,
                "follow.html",
                status=400,
                private=True,
                sent=False,
                form=msgspec.structs.asdict(sent),
                errors=errors,
            )
        return page(request, "follow.html", private=True, sent=True, form={}, errors={})

    @get("/{token:str}", include_in_schema=False)
    async def show(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        found = await following.follow_for_token(token)
        done = request.query_params.get("done", "")
        return page(
            request,
            "follow_manage.html",
            private=True,
            token=token,
            follow=found,
            done=done if done in DONE else "",
        )

    @post("/{token:str}/confirm", include_in_schema=False)
    async def confirm(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Redirect:
        await decode_form(request, NoFields)
        confirmed = await following.confirm(token)
        done = "confirmed" if confirmed else "lapsed"
        return Redirect(f"/follow/{token}?done={done}", status_code=303)

    @post("/{token:str}/digest", include_in_schema=False)
    async def digest(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Redirect:
        sent = await decode_form(request, DigestFields)
        await following.set_digest(token, sent.digest)
        return Redirect(f"/follow/{token}?done=digest", status_code=303)


class UnfollowPageController(Controller):
    path = "/unfollow"

    @get("/{token:str}", include_in_schema=False)
    async def ask(self, request: Request[Any, Any, Any], token: FromPath[str]) -> Response[str]:
        found = await following.follow_for_token(token)
        return page(request, "unfollow.html", private=True, token=token, follow=found, done=False)

    @post("/{token:str}", include_in_schema=False, status_code=200)
    async def unfollow(
        self, request: Request[Any, Any, Any], token: FromPath[str]
    ) -> Response[str]:
        """One click from a mail program (``List-Unsubscribe=One-Click``) or the button."""
        await following.unfollow(token)
        return page(request, "unfollow.html", private=True, token="", follow=None, done=True)
