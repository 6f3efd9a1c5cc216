"""The bell and the notification centre in a browser: Ana reacts to Ben's comment, two
colleagues follow; Ben sees one notification for the three, opens it and marks everything
read. He asks for new posts in the channels he follows, an editor publishes one in his
department's channel, the worker runs, and his bell shows it. The centre and the settings
page pass axe."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel
from staffroom.channels.services.channels import sync_department_channels
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.services import post_comment, react
from staffroom.jobs.testing import run_jobs
from staffroom.notifications.models import DeliverySettings
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_ben_gets_one_notification_for_three_reactions_and_asks_for_new_posts(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    department = hospital.unit.department
    ben: Person = PersonFactory(
        username="ben.okoro", first_name="Ben", last_name="Okoro", unit=hospital.unit
    )
    ana: Person = PersonFactory(
        username="ana.lopez", first_name="Ana", last_name="Lopez", unit=hospital.unit
    )
    editor = hospital.colleague  # Priya edits Emergency Medicine's channel
    RoleGrantFactory(person=editor, role=Role.CHANNEL_EDITOR, department=department)
    sync_department_channels()
    channel = Channel.objects.get(department=department)
    post = PostFactory(channel=channel, title="New handover checklist")
    post_comment(thread=post.thread, author=ben, body="This will save us ten minutes a shift.")

    # Ana reacts to Ben's comment in her browser; two colleagues react after her.
    ana_page = new_context().new_page()
    sign_in(ana_page, ana.username)
    ana_page.goto(post.get_absolute_url())
    his = ana_page.locator(".comment").filter(has_text="ten minutes a shift").first
    his.get_by_role("button", name=re.compile(r"Thanks")).first.click()
    expect(his.get_by_role("button", name=re.compile(r"Thanks")).first).to_have_attribute(
        "aria-pressed", "true"
    )
    comment = post.thread.comments.get()
    for first_name in ("Carla", "Dev"):
        react(
            person=PersonFactory(first_name=first_name, unit=hospital.unit),
            thread=post.thread,
            comment=comment,
            kind="like",
        )

    # Ben's bell counts one notification; the centre gathers the three reactions in it.
    sign_in(page, ben.username)
    page.goto("/me/")
    expect(page.locator("#notification-bell .badge")).to_have_text("1 unread")
    page.locator("#notification-bell a").click()
    expect(page).to_have_url(re.compile(r"/notifications/$"))
    batch = page.locator(".notification").filter(has_text="and 2 others reacted to your comment")
    expect(batch).to_have_count(1)
    expect(batch).to_contain_text("Dev")
    expect(batch).to_contain_text("New handover checklist")
    assert_accessible(page)

    page.get_by_role("button", name="Mark all as read").click()
    expect(page.locator(".notification--unread")).to_have_count(0)
    expect(page.locator("#notification-bell .badge")).to_have_count(0)  # updated at once
    page.reload()
    expect(page.locator("#notification-bell .badge")).to_have_count(0)

    # He asks to hear about new posts, from his settings, without needing JavaScript.
    page.goto("/me/")
    page.get_by_role("link", name="Notifications and email").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Notifications and email")
    assert_accessible(page)
    page.get_by_label("Tell me about new posts in channels I follow").check()
    page.get_by_label("Every day").check()
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_text("Your notification and email settings are saved.")).to_be_visible()
    expect(page.get_by_label("Tell me about new posts in channels I follow")).to_be_checked()
    assert DeliverySettings.objects.get(person=ben).channel_posts is True
    assert_accessible(page)

    # Priya publishes a post in Emergency Medicine's channel, which Ben follows.
    editor_page = new_context().new_page()
    sign_in(editor_page, editor.username)
    editor_page.goto(f"/channels/{channel.slug}/new-post/")
    editor_page.get_by_label("Title").fill("Flu jabs on Thursday")
    editor_page.get_by_label("Body").fill("The flu clinic comes to the department at 10.")
    editor_page.get_by_role("button", name="Publish now").click()
    expect(editor_page.get_by_role("heading", level=1)).to_have_text("Flu jabs on Thursday")

    # The worker tells him; his bell shows it on the next page (or its next refresh).
    assert run_jobs() >= 1
    page.goto("/me/")
    expect(page.locator("#notification-bell .badge")).to_have_text("1 unread")
    page.locator("#notification-bell a").click()
    new_post = page.locator(".notification--unread")
    expect(new_post).to_have_count(1)
    expect(new_post).to_contain_text(f"New post in {channel.name}:")
    expect(new_post).to_contain_text("Flu jabs on Thursday")
    assert_accessible(page)
    new_post.get_by_role("button", name="Flu jabs on Thursday", exact=True).click()
    expect(page).to_have_url(re.compile(r"/posts/\d+/$"))
    expect(page.locator("#notification-bell .badge")).to_have_count(0)


def test_the_bell_refreshes_itself_every_minute_with_htmx(page: Page, hospital: Hospital) -> None:
    """The count changes on an open page without reloading it: the page's clock is moved a
    minute on, and htmx's own timer asks for the bell."""
    page.clock.install()
    sign_in(page, hospital.nurse.username)
    page.goto("/me/")
    expect(page.locator("#notification-bell .badge")).to_have_count(0)
    post = PostFactory(title="Rota")
    post_comment(thread=post.thread, author=hospital.colleague, body="@grace.okafor look")
    page.clock.fast_forward(30_000)
    page.wait_for_timeout(300)
    expect(page.locator("#notification-bell .badge")).to_have_count(0)  # not yet
    with page.expect_response(re.compile(r"/notifications/bell/\?shown=$")) as polled:
        page.clock.fast_forward(31_000)
    assert polled.value.status == 200
    expect(page.locator("#notification-bell .badge")).to_have_text("1 unread")
    # Unchanged since: the next minute's answer is an empty 204 and the bell stays.
    page.clock.run_for(100)  # htmx's settle step (a 20 ms timer) sets up the new bell
    with page.expect_response(re.compile(r"/notifications/bell/\?shown=1$")) as again:
        page.clock.run_for(61_000)
    assert again.value.status == 204
    expect(page.locator("#notification-bell .badge")).to_have_text("1 unread")
