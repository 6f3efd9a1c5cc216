"""Pages of the PHI guard: the author's held panel, /privacy/mine/, the officers' queue and a
hold's page. Each works without JavaScript; htmx gets fragments."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.audit.models import AuditAction, AuditEntry
from staffroom.channels.tests.factories import PostFactory
from staffroom.core.models import Visibility
from staffroom.discussion.models import Comment, Thread
from staffroom.discussion.services import post_comment
from staffroom.privacy.models import PrivacyHold
from staffroom.privacy.services import send_for_review, texts_version

pytestmark = pytest.mark.django_db

PHI = "Mr John Carter in bed 4, MRN 4481923, needs his meds reviewed"
HTMX = {"HX-Request": "true"}


@pytest.fixture
def post():
    return PostFactory()


@pytest.fixture
def officer():
    person = PersonFactory()
    RoleGrantFactory(person=person, role=Role.PRIVACY_OFFICER)
    return person


def signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def test_a_held_comment_without_javascript_shows_the_author_a_panel_and_others_nothing(
    post,
) -> None:
    nurse, colleague = PersonFactory(), PersonFactory()
    response = signed_in(nurse).post(
        reverse("discussion:comment", kwargs={"thread_id": post.thread_id}), {"body": PHI}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#held-comments")
    comment = Comment.objects.get()
    assert comment.visibility == Visibility.HELD
    page = signed_in(nurse).get(post.get_absolute_url()).content.decode()
    assert "Held for privacy review — only you can see this" in page
    assert '<mark class="phi-finding" data-kind="mrn">4481923' in page
    assert "possible medical record number" in page
    assert reverse("discussion:comment_edit", kwargs={"comment_id": comment.pk}) in page
    other = signed_in(colleague).get(post.get_absolute_url()).content.decode()
    assert "4481923" not in other
    assert "John Carter" not in other
    assert "Held for privacy review" not in other
    assert Thread.objects.get(pk=post.thread_id).comment_count == 0


def test_a_held_comment_with_htmx_swaps_in_a_fresh_form_and_the_panel(post) -> None:
    nurse = PersonFactory()
    response = signed_in(nurse).post(
        reverse("discussion:comment", kwargs={"thread_id": post.thread_id}),
        {"body": PHI},
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="beforeend:#held-comments"' in html
    assert "Held for privacy review" in html
    assert 'id="comment-form"' in html


def test_others_can_not_edit_delete_or_read_the_history_of_a_held_comment(post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    someone = signed_in(PersonFactory())
    for name in ("comment_edit", "comment_history"):
        url = reverse(f"discussion:{name}", kwargs={"comment_id": comment.pk})
        assert someone.get(url).status_code == 404
    url = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    assert someone.post(url).status_code == 404
    assert Comment.objects.get(pk=comment.pk).deleted_at is None


def test_the_author_edits_the_findings_out_and_it_is_posted(post) -> None:
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    client = signed_in(nurse)
    url = reverse("discussion:comment_edit", kwargs={"comment_id": comment.pk})
    form = client.get(url).content.decode()
    assert "What the privacy guard found" in form
    response = client.post(url, {"body": "Please review the meds round today"})
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.VISIBLE
    assert Thread.objects.get(pk=post.thread_id).comment_count == 1


def test_the_author_sends_it_for_review_and_deletes_it(post) -> None:
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    hold = PrivacyHold.objects.get()
    client = signed_in(nurse)
    send = reverse("privacy:send_for_review", kwargs={"hold_id": hold.pk})
    assert signed_in(PersonFactory()).post(send, {"note": "x"}).status_code == 404
    response = client.post(send, {"note": "A made-up case", "next": post.get_absolute_url()})
    assert response.status_code == 302
    hold.refresh_from_db()
    assert (hold.status, hold.author_note) == (PrivacyHold.Status.IN_REVIEW, "A made-up case")
    delete = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    assert client.post(delete).status_code == 302
    hold.refresh_from_db()
    assert hold.status == PrivacyHold.Status.WITHDRAWN
    mine = client.get(reverse("privacy:my_holds")).content.decode()
    assert "4481923" in mine  # nothing held is lost to its author


def test_send_for_review_with_htmx_answers_with_the_panel(post) -> None:
    nurse = PersonFactory()
    post_comment(thread=post.thread, author=nurse, body=PHI)
    hold = PrivacyHold.objects.get()
    response = signed_in(nurse).post(
        reverse("privacy:send_for_review", kwargs={"hold_id": hold.pk}),
        {"note": "ok"},
        headers=HTMX,
    )
    assert response.status_code == 200
    assert "Waiting for privacy review" in response.content.decode()


def test_the_queue_and_a_hold_are_a_404_for_everyone_but_privacy_officers(post) -> None:
    post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    hold = PrivacyHold.objects.get()
    client = signed_in(PersonFactory())
    assert client.get(reverse("privacy:queue")).status_code == 404
    assert client.get(reverse("privacy:hold", kwargs={"hold_id": hold.pk})).status_code == 404
    release = reverse("privacy:release", kwargs={"hold_id": hold.pk})
    assert client.post(release, {"note": ""}).status_code == 404


def test_the_queue_shows_no_written_words(post, officer) -> None:
    nurse = PersonFactory()
    post_comment(thread=post.thread, author=nurse, body=PHI)
    hold = PrivacyHold.objects.get()
    send_for_review(hold=hold, author=nurse, note="Training")
    page = signed_in(officer).get(reverse("privacy:queue")).content.decode()
    assert nurse.display_name in page
    assert "possible medical record number" in page
    assert "4481923" not in page
    assert "John Carter" not in page
    waiting = signed_in(officer).get(reverse("privacy:queue") + "?tab=author").content.decode()
    assert nurse.display_name not in waiting


def test_every_view_of_a_hold_is_audited_and_shows_the_latest_words(post, officer) -> None:
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    hold = PrivacyHold.objects.get()
    client = signed_in(officer)
    url = reverse("privacy:hold", kwargs={"hold_id": hold.pk})
    Comment.objects.filter(pk=comment.pk).update(body=PHI + " (updated)")
    first = client.get(url).content.decode()
    client.get(url)
    assert "(updated)" in first
    assert '<mark class="phi-finding"' in first
    viewed = AuditEntry.objects.filter(action=AuditAction.HELD_CONTENT_VIEWED)
    assert viewed.count() == 2
    assert not viewed.filter(summary__contains="4481923").exists()


def test_an_officer_releases_and_the_author_is_told(post, officer) -> None:
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body=PHI)
    hold = PrivacyHold.objects.get()
    response = signed_in(officer).post(
        reverse("privacy:release", kwargs={"hold_id": hold.pk}),
        {"note": "Fine", "seen": texts_version(comment)},
    )
    assert response.status_code == 302
    assert Comment.objects.get(pk=comment.pk).visibility == Visibility.VISIBLE
    again = signed_in(officer).post(
        reverse("privacy:remove", kwargs={"hold_id": hold.pk}), {"note": ""}
    )
    assert again.status_code == 400
    assert "already decided" in again.content.decode()
    inbox = signed_in(nurse).get(reverse("notifications:list")).content.decode()
    assert "A privacy officer reviewed what you wrote" in inbox
    assert "Fine" in inbox


def test_the_decision_form_carries_the_version_read(post, officer) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body=PHI)
    hold = PrivacyHold.objects.get()
    page = signed_in(officer).get(reverse("privacy:hold", kwargs={"hold_id": hold.pk}))
    assert f'name="seen" value="{texts_version(comment)}"' in page.content.decode()


@pytest.mark.parametrize("url_name", ["privacy:release", "privacy:remove"])
def test_a_decision_about_words_changed_since_is_refused(post, officer, url_name) -> None:
    """Review finding 7: the officer opened version A, the author then edited it (B);
    releasing or removing "it" would decide about words the officer never read."""
    nurse = PersonFactory()
    comment = post_comment(thread=post.thread, author=nurse, body="Mr Carter MRN 1234567 ok")
    hold = PrivacyHold.objects.get()
    client = signed_in(officer)
    seen = texts_version(comment)
    from staffroom.discussion.services import edit_comment

    edit_comment(comment=Comment.objects.get(pk=comment.pk), editor=nurse, body=PHI)
    response = client.post(
        reverse(url_name, kwargs={"hold_id": hold.pk}), {"note": "Fine", "seen": seen}
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "It was changed since you opened it: review the latest version." in page
    # The page shows the latest words, and the form now carries their version.
    assert "4481923" in page
    latest = Comment.objects.get(pk=comment.pk)
    assert f'name="seen" value="{texts_version(latest)}"' in page
    assert latest.visibility == Visibility.HELD
    hold.refresh_from_db()
    assert hold.is_open
    assert hold.decided_by is None
    # Without any version (a form from elsewhere), refused as well.
    missing = client.post(reverse(url_name, kwargs={"hold_id": hold.pk}), {"note": ""})
    assert missing.status_code == 409
    # With the latest version, the decision goes through.
    done = client.post(
        reverse(url_name, kwargs={"hold_id": hold.pk}),
        {"note": "", "seen": texts_version(latest)},
    )
    assert done.status_code == 302


def test_privacy_officers_get_a_navigation_link(officer) -> None:
    page = signed_in(officer).get("/").content.decode()
    assert f'href="{reverse("privacy:queue")}"' in page
    staff_page = signed_in(PersonFactory()).get("/").content.decode()
    assert f'href="{reverse("privacy:queue")}"' not in staff_page


def test_the_queue_costs_the_same_at_ten_and_at_many_holds(officer, query_count) -> None:
    client = signed_in(officer)
    client.get(reverse("privacy:queue"))  # warm caches (roles, session)

    def make(n: int) -> None:
        post = PostFactory()
        for _ in range(n):
            author = PersonFactory()
            post_comment(thread=post.thread, author=author, body=PHI)
            hold = PrivacyHold.objects.latest("id")
            send_for_review(hold=hold, author=author, note="")

    make(3)
    few = query_count(lambda: client.get(reverse("privacy:queue")))
    make(25)
    many = query_count(lambda: client.get(reverse("privacy:queue")))
    assert few == many
