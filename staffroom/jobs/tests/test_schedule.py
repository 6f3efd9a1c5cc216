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
    assert set(first) == set(schedule.PERIODIC)
    assert again == []
    assert DBTaskResult.objects.count() == len(schedule.PERIODIC)
    next_minute = schedule.enqueue_due(now + timedelta(minutes=1))
    every_minute = [p.name for p in schedule.PERIODIC.values() if p.every == timedelta(minutes=1)]
    assert sorted(next_minute) == sorted(every_minute)
    assert PeriodicRun.objects.filter(name="sweep").count() == 2


def test_a_daily_job_with_an_offset_starts_its_slot_at_that_hour() -> None:
    now = datetime(2026, 11, 24, 6, 59, tzinfo=UTC)
    seven = timedelta(hours=7)
    assert schedule.slot_of(now, timedelta(days=1), seven) == datetime(2026, 11, 23, 7, tzinfo=UTC)
    later = now + timedelta(minutes=2)
    assert schedule.slot_of(later, timedelta(days=1), seven) == datetime(
        2026, 11, 24, 7, tzinfo=UTC
    )


def test_the_periodic_jobs_run_in_a_worker_without_failing() -> None:
    started = schedule.enqueue_due()
    assert {"sweep", "prune", "publish_scheduled_posts", "daily_upkeep"} <= set(started)
    assert run_jobs() >= len(started)
    assert not DBTaskResult.objects.failed().exists()
    upkeep = DBTaskResult.objects.get(task_path__endswith="daily_upkeep")
    assert upkeep.return_value is not None
    assert "Audit trail intact" in upkeep.return_value["verify_audit"]
