"""Our own SMTP conversation, so an email is recorded as sent at the right moment.

Django's SMTP backend hands the whole message to `smtplib.sendmail`, which sends the body and
its final "." in one go: there is no moment at which we could record the delivery so that a
worker killed at any instant neither loses nor repeats the email. Here the conversation is
split (decision 0021):

1. MAIL FROM, RCPT TO and DATA; a refusal now costs nothing (a 5xx is final, a 4xx is retried).
2. The message, dot-stuffed, **without** the line "." that ends it. A worker killed now
   leaves the server an unfinished message, which SMTP servers discard: it is sent again
   later, once.
3. `point_of_no_return()`: the caller records the delivery (committed at once).
4. The final "." and the server's reply. A worker killed after step 3 has its email
   recorded, so it is never sent again. A refusal or an unreadable reply undoes step 3.

The only window for a loss is between the commit in step 3 and the three bytes of step 4.
"""

from __future__ import annotations

import logging
import re
import smtplib
import socket
import ssl
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings

from staffroom.jobs.outbox import GiveUp, TryLater

logger = logging.getLogger(__name__)

CRLF = b"\r\n"
# A mail server that doesn't answer a connection within this is down (or firewalled): the
# batch waits for its backoff instead of holding a worker for a minute per email.
CONNECT_TIMEOUT = 10.0
# Seconds to wait for each reply when EMAIL_TIMEOUT isn't set. Well under the outbox lease
# (JOBS_LEASE_SECONDS, 300): a row must not be taken by another worker while we still wait.
DEFAULT_TIMEOUT = 60
_LINE_ENDS = re.compile(rb"\r\n|\n|\r(?!\n)")
_LEADING_DOT = re.compile(rb"(?m)^\.")


def dot_stuffed(message: bytes) -> bytes:
    """The message as DATA carries it: CRLF line ends, a dot doubled at the start of a line
    (RFC 5321 §4.5.2), and ending with CRLF so that ".\\r\\n" alone ends it."""
    data = _LEADING_DOT.sub(b"..", _LINE_ENDS.sub(CRLF, message))
    if not data.endswith(CRLF):
        data += CRLF
    return data


class Refused(Exception):  # noqa: N818  # the server's verdict, turned into TryLater/GiveUp
    def __init__(self, code: int, reply: bytes, doing: str) -> None:
        self.code = code
        self.doing = doing
        self.reply = reply.decode("utf-8", "replace").replace("\n", " ").strip()
        super().__init__(f"{doing}: {code} {self.reply}")

    def verdict(self, message: str) -> TryLater | GiveUp:
        """A 5xx reply is final (RFC 5321 §4.2.1); anything else may work later."""
        text = f"{message} ({self.code} {self.reply})"
        if 500 <= self.code < 600:
            return GiveUp(text)
        return TryLater(text)


@dataclass(frozen=True)
class ServerSettings:
    host: str
    port: int
    username: str
    password: str
    use_tls: bool
    use_ssl: bool
    timeout: float

    @classmethod
    def from_django(cls) -> ServerSettings:
        return cls(
            host=settings.EMAIL_HOST,
            port=int(settings.EMAIL_PORT),
            username=settings.EMAIL_HOST_USER or "",
            password=settings.EMAIL_HOST_PASSWORD or "",
            use_tls=bool(settings.EMAIL_USE_TLS),
            use_ssl=bool(settings.EMAIL_USE_SSL),
            timeout=float(settings.EMAIL_TIMEOUT or DEFAULT_TIMEOUT),
        )

    def __str__(self) -> str:
        return f"{self.host}:{self.port}"


class SMTPSession:
    """One connection to the mail server, shared by a batch of emails.

    `open()` raises TryLater(session_broken=True) when the server can't be reached, and so
    does `send()` when the connection breaks; the outbox then postpones the rest of the
    batch. After a message fails for a reason of its own (a refused recipient), the
    session is reset (RSET) so the next message starts clean.
    """

    def __init__(self, server: ServerSettings | None = None) -> None:
        self.server = server or ServerSettings.from_django()
        self.connection: smtplib.SMTP | None = None

    def open(self) -> None:
        server = self.server
        try:
            if server.use_ssl:
                connection: smtplib.SMTP = smtplib.SMTP_SSL(
                    server.host,
                    server.port,
                    timeout=server.timeout,
                    context=ssl.create_default_context(),
                )
            else:
                connection = smtplib.SMTP(timeout=CONNECT_TIMEOUT)
                connection.connect(server.host, server.port)
            # The message's last line goes out as a write of its own: without TCP_NODELAY,
            # Nagle holds it for the server's delayed ACK (~40 ms an email, measured).
            if connection.sock is not None:
                connection.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                # Connected within CONNECT_TIMEOUT; each reply may take the longer timeout.
                connection.sock.settimeout(server.timeout)
                connection.timeout = server.timeout
            connection.ehlo_or_helo_if_needed()
            if server.use_tls:
                connection.starttls(context=ssl.create_default_context())
                connection.ehlo()
            if server.username:
                connection.login(server.username, server.password)
        except smtplib.SMTPAuthenticationError as error:
            raise TryLater(
                f"The mail server {server} refused Staffroom's user name or password "
                f"({error.smtp_code}): check EMAIL_URL.",
                session_broken=True,
            ) from error
        except (OSError, smtplib.SMTPException) as error:
            raise TryLater(
                f"The mail server {server} can't be reached: {error or type(error).__name__}",
                session_broken=True,
            ) from error
        self.connection = connection

    def close(self) -> None:
        connection, self.connection = self.connection, None
        if connection is None:
            return
        try:
            connection.quit()
        except (OSError, smtplib.SMTPException):
            connection.close()

    def send(
        self,
        *,
        sender: str,
        recipient: str,
        message: bytes,
        point_of_no_return: Callable[[], bool],
        undo: Callable[[], object],
    ) -> None:
        """Send one message to one recipient, calling `point_of_no_return` just before the
        final "." (see the module's docstring) and `undo` if the server then refuses it.
        `point_of_no_return` returns False when the message must not be finished after all.

        Raises GiveUp when the server refuses for good (a 5xx: unknown recipient), TryLater
        when it may work later (a 4xx; session_broken when the connection is gone).
        """
        if self.connection is None:
            self.open()  # once per batch after a broken message; raises TryLater if down
        connection = self.connection
        assert connection is not None  # open() either set it or raised
        data = dot_stuffed(message)
        options = []
        if not message.isascii() and connection.has_extn("8bitmime"):
            options.append("BODY=8BITMIME")
        marked = False
        try:
            _expect(connection.mail(sender, options), (250,), "MAIL FROM")
            _expect(connection.rcpt(recipient), (250, 251), "RCPT TO")
            _expect(connection.docmd("DATA"), (354,), "DATA")
            connection.send(data)
            try:
                ours = point_of_no_return()
            except Exception:
                # Recording failed (the database is busy): leave the message unfinished, so
                # the server discards it, and don't keep a session stuck inside DATA.
                self._drop()
                raise
            if not ours:
                # The row is no longer ours to send (cancelled, or taken by another worker
                # after our lease ran out): leave the message unfinished, which the server
                # discards, and start the next one on a new connection.
                self._drop()
                raise TryLater("Abandoned: the email was no longer waiting to be sent.")
            marked = True
            connection.send(b"." + CRLF)
            _expect(connection.getreply(), (250,), "end of DATA")
        except Refused as refused:
            if marked:
                undo()
            self._reset()
            if refused.code == 421:  # the server is closing the connection (RFC 5321 §3.8)
                self._drop()
                raise TryLater(
                    f"The mail server {self.server} is closing connections ({refused})",
                    session_broken=True,
                ) from refused
            if refused.doing in ("MAIL FROM", "DATA") and refused.code >= 500:
                # Refused for every message, not for this one: the sender, the relay
                # permission or the credentials are wrong. The batch waits (and retries)
                # while an administrator corrects the settings.
                self._drop()
                raise TryLater(
                    f"The mail server {self.server} refuses to send for Staffroom at "
                    f"{refused.doing} ({refused}): check EMAIL_URL (user name, password) "
                    "and DEFAULT_FROM_EMAIL, and that the server relays for Staffroom.",
                    session_broken=True,
                ) from refused
            raise refused.verdict(_refusal(refused, recipient)) from refused
        except (OSError, smtplib.SMTPException) as error:
            # The connection broke. Before the final "." the server has discarded the
            # unfinished message; after it we can't know, so it is retried (a duplicate is
            # possible only if the server took it and the reply was lost on the way back).
            if marked:
                undo()
            self._drop()
            raise TryLater(
                f"The connection to the mail server {self.server} broke: "
                f"{error or type(error).__name__}",
                session_broken=True,
            ) from error

    def _reset(self) -> None:
        """Forget the failed transaction (RSET), or drop a connection that can't."""
        if self.connection is None:
            return
        try:
            code, _reply = self.connection.rset()
        except (OSError, smtplib.SMTPException):
            self._drop()
            return
        if code != 250:
            self._drop()

    def _drop(self) -> None:
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


def _expect(answer: tuple[int, bytes], wanted: tuple[int, ...], doing: str) -> None:
    code, reply = answer
    if code not in wanted:
        raise Refused(code, reply, doing)


def _refusal(refused: Refused, recipient: str) -> str:
    if refused.doing == "RCPT TO":
        return f"The mail server refused the address “{recipient}”: check it in the staff directory"
    return f"The mail server refused the message to “{recipient}” at {refused.doing}"
