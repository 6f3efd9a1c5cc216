"""Flags people raise on what others wrote, what moderators did about them, and suspensions.

Items are referred to by their registered kind and id (core.items): a flag can point at a
post, a comment or any later kind without a foreign key to each. `FlaggedItem` keeps, per
item, the stored count of open flags the queue orders and shows, so the queue never counts
flags row by row.
"""

from __future__ import annotations

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


class FlagReason(models.TextChoices):
    PRIVACY = "privacy", _("It shares patient or private information")
    DISRESPECT = "disrespect", _("It is disrespectful or abusive")
    MISINFORMATION = "misinformation", _("It is wrong or misleading")
    OTHER = "other", _("Something else")


class FlaggedItem(BaseModel):
    """One item that has been flagged: its open-flag counts and whether it waits for review."""

    class State(models.TextChoices):
        OPEN = "open", _("Waiting for a moderator")
        RESOLVED = "resolved", _("Dealt with")

    item_kind = models.CharField(max_length=30)
    item_id = models.PositiveBigIntegerField()
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    state = models.CharField(max_length=10, choices=State.choices, default=State.OPEN)
    # Flags not yet dealt with, from distinct people (a person flags an item once).
    open_flags = models.PositiveIntegerField(default=0)
    # Of those, how many give "privacy" as the reason: privacy officers see these too.
    privacy_flags = models.PositiveIntegerField(default=0)
    # When the current round of flags began (the queue's order: oldest first).
    opened_at = models.DateTimeField()
    last_flagged_at = models.DateTimeField()
    # Hidden by reaching MODERATION_AUTO_HIDE_FLAGS, not by a person: shown in the queue.
    auto_hidden = models.BooleanField(default=False)

    class Meta:
        verbose_name = _("flagged item")
        verbose_name_plural = _("flagged items")
        constraints = [
            models.UniqueConstraint(fields=["item_kind", "item_id"], name="flagged_item_once"),
        ]
        indexes = [
            models.Index(fields=["state", "opened_at", "id"], name="flagged_item_queue"),
        ]

    def __str__(self) -> str:
        return f"{self.item_kind} {self.item_id}: {self.open_flags} open flags"


class Flag(BaseModel):
    """One person's flag on one item, with their reason."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        RESOLVED = "resolved", _("Resolved")

    flagged_item = models.ForeignKey(FlaggedItem, on_delete=models.CASCADE, related_name="flags")
    item_kind = models.CharField(max_length=30)
    item_id = models.PositiveBigIntegerField()
    flagged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=20, choices=FlagReason.choices)
    note = models.CharField(_("note"), max_length=500, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("flag")
        verbose_name_plural = _("flags")
        constraints = [
            models.UniqueConstraint(
                fields=["item_kind", "item_id", "flagged_by"], name="flag_once_per_person"
            ),
        ]
        indexes = [
            models.Index(fields=["flagged_item", "status"], name="flag_item_status"),
        ]

    def __str__(self) -> str:
        return f"Flag {self.pk} on {self.item_kind} {self.item_id}"


class ModerationAction(BaseModel):
    """Something a moderator did, and the reason the author was given."""

    class Kind(models.TextChoices):
        HIDE = "hide", _("Hidden")
        RESTORE = "restore", _("Restored")
        EDIT = "edit", _("Edited")
        WARN = "warn", _("Warned")
        SUSPEND = "suspend", _("Suspended")
        DISMISS = "dismiss", _("Flags dismissed")
        LIFT = "lift", _("Suspension lifted")

    item_kind = models.CharField(max_length=30, blank=True)
    item_id = models.PositiveBigIntegerField(null=True, blank=True)
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="moderation_history"
    )
    # None when the system acted (an item hidden by enough flags).
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    action = models.CharField(max_length=10, choices=Kind.choices)
    # What the author was told: why.
    note = models.CharField(_("reason"), max_length=1000, blank=True)

    class Meta:
        verbose_name = _("moderation action")
        verbose_name_plural = _("moderation actions")
        indexes = [
            models.Index(fields=["subject", "created_at"], name="moderation_subject"),
            models.Index(fields=["item_kind", "item_id"], name="moderation_item"),
        ]

    def __str__(self) -> str:
        return f"{self.action} for {self.subject_id}"


class SuspensionQuerySet(models.QuerySet["Suspension"]):
    def in_force(self) -> SuspensionQuerySet:
        from django.utils import timezone

        now = timezone.now()
        return self.filter(starts__lte=now, ends__gt=now, lifted_at__isnull=True)


class Suspension(BaseModel):
    """A person may read but not write until `ends` (or until a moderator lifts it)."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="suspensions"
    )
    starts = models.DateTimeField()
    ends = models.DateTimeField()
    reason = models.CharField(_("reason"), max_length=1000)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    objects: ClassVar[SuspensionQuerySet] = SuspensionQuerySet.as_manager()  # type: ignore[assignment]  # manager built from the queryset

    class Meta:
        verbose_name = _("suspension")
        verbose_name_plural = _("suspensions")
        indexes = [
            models.Index(fields=["person", "ends"], name="suspension_person_ends"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends__gt=models.F("starts")), name="suspension_ends"
            ),
        ]

    def __str__(self) -> str:
        return f"Suspension {self.pk} of {self.person_id}"
