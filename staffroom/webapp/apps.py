from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebappConfig(AppConfig):
    """The installable app: web app manifest, service worker and offline page."""

    name = "staffroom.webapp"
    label = "webapp"
    verbose_name = _("Installable app")
