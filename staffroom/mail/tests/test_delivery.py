"""Immediate emails through a real SMTP server (aiosmtpd on a local port)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import mail
from django.test import Client
from django.utils import timezone

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.models import Visibility
from staffroom.discussion.services import set_comment_visibility
from staffroom.jobs.outbox import OutboxStatus
from staffroom.jobs.testing import failed_tasks, run_jobs
from staffroom.mail.models import OutboundEmail
from staffroom.mail.smtp import dot_stuffed
from staffroom.mail.tasks import email_notifications
from staffroom.mail.tests.helpers import mention
from staffroom.mail.tests.smtp_server import CuttingProxy, SMTPServer, free_port
from staffroom.notifications.models import Notification
from staffroom.notifications.preferences import settings_for, unsubscribe

# transaction=True: the real worker closes "old" connections between tasks, which on
# PostgreSQL ends the connection a test transaction is held on.
pytestmark = pytest.mark.django_db(transaction=True)


def send_pending() -> int:
    """What the worker does each minute, then the deliveries it enqueued."""
    email_notifications.enqueue()
    return run_jobs()


def later(minutes: int) -> time_machine.travel:
    return time_machine.travel(timezone.now() + timedelta(minutes=minutes), tick=True)


def test_a_mention_reaches_the_smtp_server_with_both_parts_and_one_click_headers(
    smtp: SMTPServer,
) -> None:
    grace = PersonFactory(username="grace", first_name="Grace", email="grace@riverside.example")
    post = PostFactory(title="Night shift handover")
    mention(grace, post=post)
    notification = Notification.objects.get(recipient=grace)

    send_pending()

    assert len(smtp.received) == 1
    received = smtp.received[0]
    assert received.recipients == ["grace@riverside.example"]
    message = received.message
    assert message["To"] == "grace@riverside.example"
    assert "staffroom@localhost" in message["From"]
    assert message["Subject"] == "Ana Lopez mentioned you in “Night shift handover”"
    row = OutboundEmail.objects.get()
    assert row.status == OutboxStatus.SENT
    assert row.to_address == "grace@riverside.example"
    assert message["Message-ID"] == row.message_id
    assert re.fullmatch(r"<outbound-\d+\.[0-9a-f]{16}@[\w.-]+>", row.message_id)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https?://[^>]+/email/unsubscribe/[^/>]+/>", message["List-Unsubscribe"].strip()
    )
    assert message["Auto-Submitted"] == "auto-generated"
    assert message["List-Id"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None
    assert html is not None
    text_body, html_body = text.get_content(), html.get_content()
    link = f"/notifications/{notification.pk}/"
    for body in (text_body, html_body):
        assert "Night shift handover" in body
        assert link in body
        assert "/email/unsubscribe/" in body
        assert "/me/notifications/" in body  # the settings page
    assert "<" not in text_body.replace("<https", "")  # plain text, not markup
    assert 'lang="en"' in html_body
    assert 'name="color-scheme" content="light dark"' in html_body
    assert "prefers-color-scheme: dark" in html_body
    assert "@" + "grace" not in text_body  # the comment's words are not emailed
    notification.refresh_from_db()
    assert notification.email_pending is False


def test_a_spanish_speaker_gets_the_email_in_spanish(smtp: SMTPServer) -> None:
    lucia = PersonFactory(username="lucia", preferred_language="es")
    mention(lucia, post=PostFactory(title="Turno de noche"))

    send_pending()

    message = smtp.received[0].message
    assert message["Subject"] == "Ana Lopez te mencionó en “Turno de noche”"
    assert message["Content-Language"] == "es"
    html = message.get_body(("html",))
    text = message.get_body(("plain",))
    assert html is not None
    assert text is not None
    assert 'lang="es"' in html.get_content()
    assert "te mencionó en" in html.get_content()
    assert "te mencionó en" in text.get_content()


def test_each_notification_is_emailed_once_however_often_the_job_runs(smtp: SMTPServer) -> None:
    grace = PersonFactory()
    mention(grace)
    send_pending()
    Notification.objects.update(email_pending=True)  # as if a run died before clearing it
    send_pending()
    send_pending()
    assert len(smtp.received) == 1
    assert OutboundEmail.objects.count() == 1


def test_only_kinds_the_person_chose_are_emailed_and_never_to_people_who_left(
    smtp: SMTPServer,
) -> None:
    wants = PersonFactory(email="wants@riverside.example")
    turned_off = PersonFactory(email="off@riverside.example")
    unsubscribe(person=turned_off, scope=Notification.Kind.MENTION)
    left = PersonFactory(email="left@riverside.example", is_active=False)
    no_address = PersonFactory(email="")
    post = PostFactory()
    for person in (wants, turned_off, left, no_address):
        mention(person, post=post)

    send_pending()

    assert [r.recipients for r in smtp.received] == [["wants@riverside.example"]]
    assert not Notification.objects.filter(email_pending=True).exists()


def test_emails_wait_while_the_server_is_down_and_go_out_once_when_it_returns(
    settings: object,
) -> None:
    server = SMTPServer()  # not started: its port refuses connections
    for name, value in server.settings().items():
        setattr(settings, name, value)
    people = [PersonFactory(email=f"nurse{n}@riverside.example") for n in range(3)]
    post = PostFactory()
    for person in people:
        mention(person, post=post)

    send_pending()

    rows = list(OutboundEmail.objects.order_by("pk"))
    assert len(rows) == 3
    assert {row.status for row in rows} == {OutboxStatus.PENDING}
    assert all(row.next_attempt_at > timezone.now() for row in rows)
    assert all("can't be reached" in row.last_error for row in rows)
    assert not failed_tasks()

    server.start()
    try:
        with later(minutes=2):
            run_jobs()
        with later(minutes=30):
            run_jobs()  # nothing left to send: no second copy
    finally:
        server.stop()
    assert sorted(r.recipients[0] for r in server.received) == sorted(p.email for p in people)
    assert set(OutboundEmail.objects.values_list("status", flat=True)) == {OutboxStatus.SENT}


def test_a_refused_recipient_fails_alone_and_the_rest_of_the_batch_is_delivered(
    smtp: SMTPServer,
) -> None:
    smtp.recorder.refuse.add("gone@riverside.example")
    first = PersonFactory(email="first@riverside.example")
    gone = PersonFactory(email="gone@riverside.example")
    last = PersonFactory(email="last@riverside.example")
    post = PostFactory()
    for person in (first, gone, last):
        mention(person, post=post)

    send_pending()

    assert sorted(r.recipients[0] for r in smtp.received) == [
        "first@riverside.example",
        "last@riverside.example",
    ]
    failed = OutboundEmail.objects.get(recipient=gone)
    assert failed.status == OutboxStatus.FAILED
    assert "refused the address “gone@riverside.example”" in failed.last_error
    assert "550" in failed.last_error
    assert "User unknown" in failed.last_error


def test_a_message_refused_after_its_last_line_is_not_recorded_as_sent(
    smtp: SMTPServer,
) -> None:
    smtp.recorder.data_reply = "554 5.7.1 Message rejected by policy"
    mention(PersonFactory(email="grace@riverside.example"))
    send_pending()
    row = OutboundEmail.objects.get()
    assert row.status == OutboxStatus.FAILED
    assert "554 5.7.1 Message rejected by policy" in row.last_error


def test_a_message_deferred_after_its_last_line_waits_and_goes_out_later(
    smtp: SMTPServer,
) -> None:
    smtp.recorder.data_reply = "451 4.3.0 Try again later"
    mention(PersonFactory(email="grace@riverside.example"))
    send_pending()
    row = OutboundEmail.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert row.done_at is None
    assert "451" in row.last_error

    smtp.recorder.data_reply = None
    with later(minutes=2):
        run_jobs()
    assert len(smtp.received) == 1
    assert OutboundEmail.objects.get().status == OutboxStatus.SENT


def test_a_malformed_directory_address_fails_once_with_a_reason_an_administrator_can_act_on(
    smtp: SMTPServer,
) -> None:
    broken = PersonFactory(email="ana@@riverside.example")
    fine = PersonFactory(email="fine@riverside.example")
    post = PostFactory()
    mention(broken, post=post)
    mention(fine, post=post)

    send_pending()

    assert [r.recipients for r in smtp.received] == [["fine@riverside.example"]]
    failed = OutboundEmail.objects.get(recipient=broken)
    assert failed.status == OutboxStatus.FAILED
    assert failed.last_error == (
        "The directory has no valid email address for this person (“ana@@riverside.example”): "
        "correct it in the staff directory import."
    )
    # More mentions of the same person don't pile up more failures while the address is wrong.
    mention(broken, post=PostFactory())
    send_pending()
    assert OutboundEmail.objects.filter(recipient=broken).count() == 1


def test_a_notification_about_a_comment_held_before_sending_is_cancelled_not_sent(
    smtp: SMTPServer,
) -> None:
    grace = PersonFactory()
    comment = mention(grace, post=PostFactory(title="Bed 4"))
    email_notifications.enqueue()
    run_jobs(queue="default")  # queued, not yet delivered
    assert OutboundEmail.objects.get().status == OutboxStatus.PENDING
    set_comment_visibility(comment=comment, visibility=Visibility.HELD)

    run_jobs()

    assert smtp.received == []
    row = OutboundEmail.objects.get()
    assert row.status == OutboxStatus.CANCELLED
    assert not failed_tasks()


def test_a_notification_read_in_the_app_before_the_email_goes_is_not_emailed(
    smtp: SMTPServer,
) -> None:
    grace = PersonFactory()
    mention(grace)
    email_notifications.enqueue()
    run_jobs(queue="default")
    Notification.objects.update(read_at=timezone.now())
    run_jobs()
    assert smtp.received == []
    assert OutboundEmail.objects.get().status == OutboxStatus.CANCELLED


def test_a_connection_cut_before_the_final_dot_leaves_no_message_and_the_retry_sends_it_once(
    smtp_server: SMTPServer, settings: object
) -> None:
    """What a worker killed mid-email leaves behind: an unfinished DATA, which the server
    throws away. The row goes back to waiting and the next attempt delivers it, once."""
    proxy = CuttingProxy(smtp_server.port, cut_before=b"Content-Type: text/html").start()
    for name, value in smtp_server.settings(port=proxy.port).items():
        setattr(settings, name, value)
    grace = PersonFactory(email="grace@riverside.example")
    mention(grace)

    send_pending()

    assert proxy.cut.is_set()
    assert smtp_server.received == []
    row = OutboundEmail.objects.get()
    assert row.status == OutboxStatus.PENDING
    assert row.done_at is None
    assert "broke" in row.last_error

    settings.EMAIL_PORT = smtp_server.port  # type: ignore[attr-defined]
    with later(minutes=2):
        run_jobs()
    with later(minutes=30):
        run_jobs()
    assert len(smtp_server.received) == 1
    row.refresh_from_db()
    assert row.status == OutboxStatus.SENT
    assert row.attempts == 2


def test_a_recorded_delivery_is_never_sent_again(smtp: SMTPServer) -> None:
    grace = PersonFactory()
    mention(grace)
    send_pending()
    row = OutboundEmail.objects.get()
    from staffroom.jobs import outbox

    outbox.enqueue_delivery([row])  # a duplicate task, as after a lost acknowledgement
    run_jobs()
    assert len(smtp.received) == 1


def test_without_an_smtp_backend_django_sends_it() -> None:
    """`make run` writes emails to files and unit tests keep them in memory."""
    grace = PersonFactory(email="grace@riverside.example")
    mention(grace)
    send_pending()
    assert len(mail.outbox) == 1
    sent = mail.outbox[0]
    assert sent.to == ["grace@riverside.example"]
    assert sent.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert OutboundEmail.objects.get().status == OutboxStatus.SENT


def test_the_one_click_link_in_a_received_email_unsubscribes_without_signing_in(
    smtp: SMTPServer,
) -> None:
    grace = PersonFactory()
    mention(grace)
    send_pending()
    header = smtp.received[0].message["List-Unsubscribe"].strip()
    url = re.fullmatch(r"<https?://[^/]+(/[^>]+)>", header)
    assert url is not None

    client = Client(enforce_csrf_checks=True)
    response = client.post(
        url.group(1),
        "List-Unsubscribe=One-Click",
        content_type="application/x-www-form-urlencoded",
    )

    assert response.status_code == 200
    delivery = settings_for(grace)
    assert Notification.Kind.MENTION not in delivery.email_kinds
    assert Notification.Kind.REPLY in delivery.email_kinds
    assert delivery.digest != "off"
    assert "_auth_user_id" not in client.session


def test_queueing_costs_the_same_queries_for_few_and_many_notifications(
    django_assert_max_num_queries: object,
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from staffroom.mail.services import queue_notification_emails

    def queries_for(count: int) -> int:
        post = PostFactory()
        for _n in range(count):
            mention(PersonFactory(), post=post)
        with CaptureQueriesContext(connection) as captured:
            assert queue_notification_emails() == count
        return len(captured)

    assert queries_for(2) == queries_for(25)


def test_dots_at_the_start_of_a_line_are_doubled_and_lines_end_in_crlf() -> None:
    assert dot_stuffed(b"a\n.b\r\n..c\rd") == b"a\r\n..b\r\n...c\r\nd\r\n"


def test_nothing_listens_on_a_fresh_free_port() -> None:
    import socket

    with (
        pytest.raises(ConnectionRefusedError),
        socket.create_connection(("127.0.0.1", free_port()), 1),
    ):
        pass
