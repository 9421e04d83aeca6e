"""One reused SMTP connection, and what each way of failing means for a mail.

Connecting (TCP, TLS or STARTTLS, EHLO, login) costs more than sending a small message, so a
batch goes over one connection that is opened on first use and opened again after it broke.
Every failure becomes a :class:`SendFailure` that says whether to give up on this mail
(a permanent 5xx answer about it or its address) or try again later, and whether the
connection itself is gone (then the rest of the batch waits too).
"""

from __future__ import annotations

import aiosmtplib
from aiosmtplib.email import parse_address

from events_app.settings import Settings

__all__ = ["SMTP_TIMEOUT", "SendFailure", "SmtpConnection", "classify"]

SMTP_TIMEOUT = 20.0  # seconds per SMTP command; a slow server is a temporary failure


class SendFailure(Exception):
    """``permanent``: do not retry this mail; ``connection``: the connection is unusable."""

    def __init__(self, reason: str, permanent: bool, connection: bool) -> None:
        super().__init__(reason)
        self.reason = reason
        self.permanent = permanent
        self.connection = connection


def _answer(code: int, message: str) -> str:
    return f"{code} {' '.join(str(message).split())}".strip()


def classify(exc: BaseException) -> SendFailure:
    """What an exception from aiosmtplib (or the network) means for this mail."""
    if isinstance(exc, aiosmtplib.SMTPRecipientsRefused):
        answers = [_answer(r.code, r.message) for r in exc.recipients]
        permanent = all(r.code >= 500 for r in exc.recipients)
        what = "refused the address" if permanent else "did not accept the address for now"
        return SendFailure(f"The mail server {what}: {'; '.join(answers)}", permanent, False)
    if isinstance(exc, aiosmtplib.SMTPSenderRefused):
        # Our own sender address: a setting to fix, not a reason to drop the mail.
        return SendFailure(
            f"The mail server refused our sender address: {_answer(exc.code, exc.message)}",
            False,
            False,
        )
    if isinstance(exc, aiosmtplib.SMTPAuthenticationError):
        return SendFailure(
            f"Logging in to the mail server failed: {_answer(exc.code, exc.message)}", False, True
        )
    if isinstance(exc, aiosmtplib.SMTPResponseException):
        answer = _answer(exc.code, exc.message)
        if exc.code == 421 or isinstance(exc, aiosmtplib.SMTPConnectError):
            return SendFailure(f"The mail server is not available: {answer}", False, True)
        if exc.code >= 500 and isinstance(exc, aiosmtplib.SMTPDataError):
            return SendFailure(f"The mail server refused this message: {answer}", True, False)
        if exc.code >= 500:
            return SendFailure(f"The mail server refused: {answer}", True, False)
        return SendFailure(f"The mail server asked to try again later: {answer}", False, False)
    if isinstance(exc, aiosmtplib.SMTPTimeoutError | TimeoutError):
        return SendFailure("The mail server did not answer in time.", False, True)
    if isinstance(exc, aiosmtplib.SMTPServerDisconnected | aiosmtplib.SMTPConnectError):
        return SendFailure(f"No connection to the mail server: {exc}", False, True)
    if isinstance(exc, OSError):
        return SendFailure(f"No connection to the mail server: {exc}", False, True)
    if isinstance(exc, aiosmtplib.SMTPNotSupported):
        return SendFailure(f"The mail server does not support this: {exc}", False, True)
    if isinstance(exc, ValueError):  # an address aiosmtplib will not put in a command
        return SendFailure(f"The address cannot be used: {exc}", True, False)
    return SendFailure(f"Sending failed: {type(exc).__name__}: {exc}", False, True)


class SmtpConnection:
    """A lazily opened, reused connection to the configured SMTP server."""

    def __init__(self, settings: Settings, *, timeout: float | None = None) -> None:
        self._settings = settings
        self._timeout = SMTP_TIMEOUT if timeout is None else timeout
        self._client: aiosmtplib.SMTP | None = None

    def _new_client(self) -> aiosmtplib.SMTP:
        s = self._settings
        login = s.smtp_username is not None and s.smtp_password is not None
        return aiosmtplib.SMTP(
            hostname=s.smtp_host,
            port=s.smtp_port,
            use_tls=s.smtp_security == "tls",
            start_tls=s.smtp_security == "starttls",
            username=s.smtp_username if login else None,
            password=s.smtp_password if login else None,
            timeout=self._timeout,
        )

    async def send(self, sender: str, recipient: str, data: bytes) -> None:
        """Send one message; raises :class:`SendFailure`."""
        await self.begin(sender, recipient, len(data))
        await self.finish(data)

    async def begin(self, sender: str, recipient: str, size: int) -> None:
        """The envelope of one message (``MAIL FROM``, ``RCPT TO``), connecting first when
        needed; nothing is delivered until :meth:`finish` sends the message itself.

        Splitting the two lets the caller do other work (record the previous mail as sent)
        while the server answers the envelope.  Raises :class:`SendFailure`; the envelope is
        then reset, so the connection can carry the next message.
        """
        try:
            if self._client is None or not self._client.is_connected:
                await self.close()
                client = self._new_client()
                await client.connect()
                self._client = client
            client = self._client
            parse_address(sender)
            parse_address(recipient)
            options = [f"size={size}"] if client.supports_extension("size") else []
            try:
                await client.mail(sender, options=options)
                await client.rcpt(recipient)
            except aiosmtplib.SMTPResponseException as exc:
                await self._reset()
                if isinstance(exc, aiosmtplib.SMTPRecipientRefused):
                    raise aiosmtplib.SMTPRecipientsRefused([exc]) from exc
                raise
        except Exception as exc:
            raise self._failure(exc) from exc

    async def finish(self, data: bytes) -> None:
        """Send the message of the envelope :meth:`begin` opened; raises :class:`SendFailure`."""
        try:
            assert self._client is not None, "begin() first"
            try:
                await self._client.data(data)
            except aiosmtplib.SMTPResponseException:
                await self._reset()
                raise
        except Exception as exc:
            raise self._failure(exc) from exc

    async def abandon(self) -> None:
        """Drop the envelope :meth:`begin` opened without sending its message."""
        await self._reset()

    async def _reset(self) -> None:
        client = self._client
        if client is None or not client.is_connected:
            return
        try:
            await client.rset()
        except (ConnectionError, aiosmtplib.SMTPException):
            await self.close()  # an envelope we cannot reset must not carry the next message

    def _failure(self, exc: BaseException) -> SendFailure:
        failure = classify(exc)
        if failure.connection:
            self._drop()
        return failure

    def _drop(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()

    async def close(self) -> None:
        client, self._client = self._client, None
        if client is None or not client.is_connected:
            return
        try:
            await client.quit(timeout=5)
        except Exception:
            client.close()
