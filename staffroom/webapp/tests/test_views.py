"""The manifest, the service worker script and the offline page."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.staticfiles import finders
from django.test import Client, override_settings
from django.urls import reverse
from PIL import Image
from pytest_django import DjangoAssertNumQueries

from staffroom.accounts.models import Person
from staffroom.webapp.manifest import APPLE_TOUCH_ICON, BACKGROUND_COLOR, THEME_COLOR

pytestmark = pytest.mark.django_db

CSS = Path(settings.BASE_DIR) / "staffroom" / "static" / "css" / "staffroom.css"


def _manifest(client: Client, language: str = "en") -> dict[str, object]:
    response = client.get(reverse("webapp:manifest"), headers={"Accept-Language": language})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/manifest+json"
    data: dict[str, object] = json.loads(response.content)
    return data


def _static_file(url: str) -> Path:
    assert url.startswith(settings.STATIC_URL), url
    found = finders.find(url.removeprefix(settings.STATIC_URL))
    assert isinstance(found, str), f"{url} is not a static file"
    return Path(found)


def test_the_manifest_is_valid_json_with_what_a_phone_needs_to_install_staffroom(
    client: Client,
) -> None:
    manifest = _manifest(client)

    assert manifest["name"] == "Staffroom"
    assert manifest["short_name"] == "Staffroom"
    assert manifest["start_url"] == "/"
    assert manifest["scope"] == "/"
    assert manifest["display"] == "standalone"
    assert manifest["lang"] == "en"
    assert manifest["theme_color"] == THEME_COLOR
    assert manifest["background_color"] == BACKGROUND_COLOR


def test_the_manifest_colours_are_the_site_header_and_page_colours() -> None:
    css = CSS.read_text()
    assert f"--color-header: {THEME_COLOR};" in css
    assert f"--color-bg: {BACKGROUND_COLOR};" in css


def test_every_manifest_icon_is_a_real_png_of_the_size_it_claims(client: Client) -> None:
    icons = _manifest(client)["icons"]
    assert isinstance(icons, list)

    purposes = {(icon["sizes"], icon["purpose"]) for icon in icons}
    assert {("192x192", "any"), ("512x512", "any"), ("512x512", "maskable")} <= purposes
    for icon in icons:
        assert icon["type"] == "image/png"
        with Image.open(_static_file(icon["src"])) as image:
            assert image.format == "PNG"
            assert f"{image.width}x{image.height}" == icon["sizes"]


def test_the_maskable_icon_fills_its_square_and_the_apple_icon_is_opaque() -> None:
    with Image.open(_static_file(settings.STATIC_URL + "img/app-icon-maskable-512.png")) as image:
        alpha = image.convert("RGBA").getchannel("A")
        assert alpha.getextrema() == (255, 255), "a launcher's mask must find no transparency"
    with Image.open(_static_file(settings.STATIC_URL + APPLE_TOUCH_ICON.path)) as image:
        assert image.size == (180, 180)
        assert image.mode == "RGB"


@override_settings(ORGANISATION_NAME="Riverside Health")
def test_the_manifest_names_the_organisation_when_it_is_set(client: Client) -> None:
    manifest = _manifest(client)

    assert manifest["name"] == "Riverside Health Staffroom"
    assert manifest["short_name"] == "Staffroom"


def test_the_manifest_is_in_the_language_of_the_request(client: Client, person: Person) -> None:
    assert _manifest(client, language="es")["lang"] == "es"

    person.preferred_language = "es"
    person.save(update_fields=["preferred_language"])
    client.force_login(person)
    assert _manifest(client, language="en")["lang"] == "es"


def test_the_service_worker_is_served_from_the_root_for_the_whole_site(client: Client) -> None:
    response = client.get("/sw.js")

    assert response.status_code == 200
    assert response["Content-Type"] == "text/javascript"
    assert response["Cache-Control"] == "no-cache"
    assert response["Service-Worker-Allowed"] == "/"
    script = response.content.decode()
    assert '"offlineUrl": "/offline/"' in script
    assert re.search(r'const VERSION = "[0-9a-f]{12}";', script)


def test_the_service_worker_refuses_anything_but_reading(client: Client) -> None:
    assert client.post("/sw.js").status_code == 405
    assert client.post(reverse("webapp:manifest")).status_code == 405


def test_the_service_worker_version_changes_when_its_settings_do(client: Client) -> None:
    def version() -> str:
        found = re.search(r'const VERSION = "(\w+)";', client.get("/sw.js").content.decode())
        assert found is not None
        return found.group(1)

    before = version()
    assert version() == before
    with override_settings(STATIC_URL="/assets/"):
        assert version() != before


def test_the_service_worker_matches_post_addresses_from_the_url_configuration(
    client: Client,
) -> None:
    script = client.get("/sw.js").content.decode()
    config = json.loads(re.search(r"const CONFIG = (\{.*\});", script).group(1))  # type: ignore[union-attr]  # the line is always there
    post = re.compile(config["postPath"])
    picture = re.compile(config["postImagePath"])

    assert post.match(reverse("channels:post", kwargs={"pk": 42}))
    assert not post.match(reverse("channels:post_edit", kwargs={"pk": 42}))
    assert not post.match(reverse("channels:post_reach", kwargs={"pk": 42}))
    assert picture.match(reverse("channels:post_image", kwargs={"pk": 4, "image_id": 7}))
    assert not picture.match(reverse("channels:post", kwargs={"pk": 4}))


def _worker_config(client: Client) -> dict[str, object]:
    script = client.get("/sw.js").content.decode()
    found = re.search(r"const CONFIG = (\{.*\});", script)
    assert found
    config: dict[str, object] = json.loads(found.group(1))
    return config


@override_settings(SHARED_DEVICE_IDLE_MINUTES=7, SESSION_IDLE_MINUTES=60)
def test_kept_posts_last_the_shared_computer_idle_limit(client: Client) -> None:
    """The worker can't tell a ward computer from a phone: the shorter limit covers both."""
    assert _worker_config(client)["idleSeconds"] == 7 * 60
    with override_settings(OFFLINE_COPIES_IDLE_SECONDS=5):
        assert _worker_config(client)["idleSeconds"] == 5


def test_the_service_worker_script_is_valid_javascript(client: Client, tmp_path: Path) -> None:
    # Node.js is part of `make test` (axe-core): without it this fails loudly, never skips.
    assert shutil.which("node"), "Node.js is needed for the test suite (see README)"
    script = tmp_path / "sw.js"
    script.write_bytes(client.get("/sw.js").content)

    result = subprocess.run(
        ["node", "--check", str(script)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr


def test_the_offline_page_works_for_a_visitor_who_is_not_signed_in(client: Client) -> None:
    response = client.get(reverse("webapp:offline"))

    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>You're offline</h1>" in page
    assert 'data-cache-prefix="staffroom-posts-"' in page
    assert "js/offline-posts.js" in page


def test_the_offline_page_shows_nothing_about_the_person_signed_in(
    client: Client, person: Person
) -> None:
    client.force_login(person)

    page = client.get(reverse("webapp:offline")).content.decode()

    for personal in (person.display_name, person.username, person.initials):
        assert personal not in page
    assert reverse("accounts:logout") not in page
    # Kept once and shown to whoever uses the device, it must never tell the worker who is
    # signed in (or that nobody is, which would delete what the person kept).
    assert "staffroom-viewer" not in page
    assert "sw-register.js" not in page


def test_the_installable_app_addresses_run_no_database_queries(
    client: Client, django_assert_num_queries: DjangoAssertNumQueries
) -> None:
    for name in ("webapp:manifest", "webapp:service_worker", "webapp:offline"):
        with django_assert_num_queries(0):
            assert client.get(reverse(name)).status_code == 200


def test_signing_out_tells_the_browser_to_clear_its_cache_and_storage(
    client: Client, person: Person
) -> None:
    client.force_login(person)

    response = client.post(reverse("accounts:logout"))

    assert response.status_code == 302
    directives = {part.strip() for part in response["Clear-Site-Data"].split(",")}
    assert {'"cache"', '"storage"'} <= directives
