from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "staffroom.privacy"
    label = "privacy"
    verbose_name = _("Privacy")

    def ready(self) -> None:
        # Refuse to start with a broken PHI_EXTRA_PATTERNS rather than fail on first scan.
        # Only the environment's patterns: the database may not exist yet (migrations).
        from staffroom.privacy.detector import env_patterns
        from staffroom.privacy.detector.org import connect_signals

        env_patterns()
        connect_signals()
