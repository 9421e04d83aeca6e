"""A mail catcher for development: accept every message, keep it as a file, print one line.

``events-app dev`` runs it with ``aiosmtpd.controller.Controller(MailCatcher(...), ...)`` and
points the app's SMTP settings at it.  Messages land in ``var/mail/<timestamp>-<n>.eml``
(open them in any mail program); nothing is ever delivered to anyone.
"""

from __future__ import annotations

import email
import itertools
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from email import policy
from pathlib import Path
from typing import Any

from events_app.settings import ROOT

__all__ = ["DEFAULT_DIRECTORY", "MailCatcher"]

DEFAULT_DIRECTORY = ROOT / "var" / "mail"


class MailCatcher:
    """An aiosmtpd handler (``handle_DATA``) that stores what it receives."""

    def __init__(
        self,
        directory: Path = DEFAULT_DIRECTORY,
        *,
        out: Callable[[str], None] = print,
    ) -> None:
        self.directory = directory
        self.out = out
        self._counter = itertools.count(1)
        self._lock = threading.Lock()

    def store(self, recipients: list[str], data: bytes) -> Path:
        """Write one message to a new file and announce it; returns the file."""
        self.directory.mkdir(parents=True, exist_ok=True)
        with self._lock:
            number = next(self._counter)
        stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
        path = self.directory / f"{stamp}-{number}.eml"
        path.write_bytes(data)
        message = email.message_from_bytes(data, policy=policy.default)
        subject = str(message.get("Subject", "")).replace("\n", " ")
        self.out(f"mail to {', '.join(recipients)}: {subject}  ({path.name})")
        return path

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.original_content or envelope.content
        data = content if isinstance(content, bytes) else str(content).encode("utf-8")
        self.store(list(envelope.rcpt_tos), data)
        return "250 Message accepted for delivery"
