"""Rebuild the stored people counts of every unit and department."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from staffroom.organisation.services import recount_people


class Command(BaseCommand):
    help = "Rebuild the stored people counts of units and departments from the people table."

    def handle(self, *args: Any, **options: Any) -> None:
        recount_people()
        self.stdout.write("People counts rebuilt for every unit and department.")
