"""A privacy officer reveals who wrote an anonymous item, with a reason; another privacy
officer finds the reveal in the list and was told of it (decision 18).

No kind is anonymous yet (ideas, issue 5): the test registers every comment as an anonymous
item for its duration. The live server runs in this process, so it sees the same registry.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.services import post_comment
from staffroom.notifications.models import Notification
from staffroom.privacy.models import AuthorReveal
from staffroom.privacy.tests.test_reveal import ANON, anonymous_comments
from tests.browser.conftest import Hospital, NewContext
from tests.browser.helpers import assert_accessible, open_page, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REASON = "Three unkind anonymous ideas about the night team: moderators must talk to the author"


def test_a_privacy_officer_reveals_an_anonymous_author_and_the_others_see_it(
    page: Page, hospital: Hospital, new_context: NewContext
) -> None:
    officer = PersonFactory(
        username="pat.privacy", first_name="Pat", last_name="Privacy", unit=hospital.unit
    )
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    with anonymous_comments():
        comment = post_comment(
            thread=PostFactory(author=hospital.administrator).thread,
            author=hospital.nurse,
            body="Nights are always short-staffed",
        )
        sign_in(page, "pat.privacy")
        open_page(page, f"/privacy/reveal/{ANON}/{comment.pk}/")
        expect(page.get_by_role("heading", level=1)).to_have_text("Reveal who wrote this")
        expect(page.get_by_text("Every other privacy officer is told at once")).to_be_visible()
        expect(page.get_by_text("Grace Okafor")).to_have_count(0)
        assert_accessible(page)

        reason = page.get_by_label("Why do you need to know who wrote this?")
        reason.fill("Curious")
        page.get_by_role("button", name="Reveal the author").click()
        expect(page.get_by_text("at least 20 characters").first).to_be_visible()
        expect(reason).to_have_value("Curious")
        assert not AuthorReveal.objects.exists()
        assert_accessible(page)

        reason.fill(REASON)
        page.get_by_role("button", name="Reveal the author").click()
        expect(page.get_by_role("heading", level=1)).to_have_text("Who wrote this")
        expect(page.get_by_role("link", name="Grace Okafor")).to_have_attribute(
            "href", hospital.nurse.get_absolute_url()
        )
        assert page.url.endswith(f"/privacy/reveal/{ANON}/{comment.pk}/")
        assert_accessible(page)

        # The administrator (a privacy officer too) finds it in the list, with no name.
        admin_page = new_context().new_page()
        sign_in(admin_page, "it.admin")
        open_page(admin_page, "/privacy/")
        admin_page.get_by_role("link", name="Author reveals").click()
        expect(admin_page.get_by_role("heading", level=1)).to_have_text("Author reveals")
        row = admin_page.get_by_role("row", name=AuthorReveal.objects.get().item_label)
        expect(row).to_contain_text("Pat Privacy")
        expect(row).to_contain_text(REASON)
        expect(admin_page.get_by_text("Grace Okafor")).to_have_count(0)
        assert_accessible(admin_page)
    told = Notification.objects.get(kind=Notification.Kind.REVEAL)
    assert told.recipient == hospital.administrator
    assert "Grace" not in told.message
    # And in their notifications, which point at the list and never name the author.
    open_page(admin_page, "/notifications/")
    expect(
        admin_page.get_by_text("Pat Privacy revealed the author of an anonymous item")
    ).to_be_visible()
    expect(admin_page.get_by_text("Grace Okafor")).to_have_count(0)
    admin_page.get_by_role("button", name="the list of revealed authors", exact=True).click()
    expect(admin_page.get_by_role("heading", level=1)).to_have_text("Author reveals")
