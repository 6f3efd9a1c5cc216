"""The demo hospital's screens: one per site and one for the Emergency Department, at the
published addresses, each with believable slides; gone outside demo mode."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.test import Client, override_settings

from staffroom.demo.content.kiosk import DEMO_SCREENS, demo_screen_paths
from staffroom.demo.hospital import SIZES
from staffroom.demo.services import DemoReport, build_demo_hospital
from staffroom.kiosk.models import Screen

DEMO = SIZES["demo"]


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[DemoReport]:
    with django_db_blocker.unblock(), transaction.atomic():
        report = build_demo_hospital(size=DEMO)
        yield report
        transaction.set_rollback(True)


@pytest.fixture
def built(demo: DemoReport, db: None) -> DemoReport:
    return demo


def test_each_demo_screen_shows_news_and_ideas_at_its_published_address(built):
    assert built.created["break-room screens"] == len(DEMO_SCREENS)
    assert Screen.objects.filter(is_demo=True).count() == len(DEMO_SCREENS)
    for path, name in demo_screen_paths():
        response = Client().get(path)
        assert response.status_code == 200, path
        html = response.content.decode()
        assert name in html
        kinds = set(re.findall(r'class="kiosk-slide kiosk-slide--(\w+)"', html))
        assert "news" in kinds, path
        assert kinds & {"top_idea", "implemented_idea"}, path
    ed = Client().get("/screen/demo-riverside-ed/").content.decode()
    assert "implemented_idea" in ed or "top_idea" in ed


def test_building_again_adds_no_screen(built):
    again = build_demo_hospital(size=DEMO)
    assert again.created.get("break-room screens", 0) == 0


def test_demo_screens_are_gone_outside_demo_mode(built):
    with override_settings(DEMO_MODE=False):
        for path, _name in demo_screen_paths():
            assert Client().get(path).status_code == 404
