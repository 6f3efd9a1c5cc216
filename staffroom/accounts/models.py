"""People and the roles they hold.

Person is the user model from the first migration. Nobody is assumed to have a password:
directory-imported staff start without one (single sign-on arrives later), and local
accounts set one through the reset flow.
"""

from __future__ import annotations

from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


class ShiftPattern(models.TextChoices):
    DAYS = "days", _("Days")
    NIGHTS = "nights", _("Nights")
    ROTATING = "rotating", _("Rotating")
    WEEKDAYS = "weekdays", _("Weekdays, office hours")
    ON_CALL = "on_call", _("On call")


class PersonQuerySet(models.QuerySet["Person"]):
    def active(self) -> PersonQuerySet:
        return self.filter(is_active=True)


_PersonManagerBase = BaseUserManager.from_queryset(PersonQuerySet)


class PersonManager(_PersonManagerBase["Person"]):  # type: ignore[valid-type]  # built by from_queryset
    use_in_migrations = True

    def create_user(self, username: str, password: str | None = None, **fields: Any) -> Person:
        person: Person = self.model(username=normalise_username(username), **fields)
        if password:
            person.set_password(password)
        else:
            person.set_unusable_password()
        person.save(using=self._db)
        return person

    def create_superuser(self, username: str, password: str | None = None, **fields: Any) -> Person:
        fields.update(is_staff=True, is_superuser=True)
        return self.create_user(username, password, **fields)


class Person(AbstractBaseUser, PermissionsMixin):
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("What the person types to sign in. Lower case."),
    )
    employee_id = models.CharField(
        _("employee ID"), max_length=40, unique=True, null=True, blank=True
    )
    email = models.EmailField(_("email"), blank=True)
    first_name = models.CharField(_("first name"), max_length=100)
    last_name = models.CharField(_("last name"), max_length=100)
    preferred_name = models.CharField(
        _("preferred name"),
        max_length=100,
        blank=True,
        help_text=_("Shown instead of the first name when set."),
    )
    job_title = models.CharField(_("job title"), max_length=150, blank=True)
    job_family = models.ForeignKey(
        "organisation.JobFamily",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("job family"),
    )
    unit = models.ForeignKey(
        "organisation.Unit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("unit"),
    )
    # Denormalised from unit so department pages and targeting need no join through units.
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="people",
        editable=False,
    )
    manager = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reports",
        verbose_name=_("manager"),
    )
    shift_pattern = models.CharField(
        _("shift pattern"), max_length=20, choices=ShiftPattern.choices, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
    )
    photo = models.ImageField(_("photo"), upload_to="people/photos/%Y/", blank=True)

    is_active = models.BooleanField(
        _("active"),
        default=True,
        help_text=_("People who have left are deactivated, never deleted: their words stay."),
    )
    left_on = models.DateField(_("left on"), null=True, blank=True)
    is_staff = models.BooleanField(
        _("Django admin access"), default=False, help_text=_("May open the technical admin.")
    )
    # Demo accounts have published passwords; they can sign in only in demo mode.
    is_demo = models.BooleanField(default=False, editable=False)
    from_directory = models.BooleanField(
        default=False,
        editable=False,
        help_text=_("Kept in step with the HR directory import."),
    )
    # Lower-cased "last first" used for ordering and keyset pagination of the directory.
    sort_name = models.CharField(max_length=210, editable=False, db_index=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # Set when an administrator erased the person (accounts.erasure): the row stays so that
    # their posts and comments keep an author, but nothing in it describes them any more.
    erased_at = models.DateTimeField(_("erased"), null=True, blank=True, editable=False)

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "username"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = ["first_name", "last_name"]

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        indexes = [
            models.Index(fields=["sort_name", "id"], name="person_directory_order"),
            models.Index(fields=["department", "sort_name", "id"], name="person_department_order"),
            models.Index(fields=["unit", "sort_name", "id"], name="person_unit_order"),
            models.Index(Lower("email"), name="person_email_lower"),
        ]
        constraints = [
            # Sign-in ignores case, so two accounts may not differ only by case.
            models.UniqueConstraint(
                Lower("username"),
                name="person_username_unique_ignoring_case",
                violation_error_message=_("Someone already has that username."),
            ),
        ]

    def __str__(self) -> str:
        return self.display_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # Derived columns only; no business rules here (those live in services).
        self.sort_name = sort_name_for(self.last_name, self.first_name, self.preferred_name)
        self.department_id = self.unit.department_id if self.unit_id and self.unit else None
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse("organisation:person", kwargs={"pk": self.pk})

    @property
    def is_erased(self) -> bool:
        # Read from __dict__: a query that deferred the column (`.only(...)` for active
        # people) must not pay one more query per person to learn they aren't erased.
        return self.__dict__.get("erased_at") is not None

    @property
    def display_name(self) -> str:
        if self.is_erased:
            # Translated when shown, so each reader sees it in their own language.
            return gettext("Former employee")
        return f"{self.preferred_name or self.first_name} {self.last_name}".strip()

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.preferred_name or self.first_name

    @property
    def initials(self) -> str:
        first = (self.preferred_name or self.first_name)[:1]
        return f"{first}{self.last_name[:1]}".upper()


def normalise_username(username: str) -> str:
    """Usernames are stored lower-case and trimmed; sign-in ignores case."""
    return username.strip().lower()


def sort_name_for(last_name: str, first_name: str, preferred_name: str = "") -> str:
    return f"{last_name} {preferred_name or first_name}".strip().lower()[:210]


class Role(models.TextChoices):
    """What a person may do beyond reading and taking part. Staff is everyone's base role."""

    CHANNEL_EDITOR = "channel_editor", _("Channel editor")
    IDEA_REVIEWER = "idea_reviewer", _("Idea reviewer")
    COMMUNICATIONS_ADMIN = "communications_admin", _("Communications admin")
    ANALYST = "analyst", _("Analyst")
    MODERATOR = "moderator", _("Moderator")
    PRIVACY_OFFICER = "privacy_officer", _("Privacy officer")
    ADMINISTRATOR = "administrator", _("Administrator")


class RoleGrant(BaseModel):
    """A role held by a person across the organisation, at one site, or in one department.

    Organisation-wide when both site and department are empty. Channel-scoped grants arrive
    with channels. Roles are data, not Django groups, so that every check can ask "in which
    department?" and the answer can be audited.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)
    site = models.ForeignKey(
        "organisation.Site", on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    granted_by = models.ForeignKey(
        Person, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("role")
        verbose_name_plural = _("roles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(site__isnull=True) | models.Q(department__isnull=True),
                name="rolegrant_one_scope",
                violation_error_message=_(
                    "A role is granted for a site or a department, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["person", "role"],
                condition=models.Q(site__isnull=True, department__isnull=True),
                name="rolegrant_unique_organisation",
            ),
            models.UniqueConstraint(
                fields=["person", "role", "site"],
                condition=models.Q(site__isnull=False),
                name="rolegrant_unique_site",
            ),
            models.UniqueConstraint(
                fields=["person", "role", "department"],
                condition=models.Q(department__isnull=False),
                name="rolegrant_unique_department",
            ),
        ]

    def __str__(self) -> str:
        scope = self.department or self.site or _("whole organisation")
        return f"{self.person} · {self.get_role_display()} · {scope}"
