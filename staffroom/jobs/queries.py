"""What administrators see of the background work (/system/jobs/), at a fixed query cost.

Counts are bounded (COUNT over at most COUNT_UP_TO rows): a backlog of a million emails shows
as "10,000+" without scanning a million rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from staffroom.jobs import outbox
from staffroom.jobs.outbox import OutboxStatus

COUNT_UP_TO = 10_000
LIST_SIZE = 50
# A task running longer than this has probably lost its worker.
STUCK_AFTER = timedelta(hours=1)


@dataclass(frozen=True)
class Count:
    value: int

    @property
    def shown(self) -> str:
        return f"{COUNT_UP_TO:,}+" if self.value > COUNT_UP_TO else f"{self.value:,}"


def _bounded(queryset: Any) -> Count:
    return Count(queryset[: COUNT_UP_TO + 1].count())


@dataclass(frozen=True)
class DeliveryKind:
    label: str
    model_label: str
    waiting: Count
    failed_rows: list[outbox.Outbox]
    oldest_waiting_at: Any


@dataclass(frozen=True)
class JobsOverview:
    ready: Count
    running: Count
    stuck: list[DBTaskResult[Any, Any]]
    failed_tasks: list[DBTaskResult[Any, Any]]
    deliveries: list[DeliveryKind]


def jobs_overview() -> JobsOverview:
    """Three queries for the task queue, three per kind of delivery."""
    now = timezone.now()
    tasks = DBTaskResult.objects.all()
    deliveries = []
    for label, model in sorted(outbox.REGISTRY.items()):
        manager = model._default_manager
        waiting = manager.filter(status__in=[OutboxStatus.PENDING, OutboxStatus.SENDING])
        oldest = waiting.order_by("created_at").values_list("created_at", flat=True).first()
        deliveries.append(
            DeliveryKind(
                label=str(model._meta.verbose_name_plural),
                model_label=label,
                waiting=_bounded(waiting),
                failed_rows=list(
                    manager.filter(status=OutboxStatus.FAILED).order_by("-done_at", "-pk")[
                        :LIST_SIZE
                    ]
                ),
                oldest_waiting_at=oldest,
            )
        )
    return JobsOverview(
        ready=_bounded(tasks.ready()),
        running=_bounded(tasks.running()),
        stuck=list(
            tasks.running()
            .filter(started_at__lt=now - STUCK_AFTER)
            .order_by("started_at")
            .defer("args_kwargs", "return_value")[:LIST_SIZE]
        ),
        failed_tasks=list(
            tasks.failed().order_by("-finished_at").defer("args_kwargs", "return_value")[:LIST_SIZE]
        ),
        deliveries=deliveries,
    )
