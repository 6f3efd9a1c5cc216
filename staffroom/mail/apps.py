from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MailConfig(AppConfig):
    name = "staffroom.mail"
    label = "mail"
    verbose_name = _("Email")

    def ready(self) -> None:
        # Renderers and periodic jobs register themselves when their modules are imported.
        from staffroom.mail import digest, notification_email, tasks  # noqa: F401
