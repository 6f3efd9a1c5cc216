"""When patient information got through anyway: mark an item, report its exposure, purge it.

A privacy officer marks a published item as patient information (`mark_as_phi`): it is set
REMOVED through its kind's `set_visibility`, so it leaves every page, feed, search and
notification at once, and an exposure report freezes who could have seen it (its audience,
as rows) and who did, how and when (page views, private feed deliveries, notifications).
A breach risk assessment asks exactly that.

`purge_item` then removes the words from everywhere they are stored (the kind's `purge`),
leaving a Tombstone: the SHA-256 of the removed words, the reason, who and when. The item's
row stays, blanked, so the discussion around it keeps its shape.

Neither the report nor the audit trail holds a word of the item: they name it by kind, id
and its word-free label.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.core.items import ItemKind, Sighting, get_item, kind_of
from staffroom.core.models import Visibility
from staffroom.privacy.models import (
    ExposureAudience,
    ExposureReport,
    ExposureSighting,
    PrivacyHold,
    Tombstone,
)
from staffroom.search.services import forget_removed_words

AUDIENCE_BATCH = 1000
# The decision a hold records when its item is marked as patient information instead.
HOLD_CLOSED_NOTE = gettext_lazy("Marked as patient information by a privacy officer.")
REASON_MAX_LENGTH = 2000
# Staffroom sends no email or digest yet (notifications are stored and shown in the app
# only). When email arrives (issue 6) its deliveries must become sightings, and this False.
SENDS_EMAIL = False


def report_for(obj: Any) -> ExposureReport | None:
    """The exposure report already made for `obj`, if it was marked."""
    kind = kind_of(obj)
    return ExposureReport.objects.filter(item_kind=kind.key, item_id=obj.pk).first()


def _shown_since(obj: Any) -> datetime | None:
    """When its audience could first see it, or None: never (held since it was written, a
    draft, a post scheduled for later). Set when it first became visible to them and kept
    when it is held, hidden or removed later: an item published and then edited into a
    hold was shown, with the words it had then."""
    first: datetime | None = obj.first_shown_at
    if first is None or first > timezone.now():
        return None
    return first


def refuse_patient_information(text: str, *, field: str) -> None:
    """An officer's own words (the reason for marking, a note) are read by the PHI guard
    too, and refused if they look like patient information: the reason is kept with the
    report and on the tombstone after a purge, when the item's own words are gone."""
    from staffroom.privacy.guard import kind_label, scan_texts

    findings = scan_texts({"Note": text}) if text else []
    if findings:
        what = ", ".join(sorted({kind_label(f.kind) for f in findings}))
        raise ValidationError(
            {
                field: _(
                    "This looks like it contains patient information (%(what)s). Describe "
                    "the kind of information instead; the report already points at the item."
                )
                % {"what": what}
            },
            code="phi",
        )


def clean_reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError(
            {"reason": _("Say why this is patient information: the report keeps your reason.")}
        )
    if len(reason) > REASON_MAX_LENGTH:
        raise ValidationError(
            {"reason": _("Keep the reason under %(max)d characters.") % {"max": REASON_MAX_LENGTH}}
        )
    refuse_patient_information(reason, field="reason")
    return reason


def _close_open_hold(kind: ItemKind, obj: Any, *, officer: Person, now: datetime) -> None:
    """A held item marked as patient information is decided: its open hold closes as
    removed, so it leaves the review queue and nobody can release it afterwards. Locked
    after the item (the caller holds the item's lock), the order every writer follows."""
    hold = (
        PrivacyHold.objects.select_for_update()
        .filter(item_kind=kind.key, item_id=obj.pk, status__in=PrivacyHold.OPEN)
        .first()
    )
    if hold is None:
        return
    hold.status = PrivacyHold.Status.REMOVED
    hold.decided_by = officer
    hold.decided_at = now
    hold.decision_note = str(HOLD_CLOSED_NOTE)
    hold.save(update_fields=["status", "decided_by", "decided_at", "decision_note", "updated_at"])
    record_audit(  # ids only
        actor=officer,
        action=AuditAction.REMOVED,
        target=hold,
        summary=f"Hold {hold.pk} ({kind.label(obj)}): removed, marked as patient information",
        data={
            "hold": hold.pk,
            "kind": kind.key,
            "item": obj.pk,
            # Posted anonymously: nobody's name on the trail but through the reveal.
            **({} if kind.is_anonymous(obj) else {"author": hold.author_id}),
        },
    )


def _distinct_sightings(sightings: Iterable[Sighting], *, before: datetime) -> list[Sighting]:
    seen: set[tuple[int, str, datetime]] = set()
    kept = []
    for sighting in sorted(sightings, key=lambda s: (s.at, s.person_id, s.how)):
        key = (sighting.person_id, sighting.how, sighting.at)
        if key in seen or sighting.at > before:
            continue
        seen.add(key)
        kept.append(sighting)
    return kept


def _audience_ids(kind: ItemKind, obj: Any, *, author_id: int, anonymous: bool) -> list[int]:
    """Who could see the item, but its author (it is their own words). Posted anonymously:
    the author stays in. The audience of an anonymous idea (or comment) is the whole staff,
    so "everyone but one" would be the one person the report must not name (decision 18:
    only the audited reveal does)."""
    audience = kind.audience(obj)
    if not anonymous:
        audience = audience.exclude(pk=author_id)
    return list(audience.order_by("sort_name", "pk").values_list("pk", flat=True))


def _sightings_without_author(
    sightings: list[Sighting], *, author_id: int, anonymous: bool, audience_ids: list[int]
) -> list[Sighting]:
    """Who saw it, but its author: their own views are no exposure, and for an anonymous
    item their times would point at them (the author opens their idea as they post it).

    One case is kept: an anonymous item every other person of its audience saw. Without the
    author's own sightings the list would be the audience less exactly one person, its
    author; with them it is the whole audience, which names nobody.
    """
    others = [s for s in sightings if s.person_id != author_id]
    if not anonymous:
        return others
    missing = set(audience_ids) - {s.person_id for s in others}
    if missing == {author_id} and len(audience_ids) > 1:
        return sightings
    return others


@transaction.atomic
def mark_as_phi(*, obj: Any, officer: Person, reason: str) -> ExposureReport:
    """Take `obj` down as patient information and report who could see it and who did.

    Precondition: `officer` is a privacy officer (views check). Marking an item already
    marked returns its report unchanged (a second click, or two officers at once).
    """
    reason = clean_reason(reason)
    kind = kind_of(obj)
    # Lock the item: two officers marking at once make one report.
    obj = kind.model._default_manager.select_for_update().get(pk=obj.pk)
    existing = report_for(obj)
    if existing is not None:
        return existing
    now = timezone.now()
    author_id = kind.author_id(obj)
    first_visible_at = _shown_since(obj)
    was_shown = first_visible_at is not None
    was_public = bool(getattr(obj, "is_public", False)) and was_shown
    # Snapshot before the visibility changes: taking it down may tidy notifications away.
    # The kind decides who could see it from when it was first shown (a draft: its
    # channel's editors; held since written: nobody but its author).
    anonymous = kind.is_anonymous(obj)
    audience_ids = _audience_ids(kind, obj, author_id=author_id, anonymous=anonymous)
    sightings = _sightings_without_author(
        _distinct_sightings(kind.sightings(obj), before=now),
        author_id=author_id,
        anonymous=anonymous,
        audience_ids=audience_ids,
    )
    _close_open_hold(kind, obj, officer=officer, now=now)
    if obj.visibility != Visibility.REMOVED:
        kind.set_visibility(obj, Visibility.REMOVED)
    report = ExposureReport.objects.create(
        item_kind=kind.key,
        item_id=obj.pk,
        item_label=kind.label(obj)[:200],
        # Posted anonymously: the report doesn't name the author (decision 18: only the
        # audited reveal does); everyone else's exposure is what the report is about.
        item_author_id=None if anonymous else author_id,
        marked_by=officer,
        reason=reason,
        made_at=now,
        item_first_visible_at=first_visible_at,
        was_shown=was_shown,
        was_public=was_public,
        could_see_count=len(audience_ids),
        saw_count=len({s.person_id for s in sightings}),
    )
    for start in range(0, len(audience_ids), AUDIENCE_BATCH):
        ExposureAudience.objects.bulk_create(
            ExposureAudience(report=report, person_id=person_id)
            for person_id in audience_ids[start : start + AUDIENCE_BATCH]
        )
    ExposureSighting.objects.bulk_create(
        (
            ExposureSighting(report=report, person_id=s.person_id, how=s.how, at=s.at)
            for s in sightings
        ),
        batch_size=AUDIENCE_BATCH,
    )
    record_audit(
        actor=officer,
        action=AuditAction.MARKED_PHI,
        target=obj,
        summary=f"{report.item_label} marked as patient information (report {report.pk})",
        data={
            "report": report.pk,
            "kind": kind.key,
            "item": obj.pk,
            "could_see": report.could_see_count,
            "saw": report.saw_count,
            "was_shown": was_shown,
        },
    )
    return report


def content_hash(texts: dict[str, str]) -> str:
    """SHA-256 of an item's words as canonical JSON (labels sorted, UTF-8)."""
    canonical = json.dumps(texts, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


@transaction.atomic
def purge_item(*, report: ExposureReport, officer: Person) -> Tombstone:
    """Remove the reported item's words and files from everywhere; leave a Tombstone.

    Precondition: `officer` is a privacy officer (views check). Works for any marked item,
    including one that was held and never shown (mark it first: the report says so).
    """
    report = ExposureReport.objects.select_for_update().get(pk=report.pk)
    if report.is_purged:
        raise ValidationError(_("This item was already purged."))
    obj = get_item(report.item_kind, report.item_id)
    kind = kind_of(obj)
    if obj.visibility != Visibility.REMOVED:
        # Restored by someone since it was marked: take it down again before purging.
        kind.set_visibility(obj, Visibility.REMOVED)
    digest = content_hash(kind.texts(obj))
    kind.purge(obj)
    _clear_notes_about(report.item_kind, report.item_id)
    forget_removed_words()
    now = timezone.now()
    tombstone = Tombstone.objects.create(
        item_kind=report.item_kind,
        item_id=report.item_id,
        content_sha256=digest,
        reason=report.reason,
        report=report,
        purged_by=officer,
        purged_at=now,
    )
    report.purged_at = now
    report.purged_by = officer
    report.save(update_fields=["purged_at", "purged_by", "updated_at"])
    record_audit(
        actor=officer,
        action=AuditAction.PURGED,
        target=obj,
        summary=f"{report.item_label} purged (report {report.pk}, tombstone {tombstone.pk})",
        data={"report": report.pk, "tombstone": tombstone.pk, "kind": kind.key, "item": obj.pk},
    )
    return tombstone


def _clear_notes_about(item_kind: str, item_id: int) -> None:
    """Words others wrote about the item may quote it: flaggers' notes and the author's note
    to the privacy officer go with it. (Moderators' and officers' decisions stay: they are
    the record of what was done, written knowing the rules.)"""
    from staffroom.moderation.models import Flag

    Flag.objects.filter(item_kind=item_kind, item_id=item_id).exclude(note="").update(note="")
    PrivacyHold.objects.filter(item_kind=item_kind, item_id=item_id).exclude(author_note="").update(
        author_note=""
    )


def record_report_viewed(*, report: ExposureReport, officer: Person, request: Any = None) -> None:
    """Who opened an exposure report (it names people and what they saw): audited."""
    record_audit(
        actor=officer,
        action=AuditAction.EXPOSURE_REPORT_VIEWED,
        target=report,
        summary=f"Exposure report {report.pk} viewed",
        data={"report": report.pk, "kind": report.item_kind, "item": report.item_id},
        request=request,
    )


def record_report_exported(*, report: ExposureReport, officer: Person, request: Any = None) -> None:
    record_audit(
        actor=officer,
        action=AuditAction.EXPORTED,
        target=report,
        summary=f"Exposure report {report.pk} exported as CSV",
        data={"report": report.pk, "kind": report.item_kind, "item": report.item_id},
        request=request,
    )


WITHHELD_FOR_PRIVACY = (Visibility.HELD, Visibility.REMOVED)


def record_withheld_viewed(*, obj: Any, viewer: Person, request: Any = None) -> None:
    """Someone other than its author was shown the words or files of an item withheld for
    privacy (held, or removed): audited as held content viewed, with ids only. Through the
    item's open hold when it has one, as the hold page records it."""
    from staffroom.privacy.services import record_hold_viewed

    kind = kind_of(obj)
    if obj.visibility not in WITHHELD_FOR_PRIVACY or kind.author_id(obj) == viewer.pk:
        return
    hold = PrivacyHold.objects.filter(
        item_kind=kind.key, item_id=obj.pk, status__in=PrivacyHold.OPEN
    ).first()
    if hold is not None:
        record_hold_viewed(hold=hold, officer=viewer, request=request)
        return
    record_audit(
        actor=viewer,
        action=AuditAction.HELD_CONTENT_VIEWED,
        target=obj,
        summary=f"{kind.label(obj)}: withheld words viewed",
        data={"kind": kind.key, "item": obj.pk, "visibility": obj.visibility},
        request=request,
    )
