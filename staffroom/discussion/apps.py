from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DiscussionConfig(AppConfig):
    name = "staffroom.discussion"
    label = "discussion"
    verbose_name = _("Discussion")

    def ready(self) -> None:
        # Comments join the item registry the PHI guard and moderation act through.
        from staffroom.discussion.items import register

        register()
