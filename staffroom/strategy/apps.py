from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StrategyConfig(AppConfig):
    name = "staffroom.strategy"
    label = "strategy"
    verbose_name = _("Strategic plan")

    def ready(self) -> None:
        # Imported here: models must be loaded before the subject type refers to them.
        from staffroom.discussion.subjects import register_subject
        from staffroom.strategy.subjects import INITIATIVE_SUBJECT

        register_subject(INITIATIVE_SUBJECT)
