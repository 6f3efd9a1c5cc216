"""Channels and the posts in them.

There are three kinds of channel: the one organisation-wide leadership channel (Let's Talk),
one channel per department (kept in step with the directory), and topic channels created by
communications admins. Every member of staff can read every channel; what they may see of
each post depends on its audience (sites, departments, job families) — see
`PostQuerySet.visible_to`, the one place that rule lives.
"""

from __future__ import annotations

import uuid
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel, Visibility


class Channel(BaseModel):
    class Kind(models.TextChoices):
        LEADERSHIP = "leadership", _("Leadership")
        DEPARTMENT = "department", _("Department")
        TOPIC = "topic", _("Topic")

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=120)
    description = models.CharField(_("description"), max_length=500, blank=True)
    # Set for department channels only; the directory keeps these in step.
    department = models.OneToOneField(
        "organisation.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="channel",
    )
    is_mandatory = models.BooleanField(
        _("everyone follows"),
        default=False,
        help_text=_("Everyone follows this channel and can't unfollow it."),
    )
    is_archived = models.BooleanField(_("archived"), default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # Stored, not counted: published posts, for the channel list.
    post_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("channel")
        verbose_name_plural = _("channels")
        constraints = [
            models.UniqueConstraint(
                fields=["kind"],
                condition=Q(kind="leadership"),
                name="channel_one_leadership_channel",
            ),
            models.CheckConstraint(
                condition=Q(kind="department", department__isnull=False)
                | (~Q(kind="department") & Q(department__isnull=True)),
                name="channel_department_iff_department_kind",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("channels:channel", kwargs={"slug": self.slug})


class ChannelEditor(BaseModel):
    """A person who may post in, edit, pin and moderate one channel."""

    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="editors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_editorships"
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("channel editor")
        verbose_name_plural = _("channel editors")
        constraints = [
            models.UniqueConstraint(fields=["channel", "person"], name="channeleditor_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} · {self.channel}"


class ChannelFollow(BaseModel):
    """A person's explicit choice about one channel.

    No row means the default: Let's Talk, the person's own department and mandatory channels
    are followed; other channels are not. Storing only choices keeps 80,000 people from
    needing 80,000 rows per channel, and moving department moves the default with them.
    """

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="channel_follows"
    )
    channel = models.ForeignKey(Channel, on_delete=models.CASCADE, related_name="follows")
    following = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "channel"], name="channelfollow_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.person} {'follows' if self.following else 'unfollowed'} {self.channel}"


class Tag(BaseModel):
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=60)

    class Meta:
        ordering = ["name"]
        verbose_name = _("tag")
        verbose_name_plural = _("tags")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("channels:tag", kwargs={"slug": self.slug})


class PostQuerySet(models.QuerySet["Post"]):
    def live(self) -> PostQuerySet:
        """Published posts, and scheduled ones whose time has come.

        A scheduled post goes live at `published_at` without any job having to run: the
        schedule is a condition on the query, so it can never be late or missed.
        """
        return self.filter(
            status__in=[Post.Status.PUBLISHED, Post.Status.SCHEDULED],
            published_at__lte=timezone.now(),
        )

    def visible_to(self, person: object) -> PostQuerySet:
        """Live posts whose audience includes `person` (see channels.audience)."""
        from staffroom.channels.audience import audience_includes

        return self.live().filter(audience_includes(person), visibility=Visibility.VISIBLE)


class Post(BaseModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        SCHEDULED = "scheduled", _("Scheduled")
        PUBLISHED = "published", _("Published")
        ARCHIVED = "archived", _("Archived")

    channel = models.ForeignKey(Channel, on_delete=models.PROTECT, related_name="posts")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="posts"
    )
    title = models.CharField(_("title"), max_length=200)
    summary = models.CharField(
        _("summary"),
        max_length=300,
        blank=True,
        help_text=_("One or two sentences shown in the feed."),
    )
    # Markdown as written, and the sanitised HTML made from it when it was saved.
    body = models.TextField(_("body"))
    body_html = models.TextField(editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.DRAFT
    )
    # When the post goes (or went) live. Set on publishing or scheduling; feeds order by it.
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    pinned_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Held by the PHI guard, hidden by a moderator, removed: see core.models.Visibility.
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE, editable=False
    )
    # Shown with the item after a moderator edited it: what was changed and why.
    moderation_note = models.CharField(max_length=500, blank=True, editable=False)
    # When others could first see it (live and visible; its publication time), kept when it is
    # later held, hidden or removed: the exposure report reads it. Null: never shown.
    first_shown_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Shared outside: a public page with Open Graph tags (only for unrestricted posts).
    is_public = models.BooleanField(_("public"), default=False)
    initiative = models.ForeignKey(
        "strategy.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="progress_updates",
        verbose_name=_("initiative"),
        help_text=_("Makes this post a progress update of a strategic initiative."),
    )
    thread = models.OneToOneField(
        "discussion.Thread", on_delete=models.PROTECT, related_name="post", editable=False
    )
    # A video update (issue 7): the post shows its player. Deleting the video (which deletes
    # its files) leaves the post's words.
    video = models.OneToOneField(
        "media.Video",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="post",
        editable=False,
    )
    tags = models.ManyToManyField(Tag, blank=True, related_name="posts", verbose_name=_("tags"))
    audience_sites = models.ManyToManyField(
        "organisation.Site", blank=True, related_name="+", verbose_name=_("sites")
    )
    audience_departments = models.ManyToManyField(
        "organisation.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    audience_job_families = models.ManyToManyField(
        "organisation.JobFamily", blank=True, related_name="+", verbose_name=_("job families")
    )
    # True when any audience list above is non-empty: lets the common case skip the lists.
    audience_restricted = models.BooleanField(default=False, editable=False)
    # People who have opened the post at least once (stored; see PostView and PostReach).
    reach_count = models.PositiveIntegerField(default=0, editable=False)
    # Bumped on every change that alters how the post looks: the key of cached fragments.
    version = models.PositiveIntegerField(default=1, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_edited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # From the form that created the post: a second submission of it finds this post.
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects: ClassVar[PostQuerySet] = PostQuerySet.as_manager()  # type: ignore[assignment]  # manager built from the queryset

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        indexes = [
            models.Index(fields=["published_at", "id"], name="post_feed_order"),
            models.Index(fields=["channel", "published_at", "id"], name="post_channel_order"),
            models.Index(fields=["channel", "pinned_at"], name="post_channel_pinned"),
            models.Index(fields=["author", "created_at"], name="post_author"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("channels:post", kwargs={"pk": self.pk})

    @property
    def is_shown(self) -> bool:
        """Live and visible: what everyone in its audience sees."""
        return self.is_live and self.visibility == Visibility.VISIBLE

    @property
    def is_live(self) -> bool:
        return (
            self.status in (self.Status.PUBLISHED, self.Status.SCHEDULED)
            and self.published_at is not None
            and self.published_at <= timezone.now()
        )


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()


class PostRevision(models.Model):
    """The words of a post as they were before an edit; editors can compare them."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    title = models.CharField(max_length=200)
    summary = models.CharField(max_length=300, blank=True)
    body = models.TextField()
    editor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["post", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["post", "number"], name="postrevision_unique_number"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} v{self.number}"


class PostImage(BaseModel):
    """An image in a post, re-encoded on upload: resized, metadata (GPS…) removed."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        upload_to="posts/images/%Y/%m/", width_field="width", height_field="height"
    )
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    alt_text = models.CharField(_("description for people who can't see the image"), max_length=250)
    position = models.PositiveSmallIntegerField(default=0)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["post", "position", "id"]

    def __str__(self) -> str:
        return self.alt_text


class PostAttachment(BaseModel):
    """A PDF or office document attached to a post; its type was checked by its content."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="posts/attachments/%Y/%m/")
    original_name = models.CharField(max_length=255)
    content_type = models.CharField(max_length=120)
    size_bytes = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["post", "id"]

    def __str__(self) -> str:
        return self.original_name


class PostView(models.Model):
    """Someone opened a post. One row per person per post, ever: reach counts people."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)
    # The latest time they opened it: a comment made before this was on the page they saw
    # (the exposure report's "who saw it", privacy.exposure).
    last_viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            # Also the index for "which of these feed posts has this person read?".
            models.UniqueConstraint(fields=["person", "post"], name="postview_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read {self.post_id}"


class PostReach(models.Model):
    """People reached by a post, per department (stored counters; a NULL department is
    people without one). Reading these rows costs the same for 8 readers or 80,000."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="reach")
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.CASCADE, null=True, related_name="+"
    )
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["post", "department"],
                condition=Q(department__isnull=False),
                name="postreach_unique_department",
            ),
            models.UniqueConstraint(
                fields=["post"],
                condition=Q(department__isnull=True),
                name="postreach_unique_no_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.department_id}: {self.people}"


class FeedDelivery(models.Model):
    """A post was sent to someone in one of their private Atom feeds (first time only).

    Feed readers fetch often and keep what they fetched, so a delivery counts as seen: the
    exposure report lists these (privacy.exposure). The public feed has no person to record.
    """

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="+")
    delivered_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["post", "person"], name="feeddelivery_once"),
        ]

    def __str__(self) -> str:
        return f"{self.post_id} sent to {self.person_id}"


class FeedToken(BaseModel):
    """The secret in a person's private feed addresses; revoking makes a new one."""

    person = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="feed_token"
    )
    token = models.CharField(max_length=64, unique=True)

    def __str__(self) -> str:
        return f"feed token of {self.person_id}"
