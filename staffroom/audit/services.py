"""Writing to the audit trail, checking its chain, and removing what retention allows.

Other apps call `record_audit(...)` at the end of a service, inside its transaction, so an
action and its entry commit or roll back together. Summaries and details name ids, field
names and status changes only — never the words people wrote (they may hold PHI).
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.audit import guard
from staffroom.audit.models import GENESIS_HASH, AuditAction, AuditChainHead, AuditEntry

SUMMARY_LENGTH = 300
Target = models.Model | tuple[str, int | str] | None


def client_ip(request: HttpRequest | None) -> str:
    """The address a request came from, trusting X-Forwarded-For only behind
    TRUSTED_PROXY_COUNT proxies (the same rule sign-in lockout uses)."""
    if request is None:
        return ""
    from axes.helpers import get_client_ip_address  # axes settings load with Django

    address = str(get_client_ip_address(request) or "")
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""  # a test request without an address, or a malformed header


def _target(target: Target) -> tuple[str, str]:
    if target is None:
        return "", ""
    if isinstance(target, models.Model):
        return target._meta.label_lower, str(target.pk)
    kind, pk = target
    return kind, str(pk)


def _plain(data: dict[str, Any] | None) -> dict[str, Any]:
    """The details as they will read back from the JSON column (tuples become lists)."""
    plain: dict[str, Any] = json.loads(json.dumps(data or {}, sort_keys=True, default=str))
    return plain


def _timestamp(at: datetime) -> str:
    return at.astimezone(UTC).isoformat(timespec="microseconds")


def compute_hash(entry: AuditEntry) -> str:
    """SHA-256 over a canonical JSON of every field that matters, and the previous hash."""
    canonical = {
        "seq": entry.seq,
        "at": _timestamp(entry.at),
        "actor": entry.actor_id,
        "action": entry.action,
        "target_type": entry.target_type,
        "target_id": entry.target_id,
        "summary": entry.summary,
        "ip": entry.ip,
        "data": entry.data,
        "previous_hash": entry.previous_hash,
    }
    raw = json.dumps(canonical, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(raw.encode()).hexdigest()


def _locked_head() -> AuditChainHead:
    # The head row exists from migration 0003; a flushed test database recreates it here.
    AuditChainHead.objects.get_or_create(pk=1)
    return AuditChainHead.objects.select_for_update().get(pk=1)


def record_audit(
    *,
    actor: Person | None,
    action: AuditAction | str,
    target: Target = None,
    summary: str = "",
    data: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEntry:
    """Append one entry to the trail, inside the caller's transaction.

    `actor` is None for the system. `target` is a model instance or ("app.model", id).
    `summary` and `data` must hold no PHI and no text people wrote: ids, field names and
    statuses only. Concurrent calls queue on the chain-head row lock, so the chain never forks.
    """
    action = AuditAction(action)  # an unknown action is a programming error: fail loudly
    target_type, target_id = _target(target)
    person = actor if actor is not None and getattr(actor, "pk", None) else None
    with transaction.atomic():
        head = _locked_head()
        entry = AuditEntry(
            seq=head.last_seq + 1,
            at=timezone.now(),
            actor=person,
            action=action.value,
            target_type=target_type[:80],
            target_id=target_id[:64],
            summary=summary[:SUMMARY_LENGTH],
            ip=client_ip(request),
            data=_plain(data),
            previous_hash=head.last_hash,
        )
        entry.entry_hash = compute_hash(entry)
        entry.save(force_insert=True)
        head.last_seq = entry.seq
        head.last_hash = entry.entry_hash
        head.save(update_fields=["last_seq", "last_hash"])
    return entry


@dataclass(frozen=True)
class ChainReport:
    checked: int
    problem: str = ""
    bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        return not self.problem


def _vouched_start(first: AuditEntry) -> bool:
    """Whether a purge checkpoint in the chain vouches for the oldest remaining entry."""
    return AuditEntry.objects.filter(
        action=AuditAction.AUDIT_PURGED,
        data__through_seq=first.seq - 1,
        data__through_hash=first.previous_hash,
        seq__gt=first.seq - 1,
    ).exists()


def verify_chain(*, batch: int = 2000) -> ChainReport:
    """Recompute every hash from the oldest entry; report the first that doesn't fit.

    Finds an edited row (its hash no longer matches), a deleted or reordered row (a gap in
    the numbers or a previous-hash mismatch), old rows removed without a purge checkpoint,
    and recent rows removed from the end (the chain head remembers the last one).
    """
    checked = 0
    expected_seq: int | None = None
    expected_previous = GENESIS_HASH
    for entry in AuditEntry.objects.order_by("seq").iterator(chunk_size=batch):
        if expected_seq is None:
            if entry.seq != 1 and not _vouched_start(entry):
                return ChainReport(
                    checked,
                    f"entry #{entry.seq} is the oldest, but no purge checkpoint accounts for "
                    f"entries #1 to #{entry.seq - 1}: they were deleted",
                    entry.seq,
                )
            expected_seq = entry.seq
            expected_previous = entry.previous_hash if entry.seq != 1 else GENESIS_HASH
        if entry.seq != expected_seq:
            return ChainReport(
                checked,
                f"entry #{expected_seq} is missing (the next entry is #{entry.seq}): "
                "rows were deleted or renumbered",
                entry.seq,
            )
        if entry.previous_hash != expected_previous:
            return ChainReport(
                checked,
                f"entry #{entry.seq} does not follow the entry before it (previous hash "
                "mismatch): rows were deleted, reordered or edited",
                entry.seq,
            )
        if compute_hash(entry) != entry.entry_hash:
            return ChainReport(
                checked, f"entry #{entry.seq} was changed after it was written", entry.seq
            )
        checked += 1
        expected_seq = entry.seq + 1
        expected_previous = entry.entry_hash
    head = AuditChainHead.objects.filter(pk=1).first()
    last_seq = (expected_seq or 1) - 1
    if head is not None and (head.last_seq, head.last_hash) != (
        last_seq,
        expected_previous if checked else head.last_hash,
    ):
        return ChainReport(
            checked,
            f"the chain head says the newest entry is #{head.last_seq}, but the newest "
            f"entry found is #{last_seq}: recent entries were deleted",
            head.last_seq,
        )
    return ChainReport(checked)


@dataclass(frozen=True)
class PurgeResult:
    removed: int
    checkpoint: AuditEntry | None


@transaction.atomic
def purge_audit(*, older_than_days: int | None = None, now: datetime | None = None) -> PurgeResult:
    """Remove entries older than the retention period, oldest first, and record a checkpoint.

    Only a run of the oldest entries goes (up to the first entry inside the retention
    period), so the rest still forms one chain; the `audit_purged` entry names the last
    removed entry's number and hash, which lets `verify_audit` start from the new oldest.
    """
    days = settings.AUDIT_RETENTION_DAYS if older_than_days is None else older_than_days
    if days < 1:
        raise ValueError("Retention must be at least one day.")
    cutoff = (now or timezone.now()) - timedelta(days=days)
    _locked_head()  # no appends while we cut
    first_kept = AuditEntry.objects.filter(at__gte=cutoff).order_by("seq").first()
    doomed = AuditEntry.objects.filter(at__lt=cutoff)
    if first_kept is not None:
        doomed = doomed.filter(seq__lt=first_kept.seq)
    last = doomed.order_by("-seq").first()
    if last is None:
        return PurgeResult(0, None)
    with guard.purge_window(cutoff):
        removed, _ = AuditEntry.objects.filter(seq__lte=last.seq).delete()
    checkpoint = record_audit(
        actor=None,
        action=AuditAction.AUDIT_PURGED,
        summary=f"Removed {removed} entries older than {days} days, through #{last.seq}",
        data={
            "count": removed,
            "through_seq": last.seq,
            "through_hash": last.entry_hash,
            "retention_days": days,
        },
    )
    return PurgeResult(removed, checkpoint)
