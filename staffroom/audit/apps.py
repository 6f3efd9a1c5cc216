from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "staffroom.audit"
    label = "audit"
    verbose_name = _("Audit trail")

    def ready(self) -> None:
        # Sign-ins are recorded from Django's own auth signals, so every way of signing in
        # (the form, the admin, a test client) leaves an entry.
        from staffroom.audit import signals

        signals.connect()
