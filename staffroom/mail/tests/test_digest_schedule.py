"""When digests are due, and queueing them: who gets one, once, even after a crash."""

from __future__ import annotations

from datetime import UTC, date, timedelta
from typing import Any

import pytest
import time_machine

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.jobs.models import PeriodicRun
from staffroom.jobs.testing import run_jobs
from staffroom.mail.digest import queueing
from staffroom.mail.digest.periods import Period, current_period, latest_due, period_of_key
from staffroom.mail.digest.tasks import queue_due_digests
from staffroom.mail.models import EmailKind, OutboundEmail
from staffroom.mail.tests.digest_scene import WEEK, local
from staffroom.notifications.models import DeliverySettings, DigestFrequency

DAILY = DigestFrequency.DAILY
WEEKLY = DigestFrequency.WEEKLY


# --- Periods -----------------------------------------------------------------------------


def test_the_weekly_digest_covers_monday_to_sunday_and_is_due_on_monday_at_seven():
    # Monday 23 November 2026, 06:59 and 07:00 in the organisation's zone.
    assert latest_due(WEEKLY, local(date(2026, 11, 23), 6, 59)).start == date(2026, 11, 9)
    due = latest_due(WEEKLY, local(date(2026, 11, 23), 7, 0))
    assert due.start == date(2026, 11, 16)
    assert due.last_day == date(2026, 11, 22)
    assert due.send_at == local(date(2026, 11, 23), 7, 0)
    # Any time in the rest of the week, the same period is the latest due.
    assert latest_due(WEEKLY, local(date(2026, 11, 29), 23, 59)).start == date(2026, 11, 16)


def test_the_daily_digest_covers_yesterday_and_is_due_at_seven():
    assert latest_due(DAILY, local(date(2026, 11, 24), 6, 59)).start == date(2026, 11, 22)
    assert latest_due(DAILY, local(date(2026, 11, 24), 7, 0)).start == date(2026, 11, 23)
    assert current_period(DAILY, local(date(2026, 11, 24), 9)).start == date(2026, 11, 24)
    assert current_period(WEEKLY, local(date(2026, 11, 25), 9)).start == date(2026, 11, 23)


def length(period: Period) -> timedelta:
    """Elapsed time (aware datetimes of one zone subtract as wall-clock times)."""
    return period.ends_at.astimezone(UTC) - period.starts_at.astimezone(UTC)


def test_periods_follow_local_midnights_across_daylight_saving_changes(settings: Any):
    settings.TIME_ZONE = "America/New_York"
    # Clocks went back on Sunday 1 November 2026: that day lasted 25 hours.
    autumn = Period(frequency=DAILY, start=date(2026, 11, 1))
    assert length(autumn) == timedelta(hours=25)
    week = Period(frequency=WEEKLY, start=date(2026, 10, 26))
    assert length(week) == timedelta(days=7, hours=1)
    # Sent at 07:00 local on both sides of the change: 11:00 UTC before, 12:00 UTC after.
    assert Period(frequency=DAILY, start=date(2026, 10, 30)).send_at.utcoffset() == timedelta(
        hours=-4
    )
    assert autumn.send_at.utcoffset() == timedelta(hours=-5)
    # Clocks went forward on Sunday 8 March 2026: 23 hours.
    spring = Period(frequency=DAILY, start=date(2026, 3, 8))
    assert length(spring) == timedelta(hours=23)
    # Just after the change, yesterday's digest is due at 07:00 EDT.
    assert latest_due(DAILY, local(date(2026, 3, 9), 7, 0)).start == date(2026, 3, 8)
    assert latest_due(DAILY, local(date(2026, 3, 9), 6, 59)).start == date(2026, 3, 7)


def test_a_key_names_its_period():
    assert period_of_key(WEEK.key_for(42)) == WEEK
    assert period_of_key("notification:12") is None
    assert period_of_key("digest:hourly:2026-11-16:4") is None
    assert period_of_key("digest:weekly:not-a-date:4") is None


# --- Queueing ----------------------------------------------------------------------------


def digests_of(period: Period) -> dict[int, OutboundEmail]:
    rows = OutboundEmail.objects.filter(kind=EmailKind.DIGEST, period_start=period.start)
    return {row.recipient_id: row for row in rows if row.key.startswith(period.key_prefix())}


@pytest.mark.django_db
def test_weekly_digests_go_to_everyone_who_wants_them_and_no_one_else():
    default = PersonFactory()  # no settings stored: the default is weekly
    weekly = PersonFactory()
    DeliverySettings.objects.create(person=weekly, digest=WEEKLY)
    daily = PersonFactory()
    DeliverySettings.objects.create(person=daily, digest=DAILY)
    off = PersonFactory()
    DeliverySettings.objects.create(person=off, digest=DigestFrequency.OFF)
    left = PersonFactory(is_active=False)
    no_address = PersonFactory(email="")

    made = queueing.queue_period(WEEK)

    rows = digests_of(WEEK)
    assert set(rows) == {default.pk, weekly.pk}
    assert made == 2
    assert all(row.status == "pending" for row in rows.values())
    day = Period(frequency=DAILY, start=date(2026, 11, 22))
    queueing.queue_period(day)
    assert set(digests_of(day)) == {daily.pk}
    assert not {off.pk, left.pk, no_address.pk} & (set(digests_of(WEEK)) | set(digests_of(day)))


@pytest.mark.django_db
def test_queueing_the_same_period_twice_makes_nothing_new():
    people = PersonFactory.create_batch(5)
    assert queueing.queue_period(WEEK, size=2) == 5
    assert queueing.queue_period(WEEK, size=2) == 0
    assert len(digests_of(WEEK)) == len(people)
    assert queueing.is_queued(WEEK)


@pytest.mark.django_db
def test_a_walk_cut_short_is_finished_by_the_next_hourly_run(monkeypatch: Any):
    people = PersonFactory.create_batch(7)
    monkeypatch.setattr(queueing, "CHUNK_SIZE", 3)
    with time_machine.travel(local(date(2026, 11, 23), 7, 30), tick=False):
        # A first walk did one chunk, then its worker was killed.
        first = queueing.queue_chunk(WEEK, after_id=0)
        assert first.created == 3
        assert not queueing.is_queued(WEEK)
        # The hourly job sees the period isn't finished and walks it again, one task a chunk.
        assert queue_due_digests.call() == ["daily 2026-11-22", "weekly 2026-11-16"]
        run_jobs(queue="default")
        assert set(digests_of(WEEK)) == {p.pk for p in people}
        assert OutboundEmail.objects.filter(kind=EmailKind.DIGEST).count() == 7
        assert queueing.is_queued(WEEK)
        assert PeriodicRun.objects.filter(name="digest-queued:weekly").count() == 1
        # Later hourly runs in the same week start nothing.
        assert queue_due_digests.call() == []


@pytest.mark.django_db
def test_each_queued_digest_has_its_delivery_task_on_the_email_queue():
    from django_tasks_db.models import DBTaskResult

    PersonFactory.create_batch(3)
    queueing.queue_period(WEEK)
    tasks = DBTaskResult.objects.filter(queue_name="email")
    pks = sorted(pk for task in tasks for pk in task.args_kwargs["args"][1])
    assert pks == sorted(row.pk for row in digests_of(WEEK).values())


@pytest.mark.django_db
def test_queueing_a_chunk_costs_the_same_for_few_and_many_people(query_count: Any):
    PersonFactory.create_batch(3)
    few = query_count(lambda: queueing.queue_chunk(WEEK, after_id=0))
    OutboundEmail.objects.all().delete()
    PersonFactory.create_batch(40)
    many = query_count(lambda: queueing.queue_chunk(WEEK, after_id=0))
    assert few == many
