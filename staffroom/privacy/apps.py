from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "staffroom.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Refuse to start with a broken organisation pattern rather than fail on first scan.
        from staffroom.privacy.detector import configured_patterns

        configured_patterns()
