"""What administrators can do about a failed delivery: try it again once the cause is fixed."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.jobs import outbox
from staffroom.jobs.outbox import OutboxStatus


@transaction.atomic
def retry_delivery(*, model_label: str, pk: int, actor: Person) -> outbox.Outbox:
    """Put a failed delivery back in the queue with a fresh count of attempts."""
    model = outbox.REGISTRY.get(model_label)
    if model is None:
        raise ValidationError(_("There is no such kind of delivery."))
    changed = model._default_manager.filter(pk=pk, status=OutboxStatus.FAILED).update(
        status=OutboxStatus.PENDING,
        attempts=0,
        next_attempt_at=timezone.now(),
        done_at=None,
    )
    if not changed:
        raise ValidationError(
            _("This delivery is no longer failed: it was retried or removed already.")
        )
    item = model._default_manager.get(pk=pk)
    outbox.enqueue_delivery([item])
    record_audit(
        action=AuditAction.DELIVERY_RETRIED,
        actor=actor,
        target=item,
        summary=item.describe(),
    )
    return item


@transaction.atomic
def retry_all_failed(*, model_label: str, actor: Person) -> int:
    """Put every failed delivery of one kind back in the queue (after an outage or a wrong
    setting was fixed). Returns how many."""
    model = outbox.REGISTRY.get(model_label)
    if model is None:
        raise ValidationError(_("There is no such kind of delivery."))
    failed = model._default_manager.filter(status=OutboxStatus.FAILED)
    pks = list(failed.values_list("pk", flat=True))
    if not pks:
        raise ValidationError(_("None of these has failed: there is nothing to try again."))
    failed.update(
        status=OutboxStatus.PENDING, attempts=0, next_attempt_at=timezone.now(), done_at=None
    )
    outbox.enqueue_rows(model, pks)
    record_audit(
        action=AuditAction.DELIVERY_RETRIED,
        actor=actor,
        target=(model_label.lower(), "all"),
        summary=f"{len(pks)} failed {model._meta.verbose_name_plural}",
        data={"count": len(pks)},
    )
    return len(pks)
