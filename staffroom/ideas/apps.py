from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class IdeasConfig(AppConfig):
    name = "staffroom.ideas"
    label = "ideas"
    verbose_name = _("Ideas")

    def ready(self) -> None:
        from staffroom.ideas import tasks  # noqa: F401  # registers the fold_votes job
        from staffroom.ideas.items import register_idea_item_kind
        from staffroom.ideas.subjects import register_idea_subject

        register_idea_subject()
        register_idea_item_kind()
