"""The strategic plan: a plan, its pillars, and the initiatives that carry it out.

Staff answer two questions on each initiative (do I understand it, do I support it, 1 to 5).
Results are stored as counters per group (everyone, each department, each job family) so
leadership's results page costs the same for 50 answers or 80,000; groups under the minimum
size are never shown.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


class Plan(BaseModel):
    slug = models.SlugField(_("address"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    body = models.TextField(_("why this plan"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    starts_on = models.DateField(_("starts"), null=True, blank=True)
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    is_current = models.BooleanField(_("current plan"), default=False)

    class Meta:
        verbose_name = _("strategic plan")
        verbose_name_plural = _("strategic plans")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="plan_one_current"
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:plan", kwargs={"slug": self.slug})


class Pillar(BaseModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="pillars")
    title = models.CharField(_("title"), max_length=120)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["plan", "position", "id"]
        verbose_name = _("pillar")
        verbose_name_plural = _("pillars")

    def __str__(self) -> str:
        return self.title


class Initiative(BaseModel):
    class Status(models.TextChoices):
        PLANNED = "planned", _("Planned")
        ON_TRACK = "on_track", _("On track")
        AT_RISK = "at_risk", _("At risk")
        OFF_TRACK = "off_track", _("Off track")
        DONE = "done", _("Done")

    pillar = models.ForeignKey(Pillar, on_delete=models.PROTECT, related_name="initiatives")
    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=160)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    goal = models.CharField(_("goal"), max_length=300)
    body = models.TextField(_("description"), blank=True)
    body_html = models.TextField(editable=False, blank=True)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="initiatives_owned",
        verbose_name=_("owner"),
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status.choices, default=Status.PLANNED
    )
    target_date = models.DateField(_("target date"), null=True, blank=True)
    position = models.PositiveSmallIntegerField(default=0)
    thread = models.OneToOneField(
        "discussion.Thread", on_delete=models.PROTECT, related_name="initiative", editable=False
    )
    # Stored: people who answered the two questions.
    response_count = models.PositiveIntegerField(default=0, editable=False)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        ordering = ["pillar", "position", "id"]
        verbose_name = _("initiative")
        verbose_name_plural = _("initiatives")

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("strategy:initiative", kwargs={"slug": self.slug})


class InitiativeResponse(BaseModel):
    """One person's answers. The department and job family are those at answer time, so
    the stored group counters can be moved exactly when the person changes an answer."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="responses")
    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="initiative_responses"
    )
    understanding = models.PositiveSmallIntegerField(_("I understand what this initiative is for"))
    support = models.PositiveSmallIntegerField(_("I support it"))
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    job_family = models.ForeignKey(
        "organisation.JobFamily", on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "person"], name="initiativeresponse_one_per_person"
            ),
            models.CheckConstraint(
                condition=Q(understanding__gte=1, understanding__lte=5),
                name="initiativeresponse_understanding_1_to_5",
            ),
            models.CheckConstraint(
                condition=Q(support__gte=1, support__lte=5),
                name="initiativeresponse_support_1_to_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} on {self.initiative_id}"


class InitiativeResult(models.Model):
    """Stored answer counts for one group: everyone, one department, or one job family.

    `u1`…`u5` count people who answered 1…5 to "I understand"; `s1`…`s5` the same for
    "I support it". The group's size is their sum.
    """

    class Group(models.TextChoices):
        EVERYONE = "everyone", _("Everyone")
        DEPARTMENT = "department", _("Department")
        JOB_FAMILY = "job_family", _("Job family")

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="results")
    group = models.CharField(max_length=20, choices=Group.choices)
    # The department's or job family's id; 0 for everyone and for people with none.
    group_id = models.PositiveBigIntegerField(default=0)
    u1 = models.PositiveIntegerField(default=0)
    u2 = models.PositiveIntegerField(default=0)
    u3 = models.PositiveIntegerField(default=0)
    u4 = models.PositiveIntegerField(default=0)
    u5 = models.PositiveIntegerField(default=0)
    s1 = models.PositiveIntegerField(default=0)
    s2 = models.PositiveIntegerField(default=0)
    s3 = models.PositiveIntegerField(default=0)
    s4 = models.PositiveIntegerField(default=0)
    s5 = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["initiative", "group", "group_id"], name="initiativeresult_unique_group"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.initiative_id} {self.group}:{self.group_id}"

    @property
    def size(self) -> int:
        return self.u1 + self.u2 + self.u3 + self.u4 + self.u5
