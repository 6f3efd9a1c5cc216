"""What the PHI guard keeps: held items waiting for review, and the organisation's own
identifier formats.

A hold names its item by kind and id (core.items), never by copying its words: the held
text lives only in the item itself, so a privacy officer always reviews the latest version
and a purge has one place to remove it from.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel

PATTERN_MAX_LENGTH = 300


def validate_pattern(value: str) -> None:
    try:
        compiled = re.compile(value)
    except re.error as error:
        raise ValidationError(
            _("This is not a valid regular expression: %(error)s"), params={"error": error}
        ) from None
    if compiled.match(""):
        raise ValidationError(_("This pattern matches empty text, so it would flag everything."))


class PrivacyPattern(BaseModel):
    """An identifier format particular to this organisation (say, the local MRN format).

    Administrators add these; the detector treats a match as the given kind of finding,
    wherever it appears.
    """

    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(
        _("reported as"),
        max_length=40,
        default="mrn",
        help_text=_("The kind of finding shown to the author, e.g. mrn, account, health_plan."),
    )
    pattern = models.CharField(
        _("regular expression"),
        max_length=PATTERN_MAX_LENGTH,
        validators=[validate_pattern],
        help_text=_("Python regular expression, e.g. RMC-\\d{7}. Matched case-insensitively."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation identifier pattern")
        verbose_name_plural = _("organisation identifier patterns")

    def __str__(self) -> str:
        return self.name


class PrivacyHold(BaseModel):
    """An item the PHI guard stopped before anyone else saw it.

    Life of a hold: AWAITING_AUTHOR (just caught: the author sees what was found and may edit
    it out, delete it, or send it for review) → IN_REVIEW (sent, with the author's note) →
    RELEASED or REMOVED by a privacy officer. WITHDRAWN: the author edited the findings out
    (the item was then published) or deleted the item. One open hold per item at a time.
    """

    class Status(models.TextChoices):
        AWAITING_AUTHOR = "awaiting_author", _("Waiting for the author")
        IN_REVIEW = "in_review", _("Waiting for privacy review")
        RELEASED = "released", _("Released")
        REMOVED = "removed", _("Removed")
        WITHDRAWN = "withdrawn", _("Edited or deleted by the author")

    OPEN = (Status.AWAITING_AUTHOR, Status.IN_REVIEW)

    item_kind = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="privacy_holds"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.AWAITING_AUTHOR)
    # What the guard found when it held the item: field label, kind and where, never the
    # words themselves ([{"field": "Body", "kind": "mrn", "start": 10, "end": 18}]).
    findings = models.JSONField(default=list)
    author_note = models.TextField(_("note for the privacy officer"), blank=True)
    sent_for_review_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(_("note to the author"), blank=True)
    # What the item was before the guard held it: a release (or a clean edit) returns a
    # hidden item to hidden, so a moderator's decision isn't undone by the guard.
    previous_visibility = models.CharField(max_length=10, default="visible")

    class Meta:
        verbose_name = _("privacy hold")
        verbose_name_plural = _("privacy holds")
        indexes = [
            models.Index(fields=["status", "created_at", "id"], name="privacyhold_queue"),
            models.Index(fields=["item_kind", "item_id"], name="privacyhold_item"),
            models.Index(fields=["author", "status"], name="privacyhold_author"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["item_kind", "item_id"],
                condition=Q(status__in=["awaiting_author", "in_review"]),
                name="privacyhold_one_open_per_item",
            ),
        ]

    def __str__(self) -> str:
        return f"hold {self.pk}: {self.item_kind} {self.item_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN


class ExposureReport(BaseModel):
    """A privacy officer marked a published item as patient information: who could have
    seen it, and who did, frozen at the moment of marking (a breach risk assessment asks
    whether the information was actually viewed).

    Names its item by kind and id like a hold, and carries no words of it: `item_label` is
    the registry's word-free label ("Comment 12 on post 40"). The lists are rows
    (ExposureAudience, ExposureSighting), so they stay exact after the item is purged and
    after people move departments.
    """

    item_kind = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField()
    item_label = models.CharField(max_length=200)
    item_author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))
    made_at = models.DateTimeField(default=timezone.now)
    # When others could first see it (a post's publication, a comment's creation).
    item_first_visible_at = models.DateTimeField(null=True, blank=True)
    # False when it was held by the PHI guard and never shown to anyone else.
    was_shown = models.BooleanField(default=True)
    # A public post could be read by anyone on the internet, recorded or not.
    was_public = models.BooleanField(default=False)
    could_see_count = models.PositiveIntegerField(default=0)
    saw_count = models.PositiveIntegerField(default=0)
    purged_at = models.DateTimeField(null=True, blank=True)
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("exposure report")
        verbose_name_plural = _("exposure reports")
        indexes = [
            models.Index(fields=["made_at", "id"], name="exposurereport_order"),
            models.Index(fields=["item_kind", "item_id"], name="exposurereport_item"),
        ]

    def __str__(self) -> str:
        return f"exposure report {self.pk}: {self.item_label}"

    def get_absolute_url(self) -> str:
        return reverse("privacy:exposure", kwargs={"pk": self.pk})

    @property
    def is_purged(self) -> bool:
        return self.purged_at is not None


class ExposureAudience(models.Model):
    """One person who could see the item while it was visible (at the time of marking)."""

    report = models.ForeignKey(ExposureReport, on_delete=models.CASCADE, related_name="audience")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["report", "person"], name="exposureaudience_once"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} could see report {self.report_id}'s item"


class ExposureSighting(models.Model):
    """One time someone saw the item or was sent it, and how."""

    class How(models.TextChoices):
        PAGE_VIEW = "page view", _("Opened the page")
        FEED = "feed", _("Sent in their private feed")
        NOTIFICATION = "notification", _("Notification sent")
        NOTIFICATION_READ = "notification read", _("Notification read")
        EMAIL = "email", _("Email")
        DIGEST = "digest", _("Digest")

    report = models.ForeignKey(ExposureReport, on_delete=models.CASCADE, related_name="sightings")
    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    how = models.CharField(max_length=20)
    at = models.DateTimeField()

    class Meta:
        indexes = [models.Index(fields=["report", "at", "id"], name="exposuresighting_order")]

    def __str__(self) -> str:
        return f"{self.person_id} {self.how} at {self.at}"

    @property
    def how_label(self) -> str:
        return str(dict(self.How.choices).get(self.how, self.how))


class Tombstone(models.Model):
    """What is left of a purged item: enough to prove what was removed, never the words.

    `content_sha256` is the SHA-256 of the removed words (kind.texts, as canonical JSON), so
    a copy found later can be matched to this purge without keeping the words.
    """

    item_kind = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField()
    content_sha256 = models.CharField(max_length=64)
    reason = models.TextField()
    report = models.ForeignKey(
        ExposureReport, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    purged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    purged_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("tombstone")
        verbose_name_plural = _("tombstones")
        indexes = [models.Index(fields=["item_kind", "item_id"], name="tombstone_item")]

    def __str__(self) -> str:
        return f"tombstone of {self.item_kind} {self.item_id}"


class AuthorReveal(BaseModel):
    """A privacy officer learned who wrote an anonymous item (privacy.reveal; decision 18).

    Names the item by kind and id, with its word-free label, and keeps the officer's reason
    (read by the PHI guard first). It does not name the author: every officer who wants to
    know must reveal it themselves, with a reason of their own, so each person who learns
    an anonymous author's name is on this list and in the audit trail.
    """

    item_kind = models.CharField(max_length=20)
    item_id = models.PositiveBigIntegerField()
    item_label = models.CharField(max_length=200)
    revealed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField(_("reason"))

    class Meta:
        verbose_name = _("author reveal")
        verbose_name_plural = _("author reveals")
        indexes = [
            models.Index(fields=["created_at", "id"], name="authorreveal_order"),
            models.Index(fields=["item_kind", "item_id"], name="authorreveal_item"),
        ]

    def __str__(self) -> str:
        return f"author reveal {self.pk}: {self.item_kind} {self.item_id}"
