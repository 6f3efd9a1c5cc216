from __future__ import annotations

import re
import uuid

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel
from staffroom.channels.tests.factories import ChannelEditorFactory, ChannelFactory, PostFactory
from staffroom.core.items import kind_of
from staffroom.discussion.models import Comment, Reaction, Thread
from staffroom.discussion.services import edit_comment, post_comment
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


@pytest.fixture
def post():
    return PostFactory(title="Handover at 7")


@pytest.fixture
def nurse(client: Client) -> Person:
    person = PersonFactory(username="grace.okafor", first_name="Grace", last_name="Okafor")
    client.force_login(person)
    return person


def comment_url(post) -> str:
    return reverse("discussion:comment", kwargs={"thread_id": post.thread.pk})


def test_a_comment_without_javascript_redirects_to_the_post_at_the_comment(
    client: Client, nurse: Person, post
) -> None:
    response = client.post(
        comment_url(post), {"body": "Great news", "submission_key": str(uuid.uuid4())}
    )
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"{post.get_absolute_url()}#comment-{comment.pk}"
    assert comment.author == nurse


def test_a_comment_with_htmx_returns_a_fresh_form_and_the_comment_to_append(
    client: Client, nurse: Person, post
) -> None:
    response = client.post(
        comment_url(post), {"body": "Great news", "submission_key": str(uuid.uuid4())}, headers=HTMX
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert 'hx-swap-oob="beforeend:#comments-list"' in body
    assert "Great news" in body
    assert 'id="comment-form"' in body
    assert "</textarea>" in body
    assert "Great news</textarea>" not in body


def test_a_reply_with_htmx_is_appended_to_the_replies_of_its_parent(
    client: Client, nurse: Person, post
) -> None:
    top = post_comment(thread=post.thread, author=PersonFactory(), body="Top")
    response = client.post(
        comment_url(post),
        {"body": "My reply", "parent": top.pk, "submission_key": str(uuid.uuid4())},
        headers=HTMX,
    )
    body = response.content.decode()
    assert f'hx-swap-oob="beforeend:#replies-{top.pk}"' in body
    assert f'id="reply-box-{top.pk}"' in body
    assert Comment.objects.get(body="My reply").parent == top


@pytest.mark.parametrize("text", ["   ", "x" * 10_001])
def test_a_bad_comment_keeps_the_text_shows_the_error_and_stores_nothing(
    client: Client, nurse: Person, post, text: str
) -> None:
    response = client.post(comment_url(post), {"body": text})
    assert response.status_code == 400
    body = response.content.decode()
    assert "field-error" in body
    assert not Comment.objects.exists()
    if text.strip():
        assert text in body


def test_a_bad_comment_with_htmx_returns_the_form_with_the_error(
    client: Client, nurse: Person, post
) -> None:
    response = client.post(comment_url(post), {"body": "x" * 10_001}, headers=HTMX)
    body = response.content.decode()
    assert response.status_code == 200
    assert "at most 10,000" in body
    assert 'aria-invalid="true"' in body
    assert not Comment.objects.exists()


def test_sending_the_same_comment_form_twice_stores_one_comment(
    client: Client, nurse: Person, post
) -> None:
    data = {"body": "Only once", "submission_key": str(uuid.uuid4())}
    client.post(comment_url(post), data)
    client.post(comment_url(post), data)
    assert Comment.objects.count() == 1


def test_someone_outside_the_audience_gets_404_when_commenting(client: Client) -> None:
    post = PostFactory(audience_departments=[DepartmentFactory()])
    client.force_login(PersonFactory())
    response = client.post(comment_url(post), {"body": "Let me in"})
    assert response.status_code == 404
    assert not Comment.objects.exists()


def test_a_closed_discussion_refuses_comments(client: Client, nurse: Person, post) -> None:
    Thread.objects.filter(pk=post.thread.pk).update(is_locked=True)
    response = client.post(comment_url(post), {"body": "Hello"})
    assert response.status_code == 403
    assert not Comment.objects.exists()


def test_reacting_without_javascript_redirects_back_with_a_message(
    client: Client, nurse: Person, post
) -> None:
    url = reverse("discussion:react", kwargs={"thread_id": post.thread.pk})
    response = client.post(url, {"kind": "celebrate"}, follow=True)
    assert response.redirect_chain[-1][0].endswith(f"{post.get_absolute_url()}#reactions")
    assert Reaction.objects.get().kind == "celebrate"


def test_reacting_with_htmx_returns_the_bar_with_the_choice_pressed(
    client: Client, nurse: Person, post
) -> None:
    url = reverse("discussion:react", kwargs={"thread_id": post.thread.pk})
    body = client.post(url, {"kind": "thanks"}, headers=HTMX).content.decode()
    assert 'value="thanks" class="reaction reaction--pressed"' in body
    assert 'aria-pressed="true"' in body
    assert Thread.objects.get(pk=post.thread.pk).reaction_counts == {"thanks": 1}


def test_reacting_to_a_comment_with_htmx_returns_its_bar(
    client: Client, nurse: Person, post
) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Hi")
    url = reverse("discussion:comment_react", kwargs={"comment_id": comment.pk})
    body = client.post(url, {"kind": "support"}, headers=HTMX).content.decode()
    assert f'id="reactions-comment-{comment.pk}"' in body
    assert 'aria-pressed="true"' in body


def test_reacting_to_a_comment_without_javascript_goes_back_to_the_comment(
    client: Client, nurse: Person, post
) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Hi")
    url = reverse("discussion:comment_react", kwargs={"comment_id": comment.pk})
    response = client.post(url, {"kind": "support"})
    assert response["Location"].endswith(f"#comment-{comment.pk}")


def test_an_unknown_reaction_changes_nothing(client: Client, nurse: Person, post) -> None:
    url = reverse("discussion:react", kwargs={"thread_id": post.thread.pk})
    client.post(url, {"kind": "angry"})
    assert not Reaction.objects.exists()


def test_the_author_removes_their_comment_without_javascript(
    client: Client, nurse: Person, post
) -> None:
    comment = post_comment(thread=post.thread, author=nurse, body="Oops")
    url = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    response = client.post(url)
    assert response.status_code == 302
    assert Comment.objects.get().is_deleted


def test_removing_with_htmx_returns_the_placeholder(client: Client, nurse: Person, post) -> None:
    comment = post_comment(thread=post.thread, author=nurse, body="Oops")
    url = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    body = client.post(url, headers=HTMX).content.decode()
    assert "Comment removed" in body
    assert "Oops" not in body


def test_someone_else_cannot_remove_a_comment(client: Client, nurse: Person, post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Theirs")
    url = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    assert client.post(url).status_code == 403
    assert not Comment.objects.get().is_deleted


def test_a_channel_editor_can_remove_any_comment_as_moderator(client: Client, post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Rude")
    editor = ChannelEditorFactory(channel=post.channel).person
    client.force_login(editor)
    url = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    assert client.post(url).status_code == 302
    assert Comment.objects.get().deleted_by == editor


def test_editing_a_comment_keeps_history_that_others_can_read(
    client: Client, nurse: Person, post
) -> None:
    comment = post_comment(thread=post.thread, author=nurse, body="Frist")
    url = reverse("discussion:comment_edit", kwargs={"comment_id": comment.pk})
    assert "Frist" in client.get(url).content.decode()
    response = client.post(url, {"body": "First"})
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    client.force_login(PersonFactory())
    history = client.get(reverse("discussion:comment_history", kwargs={"comment_id": comment.pk}))
    assert "Frist" in history.content.decode()
    assert "First" in history.content.decode()


@pytest.mark.parametrize("visibility", ["hidden", "removed", "held"])
def test_the_history_of_a_withheld_comment_is_withheld_with_it(
    client: Client, nurse: Person, visibility: str
) -> None:
    # Review finding 3: a channel editor or department moderator may remove comments, but
    # not read what a hidden, removed or held comment said before its last edit.
    department = DepartmentFactory()
    post = PostFactory(channel=ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department))
    comment = post_comment(thread=post.thread, author=nurse, body="The red umbrella again")
    edit_comment(comment=comment, editor=nurse, body="ok edited")
    comment = Comment.objects.get(pk=comment.pk)
    kind_of(comment).set_visibility(comment, visibility)
    url = reverse("discussion:comment_history", kwargs={"comment_id": comment.pk})
    editor = ChannelEditorFactory(channel=post.channel).person
    department_moderator = PersonFactory()
    RoleGrantFactory(person=department_moderator, role=Role.MODERATOR, department=department)
    for person in (editor, department_moderator, PersonFactory()):
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 404
        assert "red umbrella" not in response.content.decode()
    officer: Person = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    moderator: Person = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    allowed = [nurse, officer] + ([moderator] if visibility == "hidden" else [])
    for person in allowed:
        client.force_login(person)
        response = client.get(url)
        assert response.status_code == 200
        assert "red umbrella" in response.content.decode()
    if visibility != "hidden":
        client.force_login(moderator)
        assert client.get(url).status_code == 404


def test_an_empty_edit_is_refused_and_the_words_stay(client: Client, nurse: Person, post) -> None:
    comment = post_comment(thread=post.thread, author=nurse, body="Keep me")
    url = reverse("discussion:comment_edit", kwargs={"comment_id": comment.pk})
    response = client.post(url, {"body": "  "})
    assert response.status_code == 400
    assert "field-error" in response.content.decode()
    assert Comment.objects.get().body == "Keep me"


def test_only_the_author_may_open_the_edit_page(client: Client, nurse: Person, post) -> None:
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="Theirs")
    url = reverse("discussion:comment_edit", kwargs={"comment_id": comment.pk})
    assert client.get(url).status_code == 403


def test_the_discussion_page_shows_edited_marks_and_in_reply_to(
    client: Client, nurse: Person, post
) -> None:
    ana = PersonFactory(first_name="Ana", last_name="Silva")
    top = post_comment(thread=post.thread, author=ana, body="Top")
    reply = post_comment(thread=post.thread, author=ana, body="Reply", parent=top)
    deeper = post_comment(thread=post.thread, author=ana, body="Deeper", parent=reply)
    post_comment(thread=post.thread, author=nurse, body="Deepest", parent=deeper)
    edit_comment(comment=top, editor=ana, body="Top, edited")
    body = client.get(reverse("discussion:thread", kwargs={"thread_id": post.thread.pk}))
    text = body.content.decode()
    assert "in reply to Ana Silva" in text
    assert reverse("discussion:comment_history", kwargs={"comment_id": top.pk}) in text


def test_the_discussion_page_is_404_for_someone_outside_the_audience(client: Client) -> None:
    post = PostFactory(audience_departments=[DepartmentFactory()])
    client.force_login(PersonFactory())
    response = client.get(reverse("discussion:thread", kwargs={"thread_id": post.thread.pk}))
    assert response.status_code == 404


def test_show_more_comments_with_htmx_returns_only_the_next_comments(
    client: Client, nurse: Person, post
) -> None:
    for i in range(52):
        post_comment(thread=post.thread, author=nurse, body=f"Comment {i}")
    page = client.get(reverse("discussion:thread", kwargs={"thread_id": post.thread.pk}))
    assert "Show more comments" in page.content.decode()
    match = re.search(
        r'id="comments-more">\s*<a class="button" href="([^"]+)"', page.content.decode()
    )
    assert match is not None
    more = match.group(1).replace("&amp;", "&")
    body = client.get(more, headers=HTMX).content.decode()
    assert "Comment 50" in body
    assert "Comment 51" in body
    assert "Comment 49" not in body
    assert "<html" not in body


def test_mention_suggestions_list_matching_active_people(client: Client, nurse: Person) -> None:
    PersonFactory(username="grant.ward", first_name="Grant", last_name="Ward")
    url = reverse("discussion:mention_suggestions")
    body = client.get(url, {"q": "gra"}).content.decode()
    assert 'role="listbox"' in body
    assert "@grace.okafor" in body
    assert "@grant.ward" in body
    assert "2 people found" in body


def test_anonymous_visitors_are_sent_to_sign_in(client: Client, post) -> None:
    response = client.post(comment_url(post), {"body": "Hi"})
    assert response.status_code == 302
    assert reverse("accounts:login") in response["Location"]


def test_reply_forms_sharing_the_page_key_store_one_reply_each(
    client: Client, nurse: Person, post
) -> None:
    first = post_comment(thread=post.thread, author=PersonFactory(), body="First")
    second = post_comment(thread=post.thread, author=PersonFactory(), body="Second")
    page_key = str(uuid.uuid4())
    for parent in (first, second, first):
        client.post(
            comment_url(post), {"body": "Me too", "parent": parent.pk, "submission_key": page_key}
        )
    assert Comment.objects.filter(parent=first).count() == 1
    assert Comment.objects.filter(parent=second).count() == 1
