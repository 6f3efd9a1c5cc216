"""Staffroom on a phone's home screen: Chromium finds the manifest and installs the service
worker; a nurse reads a post, loses her connection and still reads it; signing out (or her
session ending) leaves nothing of hers on the device."""

from __future__ import annotations

import time
from io import BytesIO
from pathlib import Path
from typing import Any

import pytest
from django.core.files.base import ContentFile
from PIL import Image
from playwright.sync_api import Browser, Page, expect

from staffroom.channels.models import Post, PostImage
from staffroom.channels.services.channels import ensure_lets_talk
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.models import Visibility
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS, Hospital
from tests.browser.helpers import (
    SIGN_IN_URL,
    assert_accessible,
    assert_no_horizontal_scroll,
    open_page,
    sign_in,
    wait_until,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

# Every cache the worker keeps, and what is in it: {cache name: [paths]}.
CACHED = """async () => {
    const found = {};
    for (const name of await caches.keys()) {
        const requests = await (await caches.open(name)).keys();
        found[name] = requests.map((request) => new URL(request.url).pathname);
    }
    return found;
}"""
POSTS_CACHE = "staffroom-posts-"


def _cached(page: Page) -> dict[str, list[str]]:
    found: dict[str, list[str]] = page.evaluate(CACHED)
    return found


def _kept_posts(page: Page) -> list[str]:
    """Paths kept in the recent-posts caches (any person's)."""
    return [
        path
        for name, paths in _cached(page).items()
        if name.startswith(POSTS_CACHE)
        for path in paths
    ]


def _wait_until(page: Page, check: Any, what: str, timeout: float = 10.0) -> None:
    """The worker saves in the background: poll until `check()` holds."""
    deadline = time.monotonic() + timeout
    while not check():
        if time.monotonic() > deadline:
            pytest.fail(f"Timed out waiting until {what}; caches: {_cached(page)}")
        page.wait_for_timeout(100)


def _wait_for_worker(page: Page) -> None:
    """Until the service worker is active and controls this page.

    A page whose document was created while the worker was still activating is missed by
    `clients.claim()` (it claims the pages that exist then); the next load is controlled, as
    for a person, so the page is reloaded once the worker is active.
    """
    wait_until(
        page,
        """async () => {
            const registration = await navigator.serviceWorker.getRegistration();
            return Boolean(registration && registration.active
                && registration.active.state === "activated");
        }""",
        "the service worker to be active",
    )
    if not page.evaluate("() => Boolean(navigator.serviceWorker.controller)"):
        page.reload()
    wait_until(
        page,
        "() => Boolean(navigator.serviceWorker && navigator.serviceWorker.controller)",
        "the service worker to control the page",
    )


@pytest.fixture
def post(hospital: Hospital) -> Post:
    post: Post = PostFactory(
        channel=ensure_lets_talk(),
        author=hospital.administrator,
        title="New handover sheet from Monday",
        summary="One page, the same on every ward.",
        body_html="<p>The <strong>SBAR handover sheet</strong> replaces the three we use now.</p>",
    )
    PostImage.objects.create(
        post=post,
        image=ContentFile(_png(8, 6), name="sheet.png"),
        alt_text="The new handover sheet",
    )
    return post


def _png(width: int, height: int) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", (width, height), (11, 93, 122)).save(buffer, format="PNG")
    return buffer.getvalue()


def test_chromium_finds_the_manifest_and_the_worker_controls_the_page(
    page: Page, hospital: Hospital
) -> None:
    sign_in(page, "grace.okafor")

    manifest_url = page.locator('link[rel="manifest"]').get_attribute("href")
    assert manifest_url == "/manifest.webmanifest"
    manifest = page.evaluate(
        "async (url) => (await fetch(url, {credentials: 'include'})).json()", manifest_url
    )
    assert manifest["display"] == "standalone"
    assert manifest["start_url"] == "/"
    expect(page.locator('meta[name="theme-color"]')).to_have_attribute("content", "#0e2a3b")

    devtools = page.context.new_cdp_session(page)
    seen = devtools.send("Page.getAppManifest")
    assert seen["url"].endswith("/manifest.webmanifest")
    assert seen["errors"] == []
    _wait_for_worker(page)
    assert page.evaluate("navigator.serviceWorker.controller.scriptURL").endswith("/sw.js")
    # Test contexts are like private windows, where nothing installs; that must be the only
    # reason Chromium gives (no missing icon, name, worker or start address).
    errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert [error["errorId"] for error in errors] == ["in-incognito"]


def test_installable_in_an_ordinary_browser_profile(
    browser: Browser, live_server: Any, hospital: Hospital, tmp_path: Path
) -> None:
    context = browser.browser_type.launch_persistent_context(
        tmp_path / "profile",
        executable_path=str(CHROMIUM),
        headless=True,
        args=CHROMIUM_ARGS,
        base_url=live_server.url,
    )
    try:
        page = context.new_page()
        sign_in(page, "grace.okafor")
        _wait_for_worker(page)
        devtools = context.new_cdp_session(page)
        errors = devtools.send("Page.getInstallabilityErrors")["installabilityErrors"]
        assert errors == []
    finally:
        context.close()


def test_a_nurse_reads_a_post_offline_on_her_phone_and_signing_out_forgets_it(
    phone_page: Page, hospital: Hospital, post: Post
) -> None:
    page = phone_page
    post_url = post.get_absolute_url()
    sign_in(page, "grace.okafor")
    _wait_for_worker(page)

    open_page(page, post_url)
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    picture = page.get_by_role("img", name="The new handover sheet")
    expect(picture).to_be_visible()
    _wait_until(page, lambda: post_url in _kept_posts(page), "the post is kept")

    page.context.set_offline(True)
    page.reload()
    expect(page.get_by_role("heading", level=1)).to_have_text(post.title)
    expect(page.get_by_text("SBAR handover sheet")).to_be_visible()
    # Its picture and its styles came from the cache too.
    expect(picture).to_be_visible()
    assert picture.evaluate("(img) => img.complete && img.naturalWidth") == 8
    assert (
        page.locator(".site-header").evaluate(
            "(header) => getComputedStyle(header).backgroundColor"
        )
        == "rgb(14, 42, 59)"
    )

    page.goto("/channels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    kept = page.get_by_role("region", name="Posts you read recently")
    expect(kept.get_by_role("link", name=post.title)).to_have_attribute("href", post_url)
    assert_accessible(page)
    assert_no_horizontal_scroll(page)

    page.context.set_offline(False)
    open_page(page, "/")
    # Signing out clears the site's storage (Clear-Site-Data): this mark goes with the posts.
    page.evaluate("localStorage.setItem('mark', 'before sign-out')")
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_text("You're signed out.")).to_be_visible()
    _wait_until(page, lambda: _kept_posts(page) == [], "the kept post is deleted")
    assert page.evaluate("localStorage.getItem('mark')") is None


def test_only_posts_are_kept_and_an_ended_session_forgets_them(
    page: Page, hospital: Hospital, post: Post
) -> None:
    """A session can end without the sign-out button (idle time-out, closed browser). The
    first page shown to nobody, or to someone else, tells the worker to forget the posts."""
    post_url = post.get_absolute_url()
    # Her own post, held by the PHI guard: she may open it, the device may not keep it.
    held = PostFactory(
        channel=post.channel, author=hospital.nurse, visibility=Visibility.HELD, title="Bed 4"
    )
    sign_in(page, "grace.okafor")
    _wait_for_worker(page)
    open_page(page, post_url)
    for path in (held.get_absolute_url(), "/ideas/", "/channels/", "/", "/account/my-data/"):
        open_page(page, path)
    _wait_until(page, lambda: post_url in _kept_posts(page), "the post is kept")
    assert _kept_posts(page) == [post_url, f"{post_url}images/{post.images.get().pk}/"]

    page.evaluate("localStorage.setItem('mark', 'still here')")
    page.context.clear_cookies()
    page.goto("/")
    expect(page).to_have_url(SIGN_IN_URL)
    _wait_until(page, lambda: _kept_posts(page) == [], "the kept post is deleted")
    # The worker did it, not Clear-Site-Data: nobody pressed "Sign out".
    assert page.evaluate("localStorage.getItem('mark')") == "still here"

    # Someone else signs in on the same computer, offline: nothing of Grace's is there.
    sign_in(page, "priya.ramanathan")
    page.context.set_offline(True)
    page.goto(post_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    expect(page.get_by_text("No posts are kept on this device yet.")).to_be_visible()


def test_kept_posts_are_refused_and_deleted_once_the_device_is_idle_too_long(
    page: Page, hospital: Hospital, post: Post, settings: Any
) -> None:
    """A nurse reads a post on a shared ward computer and walks away; nothing reaches the
    server, then the network drops. Past the idle limit, the next person finds nothing of hers
    offline: neither the post itself nor its title on the offline page."""
    idle = 3
    settings.OFFLINE_COPIES_IDLE_SECONDS = idle  # the worker's config; normally 10 minutes
    post_url = post.get_absolute_url()
    sign_in(page, "grace.okafor")
    _wait_for_worker(page)
    assert page.evaluate("fetch('/sw.js').then((r) => r.text())").count('"idleSeconds": 3') == 1

    # The offline page's list: the worker is asked, and deletes them.
    open_page(page, post_url)
    _wait_until(page, lambda: post_url in _kept_posts(page), "the post is kept")
    page.context.set_offline(True)
    page.wait_for_timeout((idle + 1) * 1000)
    assert post_url in _kept_posts(page)  # nothing has deleted it yet
    page.goto("/channels/")
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    expect(page.get_by_text("No posts are kept on this device yet.")).to_be_visible()
    _wait_until(page, lambda: _kept_posts(page) == [], "the kept post is deleted")
    kept = page.get_by_role("region", name="Posts you read recently")
    expect(kept.get_by_role("link")).to_have_count(0)

    # The post itself: read again online, then offline past the limit.
    page.context.set_offline(False)
    open_page(page, post_url)
    _wait_until(page, lambda: post_url in _kept_posts(page), "the post is kept again")
    page.context.set_offline(True)
    page.wait_for_timeout((idle + 1) * 1000)
    assert post_url in _kept_posts(page)
    page.goto(post_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("You're offline")
    expect(page.get_by_text("SBAR handover sheet")).to_have_count(0)
    expect(page.get_by_text("No posts are kept on this device yet.")).to_be_visible()
    assert _kept_posts(page) == []
