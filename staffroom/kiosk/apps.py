from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class KioskConfig(AppConfig):
    name = "staffroom.kiosk"
    label = "kiosk"
    verbose_name = _("Break-room screens")
