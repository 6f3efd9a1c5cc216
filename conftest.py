"""Fixtures shared by every app's tests."""

from __future__ import annotations

import socket
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes
from email import policy as email_policy
from email.message import EmailMessage
from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    """Each test starts with an empty cache. The in-process cache outlives a test, and
    database ids are reused between tests, so a fragment cached under (thread 3, version 1)
    by one test would otherwise be served to the next test's different thread 3."""
    from django.core.cache import cache

    cache.clear()


@pytest.fixture
def person(db: None) -> Person:
    return PersonFactory()


@pytest.fixture
def administrator(db: None) -> Person:
    admin = PersonFactory(username="it.admin", job_title="IT Systems Administrator")
    RoleGrantFactory(person=admin, role=Role.ADMINISTRATOR)
    return admin


@contextmanager
def count_queries() -> Iterator[CaptureQueriesContext]:
    with CaptureQueriesContext(connection) as ctx:
        yield ctx


@pytest.fixture
def query_count() -> Callable[[Callable[[], object]], int]:
    """Return how many database queries a callable makes."""

    def measure(action: Callable[[], object]) -> int:
        with count_queries() as ctx:
            action()
        return len(ctx.captured_queries)

    return measure


@dataclass
class ReceivedMail:
    """Messages a real SMTP server (aiosmtpd, started by the test) received."""

    messages: list[EmailMessage] = field(default_factory=list)

    def last(self) -> EmailMessage:
        assert self.messages, "The SMTP server received no message"
        return self.messages[-1]


class _Collector:
    def __init__(self, mailbox: ReceivedMail) -> None:
        self.mailbox = mailbox

    async def handle_DATA(self, server: object, session: object, envelope: Any) -> str:  # noqa: N802  # aiosmtpd's hook name
        parsed = message_from_bytes(envelope.original_content, policy=email_policy.default)
        self.mailbox.messages.append(parsed)
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_server(settings: Any) -> Iterator[ReceivedMail]:
    """Start a real SMTP server on a free local port and point Django's mail at it."""
    from aiosmtpd.controller import Controller

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    mailbox = ReceivedMail()
    controller = Controller(_Collector(mailbox), hostname="127.0.0.1", port=port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = "127.0.0.1"
    settings.EMAIL_PORT = port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield mailbox
    finally:
        controller.stop()
