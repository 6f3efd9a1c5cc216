"""An editor writes a post with an image for her department, schedules it, then publishes it."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import RoleGrantFactory
from staffroom.channels.models import Channel, Post, PostImage
from staffroom.channels.services.channels import sync_department_channels
from tests.browser.conftest import Hospital
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "ed-team.png"
    Image.new("RGB", (1200, 800), "teal").save(path, format="PNG")
    return path


def test_an_editor_schedules_then_publishes_a_post_with_an_image_for_her_department(
    page: Page, hospital: Hospital, photo: Path
) -> None:
    editor = hospital.colleague  # Priya, charge nurse in Emergency Medicine
    department = hospital.unit.department
    RoleGrantFactory(person=editor, role=Role.CHANNEL_EDITOR, department=department)
    sync_department_channels()
    channel = Channel.objects.get(department=department)

    sign_in(page, editor.username)
    page.goto(f"/channels/{channel.slug}/new-post/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("New post in")
    assert_accessible(page)

    # A first try without a title: the error summary links to the field, the text stays.
    page.get_by_label("Body").fill("The new triage rota starts on **Monday**.")
    page.get_by_role("button", name="Save draft").click()
    summary = page.get_by_role("alert")
    expect(summary).to_contain_text("Give the post a title")
    expect(page.get_by_label("Body")).to_have_value("The new triage rota starts on **Monday**.")
    assert not Post.objects.exists()
    assert_accessible(page)

    page.get_by_label("Title").fill("New triage rota from Monday")
    page.get_by_label("Summary").fill("What changes for the night team.")
    page.get_by_label("Tags").fill("rota, triage")
    page.get_by_label("Only for these departments").select_option(label=department.name)
    page.get_by_label(re.compile(r"^Image")).set_input_files(str(photo))
    page.get_by_label("Describe the image").fill("The ED night team at the triage desk")
    when = timezone.localtime() + timedelta(days=1)
    page.get_by_label("Go live at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Schedule").click()

    post = Post.objects.get()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    assert post.status == Post.Status.SCHEDULED
    assert post.audience_restricted
    image = PostImage.objects.get(post=post)
    assert image.alt_text == "The ED night team at the triage desk"

    # Publish now, from the edit page (the post page's controls do the same).
    page.goto(f"/posts/{post.pk}/edit/")
    expect(page.get_by_label("Title")).to_have_value("New triage rota from Monday")
    page.get_by_role("button", name="Save and publish now").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    post.refresh_from_db()
    assert post.status == Post.Status.PUBLISHED
    assert post.is_live

    expect(page.get_by_role("heading", level=1)).to_have_text("New triage rota from Monday")
    expect(page.get_by_role("img", name="The ED night team at the triage desk")).to_be_visible()

    # A correction after publishing keeps the old words; editors compare the two versions.
    page.goto(f"/posts/{post.pk}/edit/")
    page.get_by_label("Body").fill("The new triage rota starts on **Tuesday**.")
    page.get_by_role("button", name="Save changes").click()
    expect(page).to_have_url(re.compile(rf"/posts/{post.pk}/$"))
    page.goto(f"/posts/{post.pk}/revisions/")
    page.get_by_label("From", exact=True).select_option(label="Version 1")
    page.get_by_label("To", exact=True).select_option(label="Current version")
    page.get_by_role("button", name="Compare").click()
    comparison = page.locator("#comparison")
    expect(comparison.locator("del")).to_contain_text("**Monday**.")
    expect(comparison.locator("ins")).to_contain_text("**Tuesday**.")
    assert_accessible(page)
