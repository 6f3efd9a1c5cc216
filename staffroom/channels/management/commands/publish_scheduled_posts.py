from typing import Any

from django.core.management.base import BaseCommand

from staffroom.channels.services.posts import publish_due_posts


class Command(BaseCommand):
    help = "Mark scheduled posts whose time has come as published and notify those mentioned."

    def handle(self, *args: Any, **options: Any) -> None:
        count = publish_due_posts()
        self.stdout.write(f"{count} scheduled post(s) published.")
