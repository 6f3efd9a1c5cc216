"""The demo hospital shows the bell at work: batched reactions, new posts for the people who
asked for them, and no history waiting to be emailed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from typing import Any

import pytest
from django.db import transaction
from django.test import Client

from staffroom.accounts.models import Person
from staffroom.demo.hospital import SIZES
from staffroom.demo.services import DemoReport, build_demo_hospital
from staffroom.notifications.models import DeliverySettings, Notification
from staffroom.notifications.queries import notification_page, unread_count

TODAY = date(2026, 3, 2)


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = build_demo_hospital(size=SIZES["demo"], today=TODAY)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def built(demo: DemoReport, db: None) -> DemoReport:
    return demo


def test_two_demo_people_asked_for_new_posts(built: DemoReport) -> None:
    opted = set(
        DeliverySettings.objects.filter(channel_posts=True).values_list(
            "person__username", flat=True
        )
    )
    assert {"nurse", "manager"} <= opted


def test_the_nurse_sees_batched_reactions_and_new_posts(built: DemoReport) -> None:
    nurse = Person.objects.get(username="nurse")
    kinds = {item.notification.kind for item in notification_page(viewer=nurse, limit=200).items}
    assert {Notification.Kind.REACTION, Notification.Kind.CHANNEL_POST} <= kinds
    batches = Notification.objects.filter(kind=Notification.Kind.REACTION, others_count__gt=0)
    assert batches.filter(recipient=nurse).exists()
    assert unread_count(nurse) > 0
    client = Client()
    client.force_login(nurse)
    body = client.get("/notifications/").content.decode()
    assert "others reacted to" in body or "other reacted to" in body
    assert "New post in" in body


def test_no_demo_notification_waits_to_be_emailed(built: DemoReport) -> None:
    assert Notification.objects.exists()
    assert not Notification.objects.filter(email_pending=True).exists()


def test_building_again_adds_no_notifications(built: DemoReport) -> None:
    before = Notification.objects.count()
    build_demo_hospital(size=SIZES["demo"], today=TODAY)
    assert Notification.objects.count() == before
