from __future__ import annotations

from collections.abc import Iterator

import pytest

from staffroom.mail.tests.smtp_server import SMTPServer


@pytest.fixture
def smtp_server() -> Iterator[SMTPServer]:
    server = SMTPServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp(smtp_server: SMTPServer, settings: object) -> SMTPServer:
    """A real SMTP server that Django's settings point at."""
    for name, value in smtp_server.settings().items():
        setattr(settings, name, value)
    return smtp_server
