from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "staffroom.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        # Periodic jobs register themselves when their module is imported.
        from staffroom.jobs import tasks, upkeep  # noqa: F401
