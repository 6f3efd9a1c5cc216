from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import connections
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "staffroom.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        post_migrate.connect(_ensure_index, sender=self, dispatch_uid="search_ensure_index")


def _ensure_index(using: str = "default", **kwargs: Any) -> None:
    """Put back any trigger a later migration removed.

    SQLite can't alter most columns in place: Django rebuilds the table, and the table's
    triggers go with the old copy. Re-installing after every `migrate` (cheap, idempotent)
    means a channels or discussion migration can never silently stop the index updating.
    """
    connection = connections[using]
    if "search_searchdocument" not in connection.introspection.table_names():
        return  # migrated back to before search existed
    from staffroom.search.services import ensure_search_index

    ensure_search_index(using=using)
