"""A real SMTP server for tests: aiosmtpd on a free port, in its own thread.

``SmtpServer`` collects every message it accepts; ``stop()``/``start()`` take it down and
bring it back on the same port (to test outages); ``refuse`` makes it answer 550 for chosen
addresses.  ``settings_for(server)`` are the app settings pointed at it.
"""

from __future__ import annotations

import asyncio
import email
import socket
import threading
from dataclasses import dataclass, field, replace
from email import policy
from email.message import EmailMessage
from typing import Any, cast

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session

from events_app.mail.delivery import deliver_due
from events_app.settings import Settings, get_settings

__all__ = ["Received", "SmtpServer", "drain", "free_port", "settings_for"]


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass(frozen=True)
class Received:
    mail_from: str
    rcpt_tos: tuple[str, ...]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        return cast(EmailMessage, email.message_from_bytes(self.data, policy=policy.default))


@dataclass
class _Handler:
    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    delay: float = 0.0  # seconds to wait before answering DATA (a slow server)
    slow_accept: float = 0.0  # seconds to wait before accepting DATA (a slow, working server)
    data_started: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_RCPT(
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: Any
    ) -> str:
        if address.lower() in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.delay:
            await asyncio.sleep(self.delay)
            return "451 4.3.0 Too slow, try again"
        self.data_started.set()
        if self.slow_accept:
            await asyncio.sleep(self.slow_accept)
        content = envelope.original_content or envelope.content
        assert isinstance(content, bytes)
        with self.lock:
            self.received.append(
                Received(str(envelope.mail_from), tuple(envelope.rcpt_tos), content)
            )
        return "250 Message accepted for delivery"


class SmtpServer:
    def __init__(self) -> None:
        self.port = free_port()
        self.handler = _Handler()
        self._controller: Controller | None = None

    def start(self) -> None:
        if self._controller is None:
            self._controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
            self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        with self.handler.lock:
            return list(self.handler.received)

    @property
    def messages(self) -> list[EmailMessage]:
        return [item.message for item in self.received]

    def clear(self) -> None:
        with self.handler.lock:
            self.handler.received.clear()

    def refuse(self, *addresses: str) -> None:
        self.handler.refuse.update(a.lower() for a in addresses)


async def drain(settings: Settings, *, batch: int = 50, rounds: int = 1000) -> int:
    """Call deliver_due until nothing is due; returns how many rows were dealt with."""
    total = 0
    for _ in range(rounds):
        handled = await deliver_due(batch=batch, settings=settings)
        if handled == 0:
            return total
        total += handled
    raise AssertionError("the outbox did not drain")


def settings_for(server: SmtpServer) -> Settings:
    return replace(
        get_settings(), smtp_host="127.0.0.1", smtp_port=server.port, smtp_security="none"
    )
