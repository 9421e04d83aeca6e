"""Structured logs: one JSON line per request (request id, method, path, status, duration) and
the app's own log lines in the same format, with the request id when inside a request.

No personal data: paths that carry a secret (manage links, personal feeds, reset and invitation
links, certificate codes) are logged with the secret replaced by "…", query strings are never
logged, and neither are client addresses, names or e-mail addresses.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import re
import sys
import time
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any

from litestar.datastructures import MutableScopeHeaders
from litestar.enums import ScopeType
from litestar.exceptions import HTTPException
from litestar.types import ASGIApp, Message, Receive, Scope, Send

from events_app.domain.errors import DomainError
from events_app.observability import metrics

__all__ = [
    "LOGGING_FLAG",
    "JsonFormatter",
    "RequestLogMiddleware",
    "configure_logging",
    "redact",
    "request_id",
]

# Set by ``events-app serve`` for the app processes it starts (uvicorn --workers spawns them).
LOGGING_FLAG = "EVENTS_CONFIGURE_LOGGING"
request_id: ContextVar[str] = ContextVar("request_id", default="")
access = logging.getLogger("events_app.access")
_GOOD_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_SECRETS = [
    (re.compile(r"^/manage/[^/]+"), "/manage/…"),
    (re.compile(r"^/api/v1/manage/[^/]+"), "/api/v1/manage/…"),
    (re.compile(r"^/feeds/me/[^/]+"), "/feeds/me/…"),
    (re.compile(r"^/feeds/hosts/[^/]+"), "/feeds/hosts/…"),
    (re.compile(r"^/password/reset/[^/]+"), "/password/reset/…"),
    (re.compile(r"^/invitations/[^/]+"), "/invitations/…"),
    # a certificate's code shows its holder's name to whoever has it
    (re.compile(r"^/certificates/(?!verify$)[^/]+"), "/certificates/…"),
]


_SECRET_PREFIXES = tuple(replacement.removesuffix("…") for _, replacement in _SECRETS)


def redact(path: str) -> str:
    """The path without the secrets some addresses carry."""
    if not path.startswith(_SECRET_PREFIXES):
        return path[:300]
    for pattern, replacement in _SECRETS:
        path = pattern.sub(replacement, path)
    return path[:300]


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
            "pid": os.getpid(),
        }
        current = request_id.get()
        if current:
            line["request_id"] = current
        fields = getattr(record, "fields", None)
        if isinstance(fields, dict):
            line.update(fields)
        if record.exc_info:
            line["error"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False, default=str)


def configure_logging(fmt: str) -> None:
    """Root logging to stderr, as JSON lines (``json``) or plain text (``text``)."""
    handler = logging.StreamHandler(sys.stderr)
    if fmt == "json":
        handler.setFormatter(JsonFormatter())
    else:
        handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(logging.INFO)
    for noisy in ("uvicorn.access", "httpx", "mail.log"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


_ID_PREFIX = os.urandom(8).hex()  # per process; the counter makes each id unique in it
_ID_COUNTER = itertools.count()


def _new_id() -> str:
    """A fresh request id: 32 hex characters, unique across processes (no syscall)."""
    return f"{_ID_PREFIX}{next(_ID_COUNTER) & 0xFFFFFFFFFFFFFFFF:016x}"


class RequestLogMiddleware:
    """Give every request an id (``X-Request-ID``, taken from the caller when it is sane) and
    log one line when it is answered."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != ScopeType.HTTP:
            await self.app(scope, receive, send)
            return
        given = ""
        for name, value in scope["headers"]:
            if name == b"x-request-id":
                given = value.decode("latin-1")
        rid = given if _GOOD_ID.match(given) else _new_id()
        token = request_id.set(rid)
        started = time.perf_counter()
        metrics.IN_FLIGHT.inc()
        status = 500
        answered = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, answered
            if message["type"] == "http.response.start":
                status, answered = message["status"], True
                headers = message.get("headers", ())
                if any(name.lower() == b"x-request-id" for name, _ in headers):
                    MutableScopeHeaders.from_message(message)["X-Request-ID"] = rid
                else:  # the usual case, without decoding every header
                    message["headers"] = [*headers, (b"x-request-id", rid.encode("latin-1"))]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except (HTTPException, DomainError) as exc:
            # Raised by a middleware further in (a route's own errors are answered inside),
            # e.g. the input guard: Litestar answers it with its status, outside this one.
            if not answered:
                status = exc.status_code
            raise
        finally:
            seconds = time.perf_counter() - started
            metrics.IN_FLIGHT.dec()
            route = str(scope.get("path_template") or "unmatched")
            metrics.observe(scope["method"], route, status, seconds)
            if access.isEnabledFor(logging.INFO):
                elapsed = round(seconds * 1000, 1)
                path = redact(scope["path"])
                access.info(
                    "%s %s %s %.1f ms",
                    scope["method"],
                    path,
                    status,
                    elapsed,
                    extra={
                        "fields": {
                            "request_id": rid,
                            "method": scope["method"],
                            "path": path,
                            "status": status,
                            "duration_ms": elapsed,
                        }
                    },
                )
            request_id.reset(token)
