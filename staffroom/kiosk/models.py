"""Break-room screens: a TV that shows the latest news and ideas, opened at a secret address.

A screen's address holds a long random secret. Only its SHA-256 hash is stored, so the table
can't be read back into working addresses (a database dump or backup reveals none of them):
the secret is shown once, to the communications admin who adds the screen or gives it a new
address, like an API key. Switching a screen off is final; the TV then shows who to ask.
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


def hash_secret(secret: str) -> str:
    """The stored form of a screen's secret (hex SHA-256): the secret has 256 random bits, so
    a fast hash is enough and lets every request find its screen through a unique index."""
    return hashlib.sha256(secret.encode()).hexdigest()


class Screen(BaseModel):
    name = models.CharField(
        _("name"), max_length=80, help_text=_("Where the screen hangs, e.g. “ED break room”.")
    )
    # What it shows beyond organisation-wide news: one site's, or one department's (and its
    # site's). Neither: organisation-wide news only.
    site = models.ForeignKey(
        "organisation.Site",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("site"),
    )
    department = models.ForeignKey(
        "organisation.Department",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("department"),
    )
    # The screen's language; empty means the organisation's default (settings.LANGUAGE_CODE).
    language = models.CharField(_("language"), max_length=8, choices=settings.LANGUAGES, blank=True)
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    address_changed_at = models.DateTimeField(null=True, blank=True, editable=False)
    revoked_at = models.DateTimeField(_("switched off"), null=True, blank=True, editable=False)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # When the TV last asked for its page (written at most once a minute).
    last_seen_at = models.DateTimeField(_("last seen"), null=True, blank=True, editable=False)
    # Demo screens have published addresses; they answer only in demo mode.
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("screen")
        verbose_name_plural = _("screens")
        indexes = [models.Index(fields=["name", "id"], name="screen_list_order")]
        constraints = [
            models.CheckConstraint(
                condition=Q(site__isnull=True) | Q(department__isnull=True),
                name="screen_one_place",
                violation_error_message=_("A screen shows a site or a department, not both."),
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_switched_off(self) -> bool:
        return self.revoked_at is not None

    @property
    def shown_site_id(self) -> int | None:
        """The site whose news the screen shows: its own, or its department's."""
        if self.department_id is not None and self.department is not None:
            return self.department.site_id
        return self.site_id
