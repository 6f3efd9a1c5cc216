"""The idea box: ideas proposed by any member of staff, voted on, answered and tracked to
their impact (capability 5; decision 0019).

An idea is an item of the safety layer (core.items: visibility, the PHI guard, flags,
anonymity) and a discussion subject (it owns a Thread, so comments, reactions, mentions and
backlinks are the same as on posts). Everything a list shows is stored on the row: the vote
count, the trending score, the comment count (on its thread), the time of its first answer.
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


class Category(BaseModel):
    """What an idea is about. Administrators edit the list in the admin; a category in use
    is retired (`is_active` off), never deleted, so old ideas keep theirs."""

    slug = models.SlugField(_("address"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=80)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)
    is_active = models.BooleanField(_("offered for new ideas"), default=True)
    # Specialists who review every idea of this category, wherever it comes from (the
    # patient safety lead for "Patient safety"), beside the department's reviewers.
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="idea_categories_reviewed",
        verbose_name=_("reviewers"),
    )

    class Meta:
        ordering = ["position", "name"]
        verbose_name = _("idea category")
        verbose_name_plural = _("idea categories")

    def __str__(self) -> str:
        return self.name


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def open_at(self, when: object = None) -> CampaignQuerySet:
        now = when or timezone.now()
        return self.filter(opens_at__lte=now, closes_at__gt=now)


class Campaign(BaseModel):
    """A challenge leadership poses: a question, who it asks, when, and who reviews."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=160)
    # The question asked, in Markdown, and its sanitised HTML.
    question = models.TextField(_("the question"))
    question_html = models.TextField(editable=False, blank=True)
    opens_at = models.DateTimeField(_("opens"))
    closes_at = models.DateTimeField(_("closes"))
    # Who is asked (the same targeting as posts: lists left empty don't narrow).
    audience_sites = models.ManyToManyField(
        "organisation.Site", blank=True, related_name="+", verbose_name=_("sites")
    )
    audience_departments = models.ManyToManyField(
        "organisation.Department", blank=True, related_name="+", verbose_name=_("departments")
    )
    audience_job_families = models.ManyToManyField(
        "organisation.JobFamily", blank=True, related_name="+", verbose_name=_("job families")
    )
    audience_restricted = models.BooleanField(default=False, editable=False)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="idea_campaigns_reviewed",
        verbose_name=_("reviewers"),
    )
    initiative = models.ForeignKey(
        "strategy.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="idea_campaigns",
        verbose_name=_("initiative"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # Stored: visible ideas submitted to it.
    idea_count = models.PositiveIntegerField(default=0, editable=False)
    # Words from leadership on the results page once it has closed (Markdown and HTML).
    results_summary = models.TextField(_("what we decided"), blank=True)
    results_summary_html = models.TextField(editable=False, blank=True)

    objects: ClassVar[CampaignQuerySet] = CampaignQuerySet.as_manager()  # type: ignore[assignment]  # manager built from the queryset

    class Meta:
        ordering = ["-opens_at", "id"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(
                condition=Q(closes_at__gt=models.F("opens_at")),
                name="campaign_closes_after_opening",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:campaign", kwargs={"slug": self.slug})

    def is_open(self, when: object = None) -> bool:
        now = when or timezone.now()
        return self.opens_at <= now < self.closes_at  # type: ignore[operator]

    def has_closed(self, when: object = None) -> bool:
        now = when or timezone.now()
        return self.closes_at <= now  # type: ignore[operator]


class Status(models.TextChoices):
    NEW = "new", _("New")
    UNDER_REVIEW = "under_review", _("Under review")
    ACCEPTED = "accepted", _("Accepted")
    IN_PROGRESS = "in_progress", _("In progress")
    IMPLEMENTED = "implemented", _("Implemented")
    NOT_PLANNED = "not_planned", _("Not planned")
    DUPLICATE = "duplicate", _("Duplicate")


# A decision has been made: votes are closed. (A duplicate's votes moved to its survivor.)
DECIDED_STATUSES = frozenset({Status.IMPLEMENTED, Status.NOT_PLANNED, Status.DUPLICATE})


class IdeaQuerySet(models.QuerySet["Idea"]):
    def shown(self) -> IdeaQuerySet:
        """Ideas everyone may see: visible (not held, hidden or removed) and not merged away.

        Every member of staff may read every idea; a campaign's audience says who is asked,
        not who may read (decision 0019)."""
        return self.filter(visibility=Visibility.VISIBLE, merged_into__isnull=True)

    def awaiting_first_response(self) -> IdeaQuerySet:
        return self.shown().filter(first_response_at__isnull=True)


class Idea(BaseModel):
    title = models.CharField(_("title"), max_length=150)
    # What the person has seen, and what they propose (Markdown as written, and sanitised HTML).
    problem = models.TextField(_("the problem you see"))
    problem_html = models.TextField(editable=False)
    proposal = models.TextField(_("the change you propose"))
    proposal_html = models.TextField(editable=False)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="ideas", verbose_name=_("category")
    )
    # The department or unit it concerns (a unit implies its department, stored for filters).
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        related_name="ideas",
        verbose_name=_("department"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("unit"),
    )
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("campaign"),
    )
    initiative = models.ForeignKey(
        "strategy.Initiative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ideas",
        verbose_name=_("strategic initiative"),
    )
    # Always stored, even when anonymous: moderation and the audited reveal need it. Never
    # shown when `is_anonymous` (templates use `shown_author`).
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="ideas"
    )
    is_anonymous = models.BooleanField(_("post anonymously"), default=False)
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.NEW
    )
    status_changed_at = models.DateTimeField(default=timezone.now, editable=False)
    # The response-time promise: the first public response is due by `response_due_at`.
    response_due_at = models.DateTimeField(editable=False)
    first_response_at = models.DateTimeField(null=True, blank=True, editable=False)
    # "Recently updated": a status change, a response, an edit, new impact.
    last_activity_at = models.DateTimeField(default=timezone.now, editable=False)
    # Indexed only where set (idea_merged below): a full index makes SQLite's planner take
    # "not merged" (nearly every idea) for a selective lookup (docs/benchmarks.md).
    merged_into = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged_ideas",
        editable=False,
        db_index=False,
    )
    # Stored counters (services update them under a row lock; see services/voting.py).
    vote_count = models.PositiveIntegerField(default=0, editable=False)
    # Sum over votes of 2^((voted_at - TRENDING_EPOCH) / half-life): see ideas/trending.py.
    trending_score = models.FloatField(default=0.0, editable=False)
    visibility = models.CharField(
        max_length=10, choices=Visibility.choices, default=Visibility.VISIBLE, editable=False
    )
    moderation_note = models.CharField(max_length=500, blank=True, editable=False)
    first_shown_at = models.DateTimeField(null=True, blank=True, editable=False)
    # An optional photo (re-encoded, metadata stripped) and one attachment (checked by content).
    photo = models.ImageField(
        upload_to="ideas/photos/%Y/%m/",
        blank=True,
        width_field="photo_width",
        height_field="photo_height",
    )
    photo_width = models.PositiveIntegerField(default=0, editable=False)
    photo_height = models.PositiveIntegerField(default=0, editable=False)
    photo_alt_text = models.CharField(
        _("description for people who can't see the photo"), max_length=250, blank=True
    )
    attachment = models.FileField(upload_to="ideas/attachments/%Y/%m/", blank=True)
    attachment_name = models.CharField(max_length=255, blank=True, editable=False)
    attachment_content_type = models.CharField(max_length=120, blank=True, editable=False)
    attachment_size_bytes = models.PositiveBigIntegerField(default=0, editable=False)
    thread = models.OneToOneField(
        "discussion.Thread", on_delete=models.PROTECT, related_name="idea", editable=False
    )
    # Bumped on every change that alters how the idea looks: the key of cached cards.
    version = models.PositiveIntegerField(default=1, editable=False)
    edited_at = models.DateTimeField(null=True, blank=True, editable=False)
    submission_key = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects: ClassVar[IdeaQuerySet] = IdeaQuerySet.as_manager()  # type: ignore[assignment]  # manager built from the queryset

    class Meta:
        verbose_name = _("idea")
        verbose_name_plural = _("ideas")
        # The board's sorts and filters, each a keyset walk on an index (queries.py).
        indexes = [
            models.Index(fields=["vote_count", "id"], name="idea_top"),
            models.Index(fields=["trending_score", "id"], name="idea_trending"),
            models.Index(fields=["created_at", "id"], name="idea_newest"),
            models.Index(fields=["last_activity_at", "id"], name="idea_updated"),
            models.Index(fields=["status", "vote_count", "id"], name="idea_status_top"),
            models.Index(fields=["status", "last_activity_at", "id"], name="idea_status_updated"),
            models.Index(fields=["department", "vote_count", "id"], name="idea_department_top"),
            models.Index(fields=["category", "vote_count", "id"], name="idea_category_top"),
            models.Index(fields=["campaign", "vote_count", "id"], name="idea_campaign_top"),
            models.Index(fields=["author", "created_at"], name="idea_author"),
            models.Index(fields=["response_due_at", "id"], name="idea_response_due"),
            # Filtered boards in other sorts than "top", the implemented wall, the reviewers'
            # waiting and overdue tabs: each walks its own index (docs/benchmarks.md).
            models.Index(fields=["department", "created_at", "id"], name="idea_department_newest"),
            models.Index(
                fields=["department", "last_activity_at", "id"], name="idea_department_updated"
            ),
            models.Index(
                fields=["department", "trending_score", "id"], name="idea_department_trending"
            ),
            models.Index(fields=["category", "created_at", "id"], name="idea_category_newest"),
            models.Index(
                fields=["category", "last_activity_at", "id"], name="idea_category_updated"
            ),
            models.Index(fields=["status", "created_at", "id"], name="idea_status_newest"),
            models.Index(fields=["status", "status_changed_at", "id"], name="idea_status_changed"),
            models.Index(
                fields=["response_due_at", "id"],
                condition=Q(first_response_at__isnull=True),
                name="idea_awaiting_response",
            ),
            models.Index(
                fields=["merged_into"],
                condition=Q(merged_into__isnull=False),
                name="idea_merged",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | Q(status=Status.DUPLICATE),
                name="idea_merged_only_as_duplicate",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("ideas:idea", kwargs={"pk": self.pk})

    @property
    def shown_author(self) -> object | None:
        """The author others may be shown: None when the idea was posted anonymously."""
        return None if self.is_anonymous else self.author

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED_STATUSES

    @property
    def is_shown(self) -> bool:
        return self.visibility == Visibility.VISIBLE and self.merged_into_id is None


def new_submission_key() -> uuid.UUID:
    return uuid.uuid4()


class Vote(models.Model):
    """One person's vote for one idea. The stored `Idea.vote_count` is kept equal to the
    number of these rows by the voting services (a row lock on the idea; see voting.py)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="votes")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_votes"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], name="vote_once_per_person"),
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="vote_person")]

    def __str__(self) -> str:
        return f"{self.person_id} → idea {self.idea_id}"


class VoteTally(models.Model):
    """Votes not yet added to `Idea.vote_count`: one of a few rows per idea (`shard`), each a
    running delta. A vote adds +1 (and its trending weight) to a random shard in the vote's
    own transaction, a withdrawal -1; the `fold_votes` job moves the sums into the idea's
    stored columns every few seconds. So at every commit the stored count plus these deltas
    is exactly the number of vote rows, and a burst on one idea spreads its writes over
    `VOTE_SHARDS` rows instead of one (decision 0029; staffroom/ideas/tally.py)."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="tallies")
    shard = models.PositiveSmallIntegerField()
    votes = models.IntegerField(default=0)
    score = models.FloatField(default=0.0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "shard"], name="votetally_shard"),
        ]

    def __str__(self) -> str:
        return f"idea {self.idea_id} shard {self.shard}: {self.votes:+d}"


class Follow(models.Model):
    """Someone follows an idea: told of every response. Authors and voters are told anyway."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="follows")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_follows"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], name="ideafollow_once"),
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="ideafollow_person")]

    def __str__(self) -> str:
        return f"{self.person_id} follows idea {self.idea_id}"


class Response(BaseModel):
    """An entry on an idea's public timeline: a reviewer's answer, with the status it set.

    Every status change has one (the response is required); a reviewer may also answer
    without changing the status. A merge records one on the duplicate and one on the idea
    that absorbed it.
    """

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="responses")
    # The reviewer who answered (named: reviewers answer in their own name).
    responder = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    from_status = models.CharField(max_length=20, choices=Status.choices)
    to_status = models.CharField(max_length=20, choices=Status.choices)
    message = models.TextField(_("response"))
    message_html = models.TextField(editable=False)
    # For merges: the other idea (the survivor on the duplicate's entry, and vice versa).
    related_idea = models.ForeignKey(
        Idea, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["idea", "created_at", "id"]
        indexes = [models.Index(fields=["idea", "created_at", "id"], name="idearesponse_timeline")]

    def __str__(self) -> str:
        return f"idea {self.idea_id}: {self.from_status} → {self.to_status}"

    @property
    def changed_status(self) -> bool:
        return self.from_status != self.to_status


class Impact(BaseModel):
    """What an implemented idea changed, measured: call-light response 6.5 → 3.2 minutes."""

    idea = models.OneToOneField(Idea, on_delete=models.CASCADE, related_name="impact")
    what_changed = models.TextField(_("what changed"))
    what_changed_html = models.TextField(editable=False)
    measure = models.CharField(_("what was measured"), max_length=120)
    unit = models.CharField(_("unit"), max_length=40)
    before_value = models.DecimalField(_("before"), max_digits=12, decimal_places=2)
    before_on = models.DateField(_("measured before on"))
    after_value = models.DecimalField(_("after"), max_digits=12, decimal_places=2)
    after_on = models.DateField(_("measured after on"))
    # True when a lower value is better (minutes waited, falls); the page says "improved".
    lower_is_better = models.BooleanField(_("lower is better"), default=True)
    hours_saved_per_year = models.DecimalField(
        _("estimated hours saved a year"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    money_saved_per_year = models.DecimalField(
        _("estimated money saved a year"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("impact")
        verbose_name_plural = _("impacts")
        constraints = [
            models.CheckConstraint(
                condition=Q(after_on__gte=models.F("before_on")),
                name="impact_after_not_before_before",
            ),
        ]

    def __str__(self) -> str:
        return f"impact of idea {self.idea_id}"


class Contributor(BaseModel):
    """Someone credited on an implemented idea (and on their profile) besides its author."""

    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="contributors")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="idea_credits"
    )
    # What they did: "ran the trial on Ward 7".
    contribution = models.CharField(_("what they did"), max_length=200, blank=True)

    class Meta:
        ordering = ["idea", "id"]
        constraints = [
            models.UniqueConstraint(fields=["idea", "person"], name="contributor_once"),
        ]
        indexes = [models.Index(fields=["person", "created_at"], name="contributor_person")]

    def __str__(self) -> str:
        return f"{self.person_id} on idea {self.idea_id}"


class DepartmentStats(models.Model):
    """Stored per-department counters for leadership's response-time page (never recounted
    on a page view; `recount_ideas` rebuilds them)."""

    department = models.OneToOneField(
        "organisation.Department", on_delete=models.CASCADE, related_name="idea_stats"
    )
    # Shown ideas concerning the department, and those still waiting for a first response.
    ideas = models.PositiveIntegerField(default=0)
    awaiting_response = models.PositiveIntegerField(default=0)
    # Open: not yet decided (new, under review, accepted, in progress).
    open_ideas = models.PositiveIntegerField(default=0)
    implemented = models.PositiveIntegerField(default=0)
    # First responses given, and the sum of their waits in seconds (average = sum / count).
    responded = models.PositiveIntegerField(default=0)
    response_seconds_total = models.PositiveBigIntegerField(default=0)
    responded_on_time = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("department idea counts")
        verbose_name_plural = _("department idea counts")

    def __str__(self) -> str:
        return f"ideas of department {self.department_id}"


class IdeaView(models.Model):
    """Someone opened an idea (first and latest time): the exposure report's "who saw it"."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    idea = models.ForeignKey(Idea, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)
    last_viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "idea"], name="ideaview_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} read idea {self.idea_id}"
