"""The PHI guard on posts: a communications admin publishes a post naming a patient with her
date of birth; it is held, with what was found highlighted, and a colleague finds nothing of
it in the feed, the channel or search. The author edits the patient out and the post goes
out; the colleague sees it then."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import RoleGrantFactory
from staffroom.channels.models import Post
from staffroom.channels.services.channels import ensure_lets_talk
from staffroom.core.models import Visibility
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HELD = "Held for privacy review — only you and the privacy officers can see this"
TITLE = "Thank you from the Riverside volunteers"
PHI_BODY = (
    "Visiting for patient Maria Lopez (DOB 03/14/1957) went well: thank you to the "
    "volunteers who made Sunday special."
)
CLEAN_BODY = "Visiting went well: thank you to the volunteers who made Sunday special."


def test_a_post_naming_a_patient_is_held_until_its_author_edits_the_patient_out(
    page: Page, new_context: NewContext, hospital: Hospital
) -> None:
    author = hospital.administrator
    RoleGrantFactory(person=author, role=Role.COMMUNICATIONS_ADMIN)
    lets_talk = ensure_lets_talk()  # everyone follows it

    sign_in(page, author.username)
    page.goto(f"/channels/{lets_talk.slug}/new-post/")
    page.get_by_label("Title").fill(TITLE)
    page.get_by_label("Body").fill(PHI_BODY)
    page.get_by_role("button", name="Publish now").click()

    # Held, with the name and date of birth marked where they were written.
    expect(page.get_by_role("heading", name=HELD)).to_be_visible()
    held = page.locator("#held-post")
    expect(held.locator("mark.phi-finding", has_text="03/14/1957")).to_be_visible()
    expect(held.locator("mark.phi-finding", has_text="Maria Lopez")).to_be_visible()
    expect(held.get_by_role("link", name="Edit post")).to_be_visible()
    expect(held.get_by_role("button", name="Send for privacy review")).to_be_visible()
    post = Post.objects.get(title=TITLE)
    assert post.visibility == Visibility.HELD
    assert_accessible(page)

    # A colleague finds nothing of it: not in the feed, the channel, search, nor at its address.
    colleague = new_context().new_page()
    sign_in(colleague, hospital.nurse.username)
    for address in ("/", lets_talk.get_absolute_url(), "/search/?q=volunteers"):
        colleague.goto(address)
        expect(colleague.locator("main")).not_to_contain_text("Riverside volunteers")
    response = colleague.goto(post.get_absolute_url())
    assert response is not None
    assert response.status == 404

    # The author edits the patient out: the post goes out as she asked.
    held.get_by_role("link", name="Edit post").click()
    expect(page.locator(".held-post mark.phi-finding").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Body").fill(CLEAN_BODY)
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Your changes are published.")).to_be_visible()
    expect(page.get_by_role("heading", name=HELD)).to_have_count(0)
    post.refresh_from_db()
    assert post.visibility == Visibility.VISIBLE

    # Now the colleague sees it in the feed and in search.
    colleague.goto("/")
    expect(colleague.locator("main")).to_contain_text(TITLE)
    colleague.goto("/search/?q=volunteers")
    expect(colleague.locator("main")).to_contain_text("Riverside volunteers")
