"""A real SMTP server for tests (aiosmtpd, on a free local port) that keeps what it receives,
and a TCP proxy that can cut a connection in the middle of a message."""

from __future__ import annotations

import contextlib
import email
import email.policy
import socket
import threading
from dataclasses import dataclass, field
from email.message import EmailMessage
from typing import Any

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, Envelope, Session


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Received:
    sender: str
    recipients: list[str]
    data: bytes

    @property
    def message(self) -> EmailMessage:
        parsed = email.message_from_bytes(self.data, policy=email.policy.default)
        assert isinstance(parsed, EmailMessage)
        return parsed


@dataclass
class Recorder:
    """The handler: refuses the addresses in `refuse` at RCPT TO with 550, answers the end of
    DATA with `data_reply` when set (a refusal after the message), keeps the rest."""

    received: list[Received] = field(default_factory=list)
    refuse: set[str] = field(default_factory=set)
    data_reply: str | None = None

    async def handle_RCPT(  # noqa: N802  # aiosmtpd's hook name
        self, server: SMTP, session: Session, envelope: Envelope, address: str, options: list[str]
    ) -> str:
        if address in self.refuse:
            return "550 5.1.1 Recipient address rejected: User unknown in local recipient table"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(  # noqa: N802
        self, server: SMTP, session: Session, envelope: Envelope
    ) -> str:
        if self.data_reply is not None:
            return self.data_reply
        content = envelope.original_content or b""
        self.received.append(
            Received(
                sender=str(envelope.mail_from), recipients=list(envelope.rcpt_tos), data=content
            )
        )
        return "250 2.0.0 Ok: queued"

    def to(self, address: str) -> list[Received]:
        return [r for r in self.received if address in r.recipients]


class SMTPServer:
    """Start and stop a real SMTP server on one port, keeping one Recorder across restarts."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.recorder = Recorder()
        self._controller: Controller | None = None

    def start(self) -> SMTPServer:
        self._controller = Controller(self.recorder, hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    @property
    def received(self) -> list[Received]:
        return self.recorder.received

    def settings(self, port: int | None = None) -> dict[str, Any]:
        """Django settings that send through this server (or through a proxy's port)."""
        return {
            "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "EMAIL_HOST": "127.0.0.1",
            "EMAIL_PORT": port or self.port,
            "EMAIL_HOST_USER": "",
            "EMAIL_HOST_PASSWORD": "",
            "EMAIL_USE_TLS": False,
            "EMAIL_USE_SSL": False,
            "EMAIL_TIMEOUT": 5,
        }


class CuttingProxy:
    """Forwards one SMTP connection to `target_port`, but when the client's bytes reach
    `cut_before` (bytes inside the message) it forwards only what came before them and
    closes both sides: the server is left with an unfinished DATA, as when a worker dies."""

    def __init__(self, target_port: int, cut_before: bytes) -> None:
        self.target_port = target_port
        self.cut_before = cut_before
        self.listener = socket.socket()
        self.listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = int(self.listener.getsockname()[1])
        self.cut = threading.Event()
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def start(self) -> CuttingProxy:
        self.thread.start()
        return self

    def _serve(self) -> None:
        client, _address = self.listener.accept()
        server = socket.create_connection(("127.0.0.1", self.target_port))
        threading.Thread(target=self._pipe_back, args=(server, client), daemon=True).start()
        seen = b""
        while True:
            chunk = client.recv(65536)
            if not chunk:
                break
            seen += chunk
            at = seen.find(self.cut_before)
            if at >= 0:
                keep = len(chunk) - (len(seen) - at)
                if keep > 0:
                    server.sendall(chunk[:keep])
                self.cut.set()
                break
            server.sendall(chunk)
        for sock in (client, server):
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self.listener.close()

    @staticmethod
    def _pipe_back(server: socket.socket, client: socket.socket) -> None:
        try:
            while chunk := server.recv(65536):
                client.sendall(chunk)
        except OSError:
            return
