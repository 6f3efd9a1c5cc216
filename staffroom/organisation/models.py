"""The shape of the health system: sites, the departments at them, and their units.

A department belongs to one site (Emergency at Riverside General is not Emergency at
Northgate); a unit (a ward or service, e.g. "4 West Medical-Surgical") belongs to one
department. People belong to a unit (see accounts.Person).
"""

from __future__ import annotations

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


class Site(BaseModel):
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=120)
    city = models.CharField(_("city"), max_length=80, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("site")
        verbose_name_plural = _("sites")

    def __str__(self) -> str:
        return self.name


class Department(BaseModel):
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="departments")
    code = models.SlugField(
        _("code"), max_length=40, unique=True, help_text=_("Unique across the health system.")
    )
    name = models.CharField(_("name"), max_length=120)
    description = models.TextField(_("description"), blank=True)
    # Stored, not counted: the directory shows it on every department card.
    people_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        indexes = [models.Index(fields=["site", "name"])]

    def __str__(self) -> str:
        return f"{self.name} · {self.site.name}"

    def get_absolute_url(self) -> str:
        return reverse("organisation:department", kwargs={"code": self.code})


class Unit(BaseModel):
    department = models.ForeignKey(Department, on_delete=models.PROTECT, related_name="units")
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=120)
    people_count = models.PositiveIntegerField(default=0, editable=False)

    class Meta:
        ordering = ["name"]
        verbose_name = _("unit")
        verbose_name_plural = _("units")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("organisation:unit", kwargs={"code": self.code})


class JobFamily(BaseModel):
    """Nursing, physicians, allied health, support services, administration…"""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        ordering = ["name"]
        verbose_name = _("job family")
        verbose_name_plural = _("job families")

    def __str__(self) -> str:
        return self.name


class DirectoryImport(BaseModel):
    """One upload of the HR directory file: what it would do, and whether it was applied."""

    class Status(models.TextChoices):
        REJECTED = "rejected", _("Rejected: errors found, nothing applied")
        PREVIEWED = "previewed", _("Checked, waiting for confirmation")
        APPLIED = "applied", _("Applied")
        EXPIRED = "expired", _("Not applied: the stored file was deleted")

    # None for a file imported by the import_directory command (or an uploader since removed).
    uploaded_by = models.ForeignKey(
        "accounts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="directory_imports",
    )
    # Kept in private storage (never under a public URL) between the check and the apply.
    file = models.FileField(upload_to="private/directory-imports/%Y/%m/")
    file_name = models.CharField(max_length=255)
    # SHA-256 of the file: a confirmation applies exactly the file that was checked.
    file_sha256 = models.CharField(max_length=64)
    full_snapshot = models.BooleanField(
        default=True,
        help_text=_("The file lists every current employee: anyone missing from it has left."),
    )
    status = models.CharField(max_length=20, choices=Status.choices)
    row_count = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    changed_count = models.PositiveIntegerField(default=0)
    deactivated_count = models.PositiveIntegerField(default=0)
    unchanged_count = models.PositiveIntegerField(default=0)
    # [{"line": 12, "employee_id": "E123", "message": "..."}], at most a few hundred kept.
    errors = models.JSONField(default=list, blank=True)
    # A sample of what would change, for the preview page.
    preview = models.JSONField(default=dict, blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    # Who pressed "Apply"; None when the import_directory command applied it.
    applied_by = models.ForeignKey(
        "accounts.Person",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # When the stored copy of a file that was never applied was deleted (purge command).
    file_deleted_at = models.DateTimeField(null=True, blank=True)
    duration_ms = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("directory import")
        verbose_name_plural = _("directory imports")

    def __str__(self) -> str:
        return f"{self.file_name} ({self.get_status_display()})"
