"""One gate for input no handler should ever see, in front of every route (API, page, feed).

It runs after routing (app-level middleware in Litestar runs per route), so the path
parameters are parsed and the route's own error handlers answer: JSON for the API, an error
page for pages.

* **NUL characters** (``\\0``): PostgreSQL refuses them in text, so they would reach the driver
  and fail there.  A NUL in the path (raw or ``%00``) is a 404; in the query string, in a JSON
  body (raw or escaped as ``\\u0000``), in a urlencoded form body (raw or ``%00``) or in any
  ``text/*`` body it is a 400.  Bodies of methods that carry one are read in full first (at most
  :data:`MAX_BODY` bytes, else 413) and then handed to the app unchanged.  Multipart bodies
  (file uploads) and other non-text types are not inspected.
* **Ids in paths** (``{…:int}``) outside the database's range (1 … 2³¹−1) name no row: 404.
* **JSON API writes**: a body sent to ``/api/`` with POST, PUT, PATCH or DELETE must be
  ``application/json`` (or ``application/*+json``), else 415; only a date's material file
  (``…/materials/files``) is sent as a multipart form.  A cross-site HTML form can only
  send urlencoded, multipart or ``text/plain`` bodies, so this also stops a login CSRF against
  ``POST /api/v1/session``.
"""

from __future__ import annotations

import re

from litestar.datastructures import FormMultiDict
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException, NotFoundException
from litestar.status_codes import (
    HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    HTTP_415_UNSUPPORTED_MEDIA_TYPE,
)
from litestar.types import ASGIApp, Empty, HTTPRequestEvent, Receive, ReceiveMessage, Scope, Send
from litestar.utils.scope.state import ScopeState

from events_app.domain.errors import DomainError
from events_app.settings import get_settings
from events_app.web.api.types import is_id

__all__ = ["MAX_BODY", "InputGuard"]

MAX_BODY = 1024 * 1024
BODY_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
NUL_MESSAGE = "The request contains a NUL character (\\0), which is not accepted anywhere."
# An escaped NUL in a JSON string: "\u0000" preceded by an even number of backslashes
# (an odd number would make it the literal text "\u0000").
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
FORM = "application/x-www-form-urlencoded"
_JSON_TYPE = re.compile(r"^application/(?:[\w.+-]+\+)?json$")


def _media_type(scope: Scope) -> str:
    for name, value in scope["headers"]:
        if name == b"content-type":
            return value.decode("latin-1").split(";", 1)[0].strip().lower()
    return ""


def _content_length(scope: Scope) -> int | None:
    """The declared length; None when not declared (or not a number)."""
    for name, value in scope["headers"]:
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


MULTIPART = "multipart/form-data"
MAX_MULTIPART = 25 * 1024 * 1024  # forms that carry files are read too, up to this size
# The one API write that takes a multipart form: a file for a date's materials.  (A cross-site
# form cannot use it either: API writes with a session cookie need X-Requested-With.)
_UPLOAD_PATH = re.compile(r"^/api/v1/dates/\d+/materials/files/?$")
_BOUNDARY = re.compile(r'boundary="?([^";]+)"?', re.IGNORECASE)


def _boundary(scope: Scope) -> bytes | None:
    for name, value in scope["headers"]:
        if name == b"content-type":
            match = _BOUNDARY.search(value.decode("latin-1"))
            return match.group(1).encode("latin-1") if match else None
    return None


def _multipart_text_has_nul(boundary: bytes | None, body: bytes) -> bool:
    """A NUL in a multipart form's text fields (a file's bytes are its own business)."""
    if boundary is None:
        return b"\x00" in body
    for part in body.split(b"--" + boundary):
        head, _, content = part.partition(b"\r\n\r\n")
        if b"filename=" in head.lower():
            continue
        if b"\x00" in head or b"\x00" in content:
            return True
    return False


def _inspected(media_type: str) -> bool:
    """Text bodies and multipart forms are read and checked; other binary bodies pass."""
    return (
        media_type in ("", FORM, MULTIPART)
        or media_type.startswith("text/")
        or _JSON_TYPE.match(media_type) is not None
    )


def _has_nul(media_type: str, body: bytes) -> bool:
    if b"\x00" in body:
        return True
    if media_type == FORM:
        return b"%00" in body
    if media_type.startswith("text/"):
        return False
    # JSON, or undeclared (read as the app would: as JSON)
    return _JSON_NUL.search(body) is not None


class InputGuard:
    """ASGI middleware; see the module's description."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        if "\x00" in scope["path"] or b"%00" in scope.get("raw_path", b""):
            raise NotFoundException("This address does not exist.")
        for value in scope.get("path_params", {}).values():
            if isinstance(value, int) and not is_id(value):
                raise NotFoundException("There is nothing with this number.")
        query = scope.get("query_string", b"")
        if b"\x00" in query or b"%00" in query:
            raise DomainError("nul_character", NUL_MESSAGE)
        if scope.get("method") not in BODY_METHODS:
            await self.app(scope, receive, send)
            return

        media_type = _media_type(scope)
        length = _content_length(scope)
        declared_body = length is None or length > 0
        api = scope["path"].startswith("/api/")
        uploads = media_type == MULTIPART and _UPLOAD_PATH.match(scope["path"]) is not None
        json_or_upload = _JSON_TYPE.match(media_type) is not None or uploads
        if declared_body and api and media_type and not json_or_upload:
            raise _not_json()
        if not declared_body or not _inspected(media_type):  # binary: as they are
            await self.app(scope, receive, send)
            return
        cap = MAX_BODY
        if media_type == MULTIPART:
            cap = max(MAX_MULTIPART, get_settings().max_upload_bytes + 1024 * 1024)
        if length is not None and length > cap:
            raise _too_large()

        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > cap:
                raise _too_large()
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if body and api and not media_type:
            raise _not_json()
        if media_type == MULTIPART:
            if _multipart_text_has_nul(_boundary(scope), body):
                raise DomainError("nul_character", NUL_MESSAGE)
        elif _has_nul(media_type, body):
            raise DomainError("nul_character", NUL_MESSAGE)

        replayed = False

        async def replay() -> ReceiveMessage:
            nonlocal replayed
            if not replayed:
                replayed = True
                whole: HTTPRequestEvent = {"type": "http.request", "body": body, "more_body": False}
                return whole
            return await receive()

        try:
            await self.app(scope, replay, send)
        finally:
            # Uploads spooled by a form parse are closed by Litestar after the handler; when the
            # request ends before it (CSRF refused in the middleware), they are closed here.
            if media_type == MULTIPART and (form := ScopeState.from_scope(scope).form) is not Empty:
                await FormMultiDict.from_form_data(form).close()


def _not_json() -> HTTPException:
    return HTTPException(
        "The API accepts only JSON: send the body with Content-Type: application/json.",
        status_code=HTTP_415_UNSUPPORTED_MEDIA_TYPE,
    )


def _too_large() -> HTTPException:
    return HTTPException(
        f"The request body is too large (at most {MAX_BODY // 1024} KB).",
        status_code=HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    )
