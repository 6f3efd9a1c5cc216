"""Sending one OutboundEmail: render it in the recipient's language, build the message with
its headers, and hand it over (decision 0021).

With Django's SMTP backend configured (production, and the tests that start a real SMTP
server) the message goes through our own SMTP conversation (staffroom.mail.smtp), which
records the delivery just before the final "." so that a killed worker neither loses nor
repeats it. With any other backend (the file backend of `make run`, locmem in unit tests)
Django's backend sends it and the delivery is recorded after.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import re
from collections.abc import Iterator
from email.header import Header
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMultiAlternatives, get_connection
from django.core.mail.message import sanitize_address
from django.core.validators import validate_email
from django.utils import translation

from staffroom.jobs.outbox import GiveUp, TryLater
from staffroom.mail.rendering import RENDERERS, RenderedEmail
from staffroom.mail.smtp import SMTPSession
from staffroom.mail.unsubscribe import unsubscribe_url

if TYPE_CHECKING:
    from staffroom.mail.models import OutboundEmail

logger = logging.getLogger(__name__)

SMTP_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
_SPACES = re.compile(r"\s+")


def uses_smtp() -> bool:
    return str(settings.EMAIL_BACKEND) == SMTP_BACKEND


class DjangoSession:
    """Any other email backend, opened once per batch."""

    def __init__(self) -> None:
        self.connection = get_connection(fail_silently=False)

    def send(self, message: EmailMultiAlternatives) -> None:
        self.connection.send_messages([message])


@contextlib.contextmanager
def open_session() -> Iterator[SMTPSession | DjangoSession]:
    """The connection a batch of emails shares. Raises TryLater(session_broken=True) when
    the SMTP server can't be reached (the outbox then delivers with no session)."""
    if not uses_smtp():
        session = DjangoSession()
        try:
            session.connection.open()
        except Exception as error:
            raise TryLater(
                f"The email backend can't be opened: {error}", session_broken=True
            ) from error
        try:
            yield session
        finally:
            session.connection.close()
        return
    smtp = SMTPSession()
    smtp.open()
    try:
        yield smtp
    finally:
        smtp.close()


def deliver(email: OutboundEmail, session: Any) -> None:
    """Send `email` (claimed by the outbox: status "sending"), or cancel it when its
    renderer has nothing to say any more. Raises TryLater or GiveUp (staffroom.jobs.outbox)."""
    person = email.recipient
    if not person.is_active or person.is_erased:
        email.cancel("The person has left or was erased.")
        return
    address = (person.email or "").strip()
    problem = address_problem(address)
    if problem:
        email.record_address(address, "")
        raise GiveUp(problem)
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        rendered = RENDERERS[email.kind](email)
        if rendered is None:
            email.cancel("Nothing to send any more (already read, hidden, or turned off).")
            return
        message = build_message(email, rendered, address=address)
    email.record_address(address, message.extra_headers["Message-ID"])
    if session is None:
        raise TryLater("The mail server can't be reached.", session_broken=True)
    if isinstance(session, SMTPSession):
        encoding = message.encoding or settings.DEFAULT_CHARSET
        session.send(
            sender=sanitize_address(message.from_email, encoding),
            recipient=sanitize_address(address, encoding),
            message=wire_bytes(message),
            point_of_no_return=email.mark_delivered,
            undo=email.unmark_delivered,
        )
        return
    try:
        session.send(message)
    except Exception as error:  # whatever the backend raises: retried with backoff
        raise TryLater(f"The email backend failed: {error}") from error
    email.mark_delivered()


def wire_bytes(message: EmailMultiAlternatives) -> bytes:
    """The message as sent over SMTP.

    Django (5.2) encodes a non-ASCII subject as one long encoded word that the generator
    then folds onto a line of its own, which strict readers see as a leading space; encoded
    with the header's name in mind it starts on the Subject line.
    """
    built = message.message()
    subject = str(message.subject)
    if not subject.isascii():
        built.replace_header("Subject", Header(subject, "utf-8", header_name="Subject"))
    wire: bytes = built.as_bytes(linesep="\r\n")
    return wire


def address_problem(address: str) -> str:
    """Why this directory address can't be emailed, for the administrator who can fix it;
    empty when it can."""
    if not address:
        return (
            "The directory has no email address for this person: add one in the staff "
            "directory import."
        )
    try:
        validate_email(address)
    except ValidationError:
        return (
            f"The directory has no valid email address for this person (“{address[:254]}”): "
            "correct it in the staff directory import."
        )
    return ""


def message_id(email: OutboundEmail) -> str:
    """Stable for the row: a retry after a lost reply carries the same Message-ID, so a
    receiving system can recognise a duplicate."""
    key_hash = hashlib.sha256(email.key.encode()).hexdigest()[:16]
    return f"<outbound-{email.pk}.{key_hash}@{site_domain()}>"


def site_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def build_message(
    email: OutboundEmail, rendered: RenderedEmail, *, address: str
) -> EmailMultiAlternatives:
    unsubscribe = unsubscribe_url(email.recipient_id, rendered.unsubscribe_scope)
    headers = {
        "Message-ID": message_id(email),
        # RFC 8058: the mail client POSTs "List-Unsubscribe=One-Click" to the https address.
        # No mailto: nothing reads replies to Staffroom's address.
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"Staffroom {email.kind} emails <{email.kind}.{site_domain()}>",
        "Auto-Submitted": "auto-generated",
        "Content-Language": translation.get_language() or settings.LANGUAGE_CODE,
    }
    message = EmailMultiAlternatives(
        subject=_SPACES.sub(" ", rendered.subject).strip(),
        body=rendered.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[address],
        headers=headers,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
