"""What the background workers keep besides django-tasks' own queue table.

Django's tasks interface (the django-tasks backport, with django-tasks-db's database backend)
carries the work: a task is a row in `django_tasks_db_dbtaskresult`, written in the same
transaction as the change that caused it, and a worker runs it. Work that must happen exactly
once and survive failures (an email, a webhook call) lives in an outbox table of its own
(`jobs.outbox.Outbox`); the task only wakes a worker up to deliver it. See decision 0020.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class PeriodicRun(models.Model):
    """One run of a periodic job for one time slot (e.g. "sweep" at 14:05).

    Every worker's clock tries to insert the slot; the unique constraint lets exactly one of
    them win and enqueue the job, so several workers on several machines never run a periodic
    job twice for the same slot.
    """

    name = models.CharField(max_length=100)
    slot = models.DateTimeField()
    enqueued_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("periodic job run")
        verbose_name_plural = _("periodic job runs")
        constraints = [
            models.UniqueConstraint(fields=["name", "slot"], name="periodic_run_once_per_slot")
        ]

    def __str__(self) -> str:
        return f"{self.name} @ {self.slot:%Y-%m-%d %H:%M}"
