"""A post for one department does not exist for anyone else: not its page, not its image,
not its place in the feed, not its search hits, not its entry in their Atom feed. Someone in
the audience finds all of them."""

from __future__ import annotations

import io

import feedparser
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.services.posts import create_post
from staffroom.channels.services.sharing import regenerate_feed_token
from staffroom.discussion.services import post_comment
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _photo() -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 500), "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("triage.png", buffer.getvalue(), content_type="image/png")


def test_a_post_for_one_department_is_invisible_everywhere_to_everyone_else(
    page: Page, new_context: NewContext, hospital: Hospital, live_server: object
) -> None:
    department = hospital.unit.department
    editor = hospital.colleague
    RoleGrantFactory(person=editor, role=Role.CHANNEL_EDITOR, department=department)
    ensure_lets_talk()
    sync_department_channels()
    channel = Channel.objects.get(department=department)
    post = create_post(
        channel=channel,
        author=editor,
        title="Zanzibar drill for the emergency team",
        summary="Only for Emergency Medicine.",
        body="Bring your **badge**.",
        tags=["drills"],
        audience_departments=[department],
        action="publish",
        image=_photo(),
        alt_text="The triage desk",
    )
    post_comment(thread=post.thread, author=hospital.nurse, body="Quokka plan looks good.")
    image_url = f"/posts/{post.pk}/images/{post.images.get().pk}/"
    outsider = PersonFactory(
        username="tom.baker", first_name="Tom", last_name="Baker", unit=hospital.administrator.unit
    )

    # Grace, in the audience: the feed, the post and its image, both search hits.
    sign_in(page, hospital.nurse.username)
    expect(page.get_by_role("link", name="Zanzibar drill for the emergency team")).to_be_visible()
    open_page(page, post.get_absolute_url())
    open_page(page, image_url)
    open_page(page, "/search/?q=zanzibar")
    expect(page.locator("mark", has_text="Zanzibar").first).to_be_visible()
    open_page(page, "/search/?q=quokka")
    expect(page.locator("mark", has_text="Quokka").first).to_be_visible()

    # Tom, in Radiology: nothing, anywhere.
    other = new_context().new_page()
    sign_in(other, outsider.username)
    expect(other.get_by_text("Zanzibar drill")).to_have_count(0)
    open_page(other, post.get_absolute_url(), status=404)
    assert_accessible(other)
    open_page(other, image_url, status=404)
    open_page(other, f"/channels/{channel.slug}/")
    expect(other.get_by_text("Zanzibar drill")).to_have_count(0)
    open_page(other, "/search/?q=zanzibar")
    expect(other.get_by_text("Zanzibar drill")).to_have_count(0)
    open_page(other, "/search/?q=quokka")
    expect(other.get_by_text("Quokka")).to_have_count(0)

    # Their personal Atom feeds of the department channel parse cleanly; only Grace's has it.
    feed_path = f"/channels/{channel.slug}.atom"
    grace_feed = page.request.get(
        f"/feeds/{regenerate_feed_token(person=hospital.nurse).token}{feed_path}"
    )
    tom_feed = other.request.get(
        f"/feeds/{regenerate_feed_token(person=outsider).token}{feed_path}"
    )
    for response in (grace_feed, tom_feed):
        assert response.status == 200
        assert feedparser.parse(response.body()).bozo == 0
    assert [e.title for e in feedparser.parse(grace_feed.body()).entries] == [post.title]
    assert feedparser.parse(tom_feed.body()).entries == []
