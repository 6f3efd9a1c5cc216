"""Discussion: threaded comments, reactions, @mentions and "mentioned in" backlinks.

Everything people discuss (a post, an initiative, later an idea) owns one Thread. Comments,
reactions, mentions and backlinks hang off the thread, so this app never needs to know what
kind of thing is being discussed; each owning app registers how to find and show its
subject (see discussion.subjects).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel, Visibility


class Thread(BaseModel):
    class Kind(models.TextChoices):
        POST = "post", _("Post")
        INITIATIVE = "initiative", _("Initiative")
        IDEA = "idea", _("Idea")

    kind = models.CharField(max_length=20, choices=Kind.choices)
    # Stored counters, updated by the services with F() expressions.
    comment_count = models.PositiveIntegerField(default=0, editable=False)
    # Reactions to the subject itself: {"like": 3, "thanks": 1}.
    reaction_counts = models.JSONField(default=dict, editable=False)
    reaction_total = models.PositiveIntegerField(default=0, editable=False)
    is_locked = models.BooleanField(
        _("discussion closed"), default=False, help_text=_("No new comments or reactions.")
    )
    # Bumped when the comments change: the key of the cached comment thread.
    version = models.PositiveIntegerField(default=1, editable=False)

    def __str__(self) -> str:
        return f"{self.kind} thread {self.pk}"


class ReactionKind(models.TextChoices):
    """The small fixed set: kind, warm and useful at work. The emoji is shown beside the word."""

    LIKE = "like", _("Like")
    CELEBRATE = "celebrate", _("Celebrate")
    SUPPORT = "support", _("Support")
    INSIGHTFUL = "insightful", _("Insightful")
    THANKS = "thanks", _("Thanks")


REACTION_EMOJI = {
    ReactionKind.LIKE: "👍",
    ReactionKind.CELEBRATE: "👏",
    ReactionKind.SUPPORT: "💪",
    ReactionKind.INSIGHTFUL: "💡",
    ReactionKind.THANKS: "🙏",
}


class Comment(BaseModel):
    """A comment, or a reply to one.

    Threads are shown two levels deep, as familiar blogs do: a top-level comment (depth 0),
    its replies (depth 1) and replies to those (depth 2). A reply to a depth-2 comment is
    stored at depth 2 under the same depth-1 parent, with `reply_to` naming the comment it
    answers ("in reply to Ana"). `root` is the top-level comment, so one query loads every
    reply of a page of top-level comments.
    """

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="comments"
    )
    parent = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="replies"
    )
    root = models.ForeignKey(
        "self", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0, editable=False)
    reply_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    body = models.TextField(_("comment"))
    body_html = models.TextField(editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Soft delete: the comment keeps its place so replies still make sense.
    deleted_at = models.DateTimeField(null=True, blank=True, editable=False)
    deleted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Held by the PHI guard, hidden by a moderator, removed: see core.models.Visibility.
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE, editable=False
    )
    # Shown with the item after a moderator edited it: what was changed and why.
    moderation_note = models.CharField(max_length=500, blank=True, editable=False)
    # When others could first see it, kept when it is later held, hidden or removed: the
    # exposure report reads it. Null: never shown to anyone but its author and reviewers.
    first_shown_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Written by the anonymous author of the idea under discussion: shown as "the idea's
    # author", never by name, so commenting on their own idea doesn't unmask them.
    is_anonymous = models.BooleanField(default=False, editable=False)
    reaction_counts = models.JSONField(default=dict, editable=False)
    reaction_total = models.PositiveIntegerField(default=0, editable=False)
    reply_count = models.PositiveIntegerField(default=0, editable=False)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        indexes = [
            models.Index(fields=["thread", "parent", "created_at", "id"], name="comment_thread"),
            models.Index(fields=["root", "created_at", "id"], name="comment_replies"),
            models.Index(fields=["author", "created_at"], name="comment_author"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_to__isnull=True) | Q(parent__isnull=False),
                name="comment_reply_has_parent",
            ),
            models.CheckConstraint(
                condition=Q(depth__lte=2)
                & (
                    Q(depth=0, parent__isnull=True, root__isnull=True)
                    | Q(depth__gt=0, parent__isnull=False, root__isnull=False)
                ),
                name="comment_depth_matches_parent",
            ),
        ]

    def __str__(self) -> str:
        return f"comment {self.pk} on {self.thread_id}"

    @property
    def is_deleted(self) -> bool:
        """Shown to readers as "Comment removed": deleted, or not visible (see Visibility).

        Held comments are left out of the list altogether (they never had replies, since
        nobody else could see them); a hidden or removed one keeps its place like a deleted one.
        """
        return self.deleted_at is not None or self.visibility != Visibility.VISIBLE


class CommentRevision(models.Model):
    """A comment's words before an edit."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="revisions")
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["comment", "-created_at", "-id"]

    def __str__(self) -> str:
        return f"revision of comment {self.comment_id}"


class Reaction(BaseModel):
    """One person's reaction to a thread's subject (comment empty) or to one comment."""

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reactions"
    )
    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="reactions")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="reactions"
    )
    kind = models.CharField(max_length=20, choices=ReactionKind.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["person", "thread"],
                condition=Q(comment__isnull=True),
                name="reaction_one_per_person_per_subject",
            ),
            models.UniqueConstraint(
                fields=["person", "comment"],
                condition=Q(comment__isnull=False),
                name="reaction_one_per_person_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.kind} {self.thread_id}/{self.comment_id}"


class Mention(BaseModel):
    """@someone in a comment (or in a post's body, comment empty)."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="mentions")
    comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="mentions"
    )
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="mentions"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["comment", "person"],
                condition=Q(comment__isnull=False),
                name="mention_once_per_comment",
            ),
            models.UniqueConstraint(
                fields=["thread", "person"],
                condition=Q(comment__isnull=True),
                name="mention_once_per_subject",
            ),
        ]

    def __str__(self) -> str:
        return f"@{self.person_id} in {self.thread_id}"


class Backlink(BaseModel):
    """Something (a post, or a comment in a thread) links to another Staffroom item.

    The target item shows "Mentioned in …" — only the sources the viewer may see.
    """

    target = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="backlinks")
    source = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="links_out")
    source_comment = models.ForeignKey(
        Comment, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )

    class Meta:
        indexes = [models.Index(fields=["target", "created_at"], name="backlink_target")]
        constraints = [
            models.UniqueConstraint(
                fields=["target", "source"],
                condition=Q(source_comment__isnull=True),
                name="backlink_once_per_source",
            ),
            models.UniqueConstraint(
                fields=["target", "source_comment"],
                condition=Q(source_comment__isnull=False),
                name="backlink_once_per_comment",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} → {self.target_id}"
