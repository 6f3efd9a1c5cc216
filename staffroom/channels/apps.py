from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChannelsConfig(AppConfig):
    name = "staffroom.channels"
    # Not "channels": that label belongs to the Django Channels library.
    label = "staffchannels"
    verbose_name = _("Channels and posts")

    def ready(self) -> None:
        from staffroom.channels.items import register_post_item_kind
        from staffroom.channels.services.channels import sync_department_channels
        from staffroom.channels.subjects import register_post_subject
        from staffroom.organisation.services.directory_import.writing import (
            after_import_applied,
        )

        register_post_subject()
        register_post_item_kind()
        # A directory import may bring new departments: each gets its channel.
        if sync_department_channels not in after_import_applied:
            after_import_applied.append(sync_department_channels)
