from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MediaConfig(AppConfig):
    name = "staffroom.media"
    label = "media"
    verbose_name = _("Video")

    def ready(self) -> None:
        # Periodic jobs register themselves when their module is imported.
        from staffroom.media import tasks  # noqa: F401
