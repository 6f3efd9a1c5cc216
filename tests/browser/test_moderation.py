"""Three colleagues flag a comment and it is hidden; its author is told; a moderator keeps
it hidden with a reason and suspends the author, who then sees the refusal when writing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.services import post_comment
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = "The night rota is a joke, and so is whoever wrote it."


def flag_the_comment(page: Page, post_url: str, *, check_page: bool) -> None:
    page.goto(post_url)
    comment = page.locator(".comment").filter(has_text=WORDS)
    comment.get_by_role("link", name="Flag this comment").click()
    expect(page.get_by_role("heading", name="Flag this comment")).to_be_visible()
    if check_page:
        assert_accessible(page)
    page.get_by_label("It is disrespectful or abusive").check()
    page.get_by_label("Anything a moderator should know").fill("A personal dig at the rota team.")
    page.get_by_role("button", name="Send flag").click()
    expect(page.get_by_text("Thanks — a moderator will look at it")).to_be_visible()


def test_three_flags_hide_a_comment_and_a_moderator_acts_on_it(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    post = PostFactory(title="Night shift rota")
    post_url = post.get_absolute_url()
    post_comment(thread=post.thread, author=hospital.nurse, body=WORDS)
    PersonFactory(username="ben.adeyemi", first_name="Ben", last_name="Adeyemi")
    PersonFactory(username="chloe.ng", first_name="Chloe", last_name="Ng")
    moderator = PersonFactory(username="mo.reyes", first_name="Mo", last_name="Reyes")
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)

    # Three colleagues flag it, each from their own browser.
    for number, username in enumerate(["priya.ramanathan", "ben.adeyemi", "chloe.ng"]):
        colleague = new_context().new_page()
        sign_in(colleague, username)
        flag_the_comment(colleague, post_url, check_page=number == 0)
    # The third flag hid it: the colleague is back on the post, where it is gone.
    expect(colleague.get_by_role("heading", name="Night shift rota")).to_be_visible()
    expect(colleague.get_by_text(WORDS)).to_have_count(0)

    # Grace is told.
    sign_in(page, "grace.okafor")
    page.goto("/notifications/")
    notice = page.locator(".notification").filter(has_text="A moderator acted on what you wrote")
    expect(notice).to_contain_text("hidden until a moderator looks at it")

    # The moderator finds it in the queue, with its words and the flags' reasons.
    moderation = new_context().new_page()
    sign_in(moderation, "mo.reyes")
    moderation.goto("/moderation/")
    entry = moderation.locator(".moderation-queue__item").filter(has_text=WORDS)
    expect(entry).to_contain_text("Hidden pending review")
    expect(entry).to_contain_text("3 flags")
    expect(entry).to_contain_text("A personal dig at the rota team.")
    assert_accessible(moderation)
    entry.get_by_role("link", name=re.compile("Review and act")).click()
    expect(moderation.get_by_role("heading", name="Comment by Grace Okafor")).to_be_visible()
    assert_accessible(moderation)

    # She keeps it hidden, with the reason Grace is told.
    keep = moderation.locator("form").filter(
        has=moderation.get_by_role("heading", name="Keep it hidden")
    )
    keep.get_by_label("Reason (the author is told this)").fill(
        "Please criticise the rota, not the people who wrote it."
    )
    keep.get_by_role("button", name="Keep hidden").click()
    expect(moderation.get_by_text("Hidden. The author was told why.")).to_be_visible()
    expect(moderation.get_by_text("Nothing is waiting")).to_be_visible()

    # Grace has the post open when the moderator suspends her for a day.
    page.goto(post_url)
    moderation.goto(f"/moderation/comment/{post.thread.comments.get().pk}/")
    suspend = moderation.locator("form").filter(
        has=moderation.get_by_role("heading", name="Suspend Grace Okafor")
    )
    suspend.get_by_label("1 day").check()
    suspend.get_by_label("Reason (the author is told this)").fill("Second personal remark.")
    suspend.get_by_role("button", name="Suspend").click()
    expect(moderation.get_by_text("Grace Okafor is suspended")).to_be_visible()

    # Her next comment, from the page she had open, is refused with the reason.
    page.get_by_label("Your comment").fill("Sorry, I was tired.")
    page.get_by_role("button", name="Post comment").click()
    expect(page.get_by_role("heading", name="You can't write for now")).to_be_visible()
    expect(page.get_by_text("Second personal remark.")).to_be_visible()
    assert_accessible(page)

    # She can still read: the post shows, with a notice where the comment form was.
    page.goto(post_url)
    expect(page.get_by_role("heading", name="Night shift rota")).to_be_visible()
    expect(page.get_by_text("You are suspended until")).to_be_visible()
    expect(page.get_by_label("Your comment")).to_have_count(0)
    page.goto("/notifications/")
    expect(page.get_by_text("Please criticise the rota, not the people")).to_be_visible()
