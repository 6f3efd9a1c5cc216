from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_tasks_db.models import DBTaskResult

from staffroom.jobs import schedule
from staffroom.jobs.models import PeriodicRun
from staffroom.jobs.testing import run_jobs

pytestmark = pytest.mark.django_db


def test_a_slot_starts_on_a_multiple_of_its_interval() -> None:
    now = datetime(2026, 11, 24, 14, 7, 31, tzinfo=UTC)
    assert schedule.slot_of(now, timedelta(minutes=1)) == datetime(2026, 11, 24, 14, 7, tzinfo=UTC)
    assert schedule.slot_of(now, timedelta(days=1)) == datetime(2026, 11, 24, tzinfo=UTC)


def test_each_periodic_job_is_enqueued_once_per_slot_however_many_clocks_ask() -> None:
    now = datetime(2026, 11, 24, 14, 7, 31, tzinfo=UTC)
    first = schedule.enqueue_due(now)
    again = schedule.enqueue_due(now + timedelta(seconds=20))
    assert set(first) == {"sweep", "prune"}
    assert again == []
    assert DBTaskResult.objects.count() == 2
    next_minute = schedule.enqueue_due(now + timedelta(minutes=1))
    assert next_minute == ["sweep"]
    assert PeriodicRun.objects.filter(name="sweep").count() == 2


def test_the_periodic_jobs_run_in_a_worker() -> None:
    schedule.enqueue_due()
    assert run_jobs() == 2
    assert not DBTaskResult.objects.failed().exists()
