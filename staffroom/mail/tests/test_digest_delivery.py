"""Digests end to end: queued by the hourly job, rendered and sent by the real worker to a
real SMTP server (aiosmtpd), once each, even when a worker dies mid-delivery; and the cost
of one digest in queries, whatever the amount of news."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest
import time_machine
from django.utils import translation

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.discussion.models import Thread
from staffroom.ideas.services.voting import vote
from staffroom.jobs import outbox
from staffroom.jobs.testing import run_jobs
from staffroom.mail.digest.content import forget_shared
from staffroom.mail.digest.render import render_digest
from staffroom.mail.digest.tasks import queue_due_digests
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.mail.tests.digest_scene import (
    SENDING,
    answer,
    digest_row,
    local,
    make_scene,
    post_in,
    propose,
)
from staffroom.mail.tests.smtp_server import SMTPServer

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_shared_part() -> Any:
    forget_shared()
    yield
    forget_shared()


def test_the_smtp_server_gets_one_digest_per_person_with_both_parts_and_unsubscribe_headers(
    smtp: SMTPServer, settings: Any
):
    settings.SITE_URL = "https://staff.riverside.example"
    scene = make_scene()
    reader = scene.reader
    colleague = PersonFactory(unit=reader.unit, preferred_language="es")
    colleague_elsewhere = PersonFactory()  # another department: nothing for them this week
    post = post_in(scene.own_channel, "New starters on the ward")
    author = PersonFactory()  # told about the answer to their idea
    idea = propose(author, "Quieter night rounds")
    vote(idea=idea, person=reader)
    answer(idea, "A trial starts on two wards next month.", status="accepted")

    monday = local(date(2026, 11, 23), 7, 30)
    with time_machine.travel(monday, tick=False):
        queue_due_digests.call()
        run_jobs()
        rows = OutboundEmail.objects.filter(kind=EmailKind.DIGEST)
        assert {row.status for row in rows} == {"sent", "cancelled"}

    received = {r.recipients[0]: r.message for r in smtp.received}
    assert sorted(received) == sorted([reader.email, colleague.email, author.email])
    assert len(smtp.received) == 3

    message = received[reader.email]
    assert message["Subject"].startswith("Your week at ")
    assert "1 post" in message["Subject"]
    assert "1 idea update" in message["Subject"]
    unsubscribe = str(message["List-Unsubscribe"]).strip()
    assert unsubscribe.startswith("<https://staff.riverside.example/")
    assert unsubscribe.endswith(">")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None
    assert html is not None
    text_body, html_body = text.get_content(), html.get_content()
    for body in (text_body, html_body):
        assert post.title in body
        assert idea.title in body
        assert f"https://staff.riverside.example{post.get_absolute_url()}" in body
        assert unsubscribe[1:-1] in body
    assert "<html" in html_body
    assert "<html" not in text_body

    spanish = received[colleague.email]
    assert spanish["Content-Language"] == "es"
    spanish_text = spanish.get_body(preferencelist=("plain",))
    assert spanish_text is not None
    assert "noviembre" in spanish_text.get_content()

    nothing = OutboundEmail.objects.get(recipient=colleague_elsewhere, kind=EmailKind.DIGEST)
    assert nothing.status == "cancelled"

    # The next hourly runs that week send nothing again.
    with time_machine.travel(monday + timedelta(hours=1), tick=False):
        queue_due_digests.call()
        run_jobs()
    assert len(smtp.received) == 3


def test_a_worker_killed_mid_digest_neither_loses_nor_repeats_it(smtp: SMTPServer):
    scene = make_scene()
    readers = [scene.reader, *PersonFactory.create_batch(3, unit=scene.reader.unit)]
    post_in(scene.own_channel, "New starters on the ward")
    monday = local(date(2026, 11, 23), 7, 30)
    with time_machine.travel(monday, tick=False):
        queue_due_digests.call()
        run_jobs(queue="default")  # the walk only: the emails wait on the email queue
        victim = OutboundEmail.objects.get(recipient=readers[1], kind=EmailKind.DIGEST)
        # A worker claimed it and died before sending anything.
        assert outbox.claim(OutboundEmail, victim.pk) is not None
        run_jobs()
    assert sorted(r.recipients[0] for r in smtp.received) == sorted(
        p.email for p in readers if p != readers[1]
    )
    # After the lease, the sweeper hands it to another worker; it goes out once.
    with time_machine.travel(monday + timedelta(minutes=10), tick=False):
        outbox.sweep()
        run_jobs()
        outbox.sweep()
        run_jobs()
    recipients = [r.recipients[0] for r in smtp.received]
    assert sorted(recipients) == sorted(p.email for p in readers)
    assert len(recipients) == len(set(recipients))


def fresh(email: OutboundEmail) -> OutboundEmail:
    row: OutboundEmail = OutboundEmail.objects.select_related("recipient").get(pk=email.pk)
    return row


def queries_for_one_digest(email: OutboundEmail, query_count: Any) -> int:
    with time_machine.travel(SENDING, tick=False), translation.override("en"):
        assert render_digest(fresh(email)) is not None  # builds the shared part
        return int(query_count(lambda: render_digest(fresh(email))))


def test_a_digest_costs_the_same_queries_with_little_or_much_news(query_count: Any):
    scene = make_scene()
    reader = scene.reader
    email = digest_row(reader)
    post_in(scene.own_channel, "One post")
    idea = propose(PersonFactory(), "One idea")
    vote(idea=idea, person=reader)
    answer(idea, "We will look at it.")
    few = queries_for_one_digest(email, query_count)

    for n in range(25):
        post = post_in([scene.own_channel, scene.followed, scene.lets_talk][n % 3], f"Post {n}")
        Thread.objects.filter(pk=post.thread_id).update(comment_count=n)
    for n in range(12):
        more = propose(PersonFactory(), f"Idea {n}")
        vote(idea=more, person=reader)
        answer(more, f"Answer {n}.", status="under_review")
    many = queries_for_one_digest(email, query_count)
    assert few == many
    assert many <= 6
