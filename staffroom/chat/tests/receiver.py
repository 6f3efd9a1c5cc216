"""A real HTTPS server in a thread that records the webhook calls it receives, for tests.

Its certificate is self-signed, made with the `openssl` command for the test session (no
Python dependency); the tests point `CHAT_WEBHOOK_CA_BUNDLE` at it and allow 127.0.0.1 with
`CHAT_WEBHOOK_ALLOWED_HOSTS`, so deliveries go through the same TLS checks as in production.
"""

from __future__ import annotations

import json
import ssl
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


@dataclass
class Received:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes

    @property
    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))


@dataclass
class Receiver:
    """What the server received, and what it will answer next (a queue of (status, headers,
    body); 200 "ok" once it is empty)."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    answers: list[tuple[int, dict[str, str], bytes]] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str = "/services/T000/B000/XXXXSECRETXXXX") -> str:
        return f"https://127.0.0.1:{self.port}{path}"

    def answer(
        self,
        status: int,
        *,
        times: int = 1,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
    ) -> None:
        with self.lock:
            self.answers.extend([(status, headers or {}, body)] * times)

    def next_answer(self) -> tuple[int, dict[str, str], bytes]:
        with self.lock:
            return self.answers.pop(0) if self.answers else (200, {}, b"ok")


def make_certificate(directory: Path) -> tuple[Path, Path]:
    cert, key = directory / "receiver.pem", directory / "receiver.key"
    subprocess.run(  # fixed arguments, a test's own certificate
        [  # openssl from PATH, as the test machine has it
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=127.0.0.1",
            "-addext",
            "subjectAltName=IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def _handler(receiver: Receiver) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:  # http.server's name
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length)
            with receiver.lock:
                receiver.requests.append(
                    Received(
                        "POST", self.path, {k.lower(): v for k, v in self.headers.items()}, body
                    )
                )
            status, headers, answer = receiver.next_answer()
            self.send_response(status)
            for name, value in headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(answer)))
            self.end_headers()
            self.wfile.write(answer)

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002  # base signature
            return

    return Handler


@contextmanager
def running_receiver(cert: Path, key: Path) -> Iterator[Receiver]:
    receiver = Receiver()
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(receiver))
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    receiver.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()
