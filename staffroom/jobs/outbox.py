"""Deliveries that must happen once and survive failures: emails, webhook calls.

Each delivery is a row of a model built on `Outbox`, written in the same transaction as the
change that caused it, with a unique `key` so that doing the same thing twice (a double
click, a digest run started again after a crash) makes one row, not two. A background task
delivers it:

1. **Claim.** One conditional UPDATE moves the row from pending (and due) to sending, with a
   lease. Two workers can't both win it; a worker killed mid-delivery leaves the row in
   "sending" until its lease runs out, and the sweeper then hands it to another worker.
2. **Deliver.** `deliver(session)` does the outside work. It calls `mark_delivered()` at its
   point of no return (for SMTP, before the final dot that makes the server accept the
   message: see staffroom.mail.smtp), or the engine marks it after `deliver` returns.
3. **Fail softly.** `TryLater` (or any unexpected error) sets the row back to pending with an
   exponential backoff; `GiveUp`, or too many attempts, marks it failed and calls
   `on_gave_up` so the person who can fix it is told. Failed rows are listed for
   administrators at /system/jobs/.

Decision 0020 explains the choices.
"""

from __future__ import annotations

import contextlib
import logging
import random
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta
from typing import Any, ClassVar, TypeVar

from django.conf import settings
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel

logger = logging.getLogger(__name__)

# How many rows one task delivers over one connection (an SMTP session, an HTTP client).
BATCH_SIZE = 50
FIRST_RETRY = timedelta(seconds=30)
LONGEST_WAIT = timedelta(hours=6)


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being delivered")
    SENT = "sent", _("Delivered")
    FAILED = "failed", _("Failed")
    CANCELLED = "cancelled", _("Cancelled")


class TryLater(Exception):  # noqa: N818  # a verdict, not an error name
    """The delivery failed for now (server down, timeout, 5xx): retry with backoff.

    `session_broken`: the connection itself is gone (the server is down), so the rest of the
    batch is postponed rather than tried one by one.
    """

    def __init__(self, message: str, *, session_broken: bool = False) -> None:
        super().__init__(message)
        self.session_broken = session_broken


class GiveUp(Exception):  # noqa: N818
    """The delivery can never succeed as it is (bad address, refused URL): stop retrying."""


class Outbox(BaseModel):
    """The state of one delivery. Subclasses add what to deliver and implement `deliver`."""

    key = models.CharField(_("key"), max_length=200, unique=True)
    status = models.CharField(
        _("status"), max_length=12, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)
    lease_until = models.DateTimeField(_("lease until"), null=True, blank=True)
    last_error = models.CharField(_("last error"), max_length=1000, blank=True)
    done_at = models.DateTimeField(_("delivered or given up at"), null=True, blank=True)

    # A delivery is given up after MAX_ATTEMPTS failures (30 s, 1, 2, 4 … minutes apart, at
    # most 6 h: ten attempts span about four hours) AND once it is GIVE_UP_AFTER old, so a
    # long outage of the far end (a night, a weekend) only delays it. Email waits two days.
    MAX_ATTEMPTS: ClassVar[int] = 10
    GIVE_UP_AFTER: ClassVar[timedelta] = timedelta(0)
    # The queue its tasks go to: workers may be dedicated to one (see docs/deploy.md).
    QUEUE: ClassVar[str] = "default"

    class Meta:
        abstract = True
        indexes = [
            models.Index(fields=["status", "next_attempt_at"], name="%(app_label)s_%(class)s_due"),
        ]

    # -- for subclasses -------------------------------------------------------------------

    @classmethod
    def session(cls) -> contextlib.AbstractContextManager[Any]:
        """A connection shared by one batch of deliveries (an SMTP session), or nothing."""
        return contextlib.nullcontext()

    @classmethod
    def batches(cls, pks: list[int]) -> list[list[int]]:
        """How rows are grouped into tasks: BATCH_SIZE at a time. A model whose rows go to
        different far ends (chat: one webhook each) groups them by far end, so one dead end
        never holds up the others."""
        return [pks[start : start + BATCH_SIZE] for start in range(0, len(pks), BATCH_SIZE)]

    def deliver(self, session: Any) -> None:
        raise NotImplementedError

    def on_gave_up(self) -> None:
        """Tell the person who can fix it (called once, after the row is marked failed)."""

    def describe(self) -> str:
        """A line for administrators, without the content (no personal words)."""
        return f"{self._meta.verbose_name} {self.pk}"

    # -- the engine -----------------------------------------------------------------------

    def mark_delivered(self) -> bool:
        """Record the delivery (committed at once). True if this call recorded it."""
        # The lease is the claim's fencing token: a worker whose lease ran out and whose row
        # was taken over can't record (or, for SMTP, finish) the delivery any more.
        changed = (
            type(self)
            ._default_manager.filter(
                pk=self.pk, status=OutboxStatus.SENDING, lease_until=self.lease_until
            )
            .update(
                status=OutboxStatus.SENT,
                done_at=timezone.now(),
                lease_until=None,
                last_error="",
            )
        )
        if changed:
            self.status = OutboxStatus.SENT
        return bool(changed)

    def unmark_delivered(self) -> None:
        """The far end refused after the point of no return: back to "sending" under the same
        lease, so the failure handling that follows applies."""
        type(self)._default_manager.filter(pk=self.pk, status=OutboxStatus.SENT).update(
            status=OutboxStatus.SENDING, done_at=None, lease_until=self.lease_until
        )
        self.status = OutboxStatus.SENDING


OutboxT = TypeVar("OutboxT", bound=Outbox)
REGISTRY: dict[str, type[Outbox]] = {}


def register(model: type[OutboxT]) -> type[OutboxT]:
    """Class decorator: the sweeper and /system/jobs/ look after this model's rows."""
    REGISTRY[model._meta.label] = model
    return model


def lease() -> timedelta:
    return timedelta(seconds=settings.JOBS_LEASE_SECONDS)


def stale_after() -> timedelta:
    """A pending row this long overdue has lost its task (a worker died between taking the
    task and claiming the row, e.g. with the rest of a batch): the sweep enqueues it again."""
    return timedelta(seconds=settings.JOBS_STALE_SECONDS)


def backoff(attempts: int) -> timedelta:
    """How long to wait after the `attempts`-th failure: 30 s, 1 min, 2 min … capped at 6 h,
    with ±20% jitter so that many failed rows don't all come back in the same second."""
    wait = min(FIRST_RETRY * (2 ** max(attempts - 1, 0)), LONGEST_WAIT)
    jitter = random.uniform(0.8, 1.2)  # noqa: S311  # spreading load, not a secret
    return timedelta(seconds=wait.total_seconds() * jitter)


def enqueue_delivery(items: Iterable[Outbox], *, run_after: datetime | None = None) -> None:
    """Wake workers up for these rows, in the caller's transaction: if it rolls back, so do
    the tasks. Rows are grouped by model into batches of BATCH_SIZE."""
    by_model: dict[type[Outbox], list[int]] = {}
    for item in items:
        by_model.setdefault(type(item), []).append(item.pk)
    for model, pks in by_model.items():
        enqueue_rows(model, pks, run_after=run_after)


def enqueue_rows(model: type[Outbox], pks: list[int], *, run_after: datetime | None = None) -> None:
    from staffroom.jobs.tasks import deliver_outbox

    task = deliver_outbox.using(queue_name=model.QUEUE)
    if run_after is not None:
        task = task.using(run_after=run_after)
    for batch in model.batches(pks):
        task.enqueue(model._meta.label, batch)


def claim(model: type[OutboxT], pk: int) -> OutboxT | None:
    """Take one row for delivery, or None if it isn't ours to deliver (already delivered,
    given up, not yet due, or held by a live lease of another worker)."""
    now = timezone.now()
    claimable = Q(status=OutboxStatus.PENDING, next_attempt_at__lte=now) | Q(
        status=OutboxStatus.SENDING, lease_until__lt=now
    )
    won = (
        model._default_manager.filter(pk=pk)
        .filter(claimable)
        .update(
            status=OutboxStatus.SENDING,
            lease_until=now + lease(),
            attempts=F("attempts") + 1,
        )
    )
    if not won:
        return None
    item: OutboxT = model._default_manager.get(pk=pk)
    return item


def record_failure(item: Outbox, error: BaseException, *, enqueue: bool = True) -> None:
    """Back to pending with a backoff (and a task for that time, unless the caller enqueues
    it with others), or failed for good."""
    message = (str(error) or type(error).__name__)[:1000]
    model = type(item)
    now = timezone.now()
    gave_up = isinstance(error, GiveUp) or (
        item.attempts >= item.MAX_ATTEMPTS and now - item.created_at >= item.GIVE_UP_AFTER
    )
    with transaction.atomic():
        if gave_up:
            changed = model._default_manager.filter(pk=item.pk, status=OutboxStatus.SENDING).update(
                status=OutboxStatus.FAILED, last_error=message, lease_until=None, done_at=now
            )
            if changed:
                item.status = OutboxStatus.FAILED
                item.last_error = message
                item.on_gave_up()
            return
        retry_at = now + backoff(item.attempts)
        changed = model._default_manager.filter(pk=item.pk, status=OutboxStatus.SENDING).update(
            status=OutboxStatus.PENDING,
            last_error=message,
            lease_until=None,
            next_attempt_at=retry_at,
        )
        if changed and enqueue:
            enqueue_delivery([item], run_after=retry_at)


def deliver_rows(label: str, pks: list[int]) -> dict[str, int]:
    """Deliver these rows of one model over one session. Returns what happened, by outcome."""
    model = REGISTRY[label]
    outcome = {"delivered": 0, "skipped": 0, "failed": 0}
    with _session(model) as session:
        for pk in pks:
            item = claim(model, pk)
            if item is None:
                outcome["skipped"] += 1
                continue
            try:
                item.deliver(session)
            except Exception as error:  # every failure is recorded, retried or given up
                if not isinstance(error, TryLater | GiveUp):
                    logger.exception("Delivering %s failed unexpectedly", item.describe())
                if isinstance(error, TryLater) and error.session_broken:
                    # The server is down: the rest of this batch would fail the same way.
                    # The whole batch waits together (one task, one connection later); rows
                    # never tried don't use up an attempt.
                    record_failure(item, error, enqueue=False)
                    _postpone(model, pks[pks.index(pk) :], error, attempts=item.attempts)
                    outcome["failed"] += 1
                    break
                record_failure(item, error)
                outcome["failed"] += 1
                continue
            if item.status == OutboxStatus.SENDING:  # unless deliver() settled it itself
                item.mark_delivered()
            outcome["delivered"] += 1
    return outcome


def _postpone(model: type[Outbox], pks: list[int], error: TryLater, *, attempts: int) -> None:
    """Put these rows (still pending, or the one just failed) back as one batch, after the
    backoff of the failed one."""
    retry_at = timezone.now() + backoff(attempts)
    waiting = model._default_manager.filter(pk__in=pks, status=OutboxStatus.PENDING)
    with transaction.atomic():
        waiting.update(next_attempt_at=retry_at, last_error=str(error)[:1000])
        again = list(waiting.values_list("pk", flat=True))
        if again:
            enqueue_rows(model, again, run_after=retry_at)


@contextlib.contextmanager
def _session(model: type[Outbox]) -> Iterator[Any]:
    """The model's session; if even opening it fails (server down), deliveries run without
    one and each fails on its own with TryLater."""
    try:
        manager = model.session()
        session = manager.__enter__()
    except TryLater:
        yield None
        return
    try:
        yield session
    finally:
        with contextlib.suppress(Exception):
            manager.__exit__(None, None, None)


def sweep(now: Any = None) -> int:
    """Hand lost deliveries to a worker again: rows whose lease ran out (their worker was
    killed) and pending rows long overdue (their task was lost). Returns how many."""
    now = now or timezone.now()
    found = 0
    for model in REGISTRY.values():
        lost = model._default_manager.filter(
            Q(status=OutboxStatus.SENDING, lease_until__lt=now)
            | Q(status=OutboxStatus.PENDING, next_attempt_at__lt=now - stale_after())
        )
        pks = list(lost.values_list("pk", flat=True)[:10_000])
        if not pks:
            continue
        with transaction.atomic():
            # Overdue pending rows get a fresh due time, so the next sweeps leave them alone
            # while their new task waits in the queue (rather than enqueueing it again every
            # minute).
            # A dead worker's row goes back to pending: its lease is void (see
            # mark_delivered), so even a worker that was only slow can't record it now.
            model._default_manager.filter(pk__in=pks).filter(
                Q(status=OutboxStatus.PENDING) | Q(status=OutboxStatus.SENDING, lease_until__lt=now)
            ).update(status=OutboxStatus.PENDING, next_attempt_at=now, lease_until=None)
            enqueue_rows(model, pks)
        found += len(pks)
    return found
