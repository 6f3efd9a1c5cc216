"""Break-room screens in a real browser: a communications admin adds a screen and sees its
address once; a TV (a fresh browser at 1920 by 1080, nobody signed in) opens it, and the QR code
on the screenshot scans to the shown post's address; the network drops and the slides stay,
with an "Offline" note; back online, new news appears by itself; the admin switches the
screen off and the TV says so. Without JavaScript the page moves on by itself. Axe checks
the admin pages, the screen and the switched-off page."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.kiosk.tests.factories import make_screen
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TV = {"width": 1920, "height": 1080}
ROTATE_MS = 12_000
REFRESH_MS = 180_000
RETRY_MS = 30_000


@pytest.fixture
def site_url(settings: Any, live_server: Any) -> str:
    """Addresses and QR codes point at the live server, as they would at SITE_URL."""
    settings.SITE_URL = live_server.url
    return str(live_server.url)


def decode_qr(page: Page, folder: Path) -> list[str]:
    """Photograph the page and read every QR code on it with zbarimg."""
    shot = folder / "screen.png"
    page.screenshot(path=shot)
    result = subprocess.run(
        ["zbarimg", "--quiet", "--raw", str(shot)],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )
    return result.stdout.split()


def shown_slide(page: Page) -> Any:
    return page.locator("[data-slide]:not([hidden])")


def test_a_screen_from_its_address_to_switching_it_off(
    new_context: NewContext, hospital: Hospital, site_url: str, tmp_path: Path
) -> None:
    comms = PersonFactory(username="carla.comms", first_name="Carla", unit=hospital.unit)
    RoleGrantFactory(person=comms, role=Role.COMMUNICATIONS_ADMIN)
    channel = ChannelFactory(name="Let's Talk")
    post = PostFactory(
        channel=channel,
        title="Flu jabs in the canteen all week",
        summary="Drop in between 7am and 7pm, no appointment needed.",
    )

    admin = new_context().new_page()
    sign_in(admin, "carla.comms")
    admin.get_by_role("link", name="Screens").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Break-room screens")
    assert_accessible(admin)
    admin.get_by_role("link", name="Add a screen").click()
    assert_accessible(admin)
    admin.get_by_label("Name").fill("ED break room")
    admin.get_by_label("What it shows").select_option(label="Emergency Medicine")
    admin.get_by_role("button", name="Add the screen").click()
    expect(admin.get_by_text("This address is shown only once.")).to_be_visible()
    assert_accessible(admin)
    address = admin.get_by_label("The screen's address").input_value()
    assert address.startswith(f"{site_url}/screen/")

    # The TV: a fresh browser, nobody signed in, its clock under the test's control.
    tv_context = new_context(viewport=TV)
    tv = tv_context.new_page()
    # Time flows as usual (a paused clock would stop the screenshots); the test jumps ahead.
    tv.clock.install()
    open_page(tv, address)
    expect(tv.get_by_role("heading", name=post.title)).to_be_visible()
    assert tv_context.cookies() == []
    font_size = tv.locator(".kiosk-slide__text").first.evaluate(
        "element => parseFloat(getComputedStyle(element).fontSize)"
    )
    assert font_size >= 48
    assert_accessible(tv)
    post_url = f"{site_url}/posts/{post.pk}/"
    expect(shown_slide(tv)).to_have_attribute("data-url", post_url)
    assert decode_qr(tv, tmp_path) == [post_url]

    # The network drops: the refresh fails, the slide stays, a small note says so.
    tv_context.set_offline(True)
    newer = PostFactory(channel=channel, title="New staff car park opens on Monday")
    tv.clock.run_for(REFRESH_MS)
    expect(tv.get_by_text("Offline — showing the last news")).to_be_visible()
    expect(tv.get_by_role("heading", name=post.title)).to_be_visible()
    assert tv.url == address

    # Back online: the next try brings the new post in, and the note goes.
    tv_context.set_offline(False)
    tv.clock.run_for(RETRY_MS)
    expect(tv.get_by_text("Offline — showing the last news")).to_be_hidden()
    expect(tv.locator("[data-slide]")).to_have_count(2)
    expect(tv.get_by_role("heading", name=post.title)).to_be_visible()
    tv.clock.run_for(ROTATE_MS)
    expect(tv.get_by_role("heading", name=newer.title)).to_be_visible()
    expect(tv.get_by_role("heading", name=post.title)).to_be_hidden()
    # Someone stops the rotation to read (WCAG 2.2.2), so the photograph is of this slide.
    tv.get_by_role("button", name="Pause").click()
    expect(tv.get_by_role("button", name="Play")).to_have_attribute("aria-pressed", "true")
    newer_url = f"{site_url}/posts/{newer.pk}/"
    expect(shown_slide(tv)).to_have_attribute("data-url", newer_url)
    assert decode_qr(tv, tmp_path) == [newer_url]

    # The admin switches it off; at its next refresh the TV says so, and who to ask.
    admin.goto("/screens/")
    admin.get_by_role("link", name="Switch off ED break room").click()
    assert_accessible(admin)
    admin.get_by_role("button", name="Switch it off").click()
    expect(admin.get_by_text("“ED break room” is switched off.")).to_be_visible()
    tv.clock.run_for(REFRESH_MS)
    expect(tv.get_by_role("heading", name="This screen has been switched off.")).to_be_visible()
    expect(tv.get_by_text("Ask your communications team for a new screen address.")).to_be_visible()
    expect(tv.get_by_text(newer.title)).to_have_count(0)
    assert_accessible(tv)


def test_without_javascript_the_screen_moves_to_the_next_slide_by_itself(
    new_context: NewContext, hospital: Hospital, site_url: str
) -> None:
    PostFactory(title="First news")
    PostFactory(title="Second news")
    _screen, secret = make_screen("Canteen")
    tv = new_context(viewport=TV, java_script_enabled=False).new_page()
    open_page(tv, f"/screen/{secret}/")
    expect(shown_slide(tv)).to_have_count(1)
    first = shown_slide(tv).get_by_role("heading").inner_text()
    # The <noscript> refresh takes the TV to the next slide after 15 seconds.
    tv.wait_for_url("**?slide=1", timeout=25_000)
    expect(shown_slide(tv)).to_have_count(1)
    assert shown_slide(tv).get_by_role("heading").inner_text() != first
