"""The local HTTPS receiver, for the chat tests (and tests/browser/test_chat_webhooks.py)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from staffroom.chat.tests.receiver import Receiver, make_certificate, running_receiver


@pytest.fixture(scope="session")
def receiver_certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return make_certificate(tmp_path_factory.mktemp("chat-tls"))


@pytest.fixture
def receiver(receiver_certificate: tuple[Path, Path], settings: Any) -> Iterator[Receiver]:
    """A real HTTPS server on 127.0.0.1 that records the cards it receives; webhook
    addresses on it are accepted and its certificate trusted for the test."""
    cert, key = receiver_certificate
    settings.CHAT_WEBHOOK_ALLOWED_HOSTS = ["127.0.0.1"]
    settings.CHAT_WEBHOOK_CA_BUNDLE = str(cert)
    settings.SITE_URL = "https://staff.riverside.example"
    with running_receiver(cert, key) as running:
        yield running
