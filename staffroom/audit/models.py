"""The audit trail: an append-only, hash-chained record of who did what, and when.

Each entry stores the hash of the one before it and a hash over its own fields, so editing,
deleting or reordering rows breaks the chain and `verify_audit` finds it. Database triggers
refuse UPDATE and DELETE (migration 0002); deployments also revoke those privileges from
the application's role (docs/deploy.md). Entries never hold PHI or held text: ids, field
names and status changes only.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

GENESIS_HASH = "0" * 64


class AuditAction(models.TextChoices):
    """What happened. Add members here as capabilities arrive: the column stores the value
    without database choices, so a new action needs no migration."""

    SIGNED_IN = "signed_in", _("Signed in")
    SIGN_IN_FAILED = "sign_in_failed", _("Sign-in failed")
    SIGNED_OUT = "signed_out", _("Signed out")
    ROLE_GRANTED = "role_granted", _("Role granted")
    ROLE_REVOKED = "role_revoked", _("Role revoked")
    POST_CREATED = "post_created", _("Post created")
    POST_CHANGED = "post_changed", _("Post changed")
    POST_PUBLISHED = "post_published", _("Post published")
    POST_SCHEDULED = "post_scheduled", _("Post scheduled")
    POST_UNPUBLISHED = "post_unpublished", _("Post unpublished")
    POST_ARCHIVED = "post_archived", _("Post archived")
    POST_RESTORED = "post_restored", _("Post restored")
    POST_PINNED = "post_pinned", _("Post pinned")
    POST_UNPINNED = "post_unpinned", _("Post unpinned")
    POST_MADE_PUBLIC = "post_made_public", _("Post made public")
    POST_MADE_INTERNAL = "post_made_internal", _("Post made internal")
    POST_DELETED = "post_deleted", _("Post deleted")
    COMMENT_CREATED = "comment_created", _("Comment created")
    COMMENT_CHANGED = "comment_changed", _("Comment changed")
    COMMENT_DELETED = "comment_deleted", _("Comment deleted")
    HIDDEN = "hidden", _("Hidden")
    RESTORED = "restored", _("Restored")
    EDITED_BY_MODERATOR = "edited_by_moderator", _("Edited by a moderator")
    FLAGGED = "flagged", _("Flagged")
    FLAGS_DISMISSED = "flags_dismissed", _("Flags dismissed")
    WARNED = "warned", _("Warned")
    SUSPENDED = "suspended", _("Suspended")
    SUSPENSION_LIFTED = "suspension_lifted", _("Suspension lifted")
    HELD = "held", _("Held by the PHI guard")
    SENT_FOR_REVIEW = "sent_for_review", _("Sent for privacy review")
    HOLD_WITHDRAWN = "hold_withdrawn", _("Edited out or deleted by the author")
    MARKED_PHI = "marked_phi", _("Marked as patient information")
    EXPOSURE_REPORT_VIEWED = "exposure_report_viewed", _("Exposure report viewed")
    PURGED = "purged", _("Purged")
    PATTERN_CHANGED = "pattern_changed", _("Organisation pattern changed")
    HELD_CONTENT_VIEWED = "held_content_viewed", _("Held content viewed")
    RELEASED = "released", _("Released")
    REMOVED = "removed", _("Removed")
    EXPORTED = "exported", _("Exported")
    ERASED = "erased", _("Erased")
    REVEALED_AUTHOR = "revealed_author", _("Author revealed")
    AUDIT_PURGED = "audit_purged", _("Old audit entries purged")
    IDEA_RESPONDED = "idea_responded", _("Idea answered")
    IDEA_STATUS_CHANGED = "idea_status_changed", _("Idea status changed")
    IDEA_MERGED = "idea_merged", _("Ideas merged")
    IDEA_IMPACT_RECORDED = "idea_impact_recorded", _("Idea impact recorded")
    CAMPAIGN_SAVED = "campaign_saved", _("Campaign saved")
    SCREEN_ADDED = "screen_added", _("Break-room screen added")
    SCREEN_ADDRESS_CHANGED = "screen_address_changed", _("Break-room screen given a new address")
    SCREEN_SWITCHED_OFF = "screen_switched_off", _("Break-room screen switched off")
    EVENT_SAVED = "event_saved", _("Event saved")  # events (issue 6)
    EVENT_CANCELLED = "event_cancelled", _("Event cancelled")  # events (issue 6)
    DELIVERY_RETRIED = "delivery_retried", _("Failed delivery retried")  # jobs (issue 6)
    CHAT_HOOK_ADDED = "chat_hook_added", _("Chat webhook connected")  # chat (issue 6)
    CHAT_HOOK_PAUSED = "chat_hook_paused", _("Chat webhook paused")  # chat (issue 6)
    CHAT_HOOK_RESUMED = "chat_hook_resumed", _("Chat webhook resumed")  # chat (issue 6)
    CHAT_HOOK_REMOVED = "chat_hook_removed", _("Chat webhook disconnected")  # chat (issue 6)
    # Video (issue 7)
    VIDEO_UPLOADED = "video_uploaded", _("Video uploaded")
    VIDEO_RETRIED = "video_retried", _("Video processing tried again")
    VIDEO_POSTER_CHANGED = "video_poster_changed", _("Video poster frame changed")
    VIDEO_DELETED = "video_deleted", _("Video deleted")
    VIDEO_CAPTIONS_ADDED = "video_captions_added", _("Video captions added")
    VIDEO_CAPTIONS_REMOVED = "video_captions_removed", _("Video captions removed")
    VIDEO_TRANSCRIPT_CHANGED = "video_transcript_changed", _("Video transcript changed")
    VIDEO_POLICY_CHANGED = "video_policy_changed", _("Video captions rule changed")


class AuditEntry(models.Model):
    # The chain position: 1, 2, 3… with no gaps, assigned under the chain-head lock.
    seq = models.PositiveBigIntegerField(_("number"), unique=True, editable=False)
    at = models.DateTimeField(_("when"), default=timezone.now, editable=False)
    # No database constraint and no cascade: an entry must outlive whatever it names, and
    # the table refuses updates, so SET_NULL could never run.
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("who"),
    )
    action = models.CharField(_("action"), max_length=40, db_index=True)
    # What it was done to, as "app_label.model" and the primary key: strings, not a foreign
    # key, so the history survives the thing's deletion.
    target_type = models.CharField(_("target type"), max_length=80, blank=True)
    target_id = models.CharField(_("target id"), max_length=64, blank=True)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    ip = models.CharField(_("IP address"), max_length=45, blank=True)
    data = models.JSONField(_("details"), default=dict, blank=True)
    previous_hash = models.CharField(max_length=64, editable=False)
    entry_hash = models.CharField(max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit entries")
        indexes = [
            models.Index(fields=["at", "seq"], name="audit_entry_time"),
            models.Index(fields=["actor", "seq"], name="audit_entry_actor"),
            models.Index(fields=["target_type", "target_id", "seq"], name="audit_entry_target"),
        ]

    def __str__(self) -> str:
        return f"#{self.seq} {self.action} {self.target_type}:{self.target_id}"

    @property
    def action_label(self) -> Any:
        try:
            return AuditAction(self.action).label
        except ValueError:
            return self.action


class AuditChainHead(models.Model):
    """One row: the last entry's number and hash.

    Appends lock this row (SELECT … FOR UPDATE), so concurrent appends on PostgreSQL queue up
    instead of forking the chain; and `verify_audit` compares it with the newest entry, so
    deleting the most recent rows is detected too.
    """

    last_seq = models.PositiveBigIntegerField(default=0)
    last_hash = models.CharField(max_length=64, default=GENESIS_HASH)

    class Meta:
        verbose_name = _("audit chain head")

    def __str__(self) -> str:
        return f"#{self.last_seq}"
