"""Mail fixtures: a real SMTP server (aiosmtpd) per test and helpers to drain the outbox.

Load them in a test module with ``pytest_plugins = ["tests.integration.conftest_mail"]``
(and do not import this module yourself: pytest must load it first, to rewrite its asserts).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from events_app.settings import Settings
from tests.smtp import SmtpServer, settings_for

__all__ = ["mail_settings", "smtp_server"]


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    server = SmtpServer()
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mail_settings(smtp_server: SmtpServer) -> Settings:
    return settings_for(smtp_server)
