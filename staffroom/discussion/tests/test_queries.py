from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.core.cache import cache
from django.template.loader import render_to_string
from django.test import RequestFactory

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.tests.factories import PostFactory
from staffroom.discussion.models import Comment, Thread
from staffroom.discussion.queries import (
    backlinks_for,
    comment_page,
    mention_suggestions,
    thread_context,
)
from staffroom.discussion.services import (
    delete_comment,
    post_comment,
    react,
    record_backlinks,
)
from staffroom.discussion.tests.factories import subject_of
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def add_comments(thread: Thread, authors: Sequence[Any], top_level: int, replies: int) -> None:
    """`top_level` comments, each with `replies` replies (half of them second-level)."""
    for i in range(top_level):
        top = post_comment(thread=thread, author=authors[i % len(authors)], body=f"Top {i}")
        parent = top
        for j in range(replies):
            parent = post_comment(
                thread=thread,
                author=authors[(i + j + 1) % len(authors)],
                body=f"Re {j}",
                parent=parent,
            )


def render_thread(viewer: Person, post: Any, *, limit: int = 50) -> str:
    thread = Thread.objects.get(pk=post.thread.pk)
    subject = subject_of(post, viewer)
    request = RequestFactory().get("/")
    request.user = viewer
    discussion = thread_context(viewer=viewer, thread=thread, subject=subject, limit=limit)
    return render_to_string("discussion/thread.html", {"discussion": discussion}, request=request)


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    cache.clear()


def test_a_post_with_300_comments_costs_the_same_queries_as_one_with_3(
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    authors = [PersonFactory() for _ in range(5)]
    small, large = PostFactory(), PostFactory()
    add_comments(small.thread, authors, top_level=1, replies=2)
    add_comments(large.thread, authors, top_level=100, replies=2)
    viewer_pk = PersonFactory().pk
    assert Comment.objects.filter(thread=large.thread).count() == 300

    def measure(post: Any) -> int:
        viewer = Person.objects.get(pk=viewer_pk)  # a fresh instance: no memoised roles
        return query_count(lambda: render_thread(viewer, post, limit=100))

    cold = (measure(small), measure(large))
    warm = (measure(small), measure(large))  # the rendered lists now come from the cache
    assert cold[0] == cold[1]
    assert warm[0] == warm[1]
    assert warm[0] == cold[0] - 2  # the two comment queries are skipped


def test_a_cached_list_shows_each_viewer_their_own_buttons_and_reactions() -> None:
    post = PostFactory()
    ana, ben = PersonFactory(), PersonFactory()
    comment = post_comment(thread=post.thread, author=ana, body="Hello")
    react(person=ben, thread=post.thread, comment=comment, kind="thanks")
    edit_url = f"/discussion/comments/{comment.pk}/edit/"
    as_ana = render_thread(ana, post)
    as_ben = render_thread(ben, post)  # same thread version: from the cache
    assert edit_url in as_ana
    assert edit_url not in as_ben
    assert 'class="reaction reaction--pressed" aria-pressed="true"' in as_ben
    assert 'aria-pressed="true"' not in as_ana
    assert "<§" not in as_ana
    assert "<§" not in as_ben
    assert 'name="csrfmiddlewaretoken"' in as_ben


def test_each_comment_in_a_cached_list_gets_buttons_with_its_own_id() -> None:
    from staffroom.accounts.models import Role
    from staffroom.accounts.tests.factories import RoleGrantFactory
    from staffroom.moderation.links import flag_url, mark_phi_url, moderate_url

    post = PostFactory()
    ana, ben = PersonFactory(), PersonFactory()
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    officer = PersonFactory()
    RoleGrantFactory(person=officer, role=Role.PRIVACY_OFFICER)
    first = post_comment(thread=post.thread, author=ana, body="One")
    second = post_comment(thread=post.thread, author=ben, body="Two")
    delete = "/discussion/comments/{}/delete/"
    as_ana = render_thread(ana, post)
    # Her own comment: edit and remove, no flag; Ben's: only the flag.
    assert f"/discussion/comments/{first.pk}/edit/" in as_ana
    assert delete.format(first.pk) in as_ana
    assert f'hx-target="#comment-{first.pk}-article"' in as_ana
    assert flag_url("comment", first.pk) not in as_ana
    assert flag_url("comment", second.pk) in as_ana
    assert delete.format(second.pk) not in as_ana
    as_moderator = render_thread(moderator, post)  # the same cached list
    for comment in (first, second):
        assert delete.format(comment.pk) in as_moderator
        assert f'hx-target="#comment-{comment.pk}-article"' in as_moderator
        assert moderate_url("comment", comment.pk) in as_moderator
        assert f"/discussion/comments/{comment.pk}/edit/" not in as_moderator
    as_officer = render_thread(officer, post)
    assert mark_phi_url("comment", second.pk) in as_officer
    assert mark_phi_url("comment", second.pk) not in as_moderator
    assert "\x00" not in as_ana + as_moderator + as_officer


def test_a_new_comment_shows_at_once_although_the_list_is_cached() -> None:
    post = PostFactory()
    viewer = PersonFactory()
    render_thread(viewer, post)
    post_comment(thread=post.thread, author=PersonFactory(), body="Fresh words")
    assert "Fresh words" in render_thread(viewer, post)


def test_the_first_page_shows_top_level_comments_oldest_first_with_all_their_replies() -> None:
    authors = [PersonFactory() for _ in range(3)]
    post = PostFactory()
    add_comments(post.thread, authors, top_level=3, replies=2)
    page = comment_page(thread=post.thread)
    assert [c.body for c in page.comments] == ["Top 0", "Top 1", "Top 2"]
    first: Any = page.comments[0]  # with the children comment_page attaches
    assert [c.body for c in first.children] == ["Re 0"]
    assert [c.body for c in first.children[0].children] == ["Re 1"]
    assert page.next_cursor is None


def test_show_more_continues_after_the_last_top_level_comment() -> None:
    post = PostFactory()
    add_comments(post.thread, [PersonFactory()], top_level=5, replies=0)
    first = comment_page(thread=post.thread, limit=3)
    second = comment_page(thread=post.thread, limit=3, cursor=first.next_cursor)
    assert [c.body for c in first.comments] == ["Top 0", "Top 1", "Top 2"]
    assert [c.body for c in second.comments] == ["Top 3", "Top 4"]
    assert second.next_cursor is None


def test_the_viewers_own_reactions_are_pressed() -> None:
    post = PostFactory()
    viewer, other = PersonFactory(), PersonFactory()
    comment = post_comment(thread=post.thread, author=other, body="Hi")
    react(person=viewer, thread=post.thread, kind="thanks")
    react(person=viewer, thread=post.thread, comment=comment, kind="insightful")
    react(person=other, thread=post.thread, kind="like")
    context = thread_context(
        viewer=viewer,
        thread=Thread.objects.get(pk=post.thread.pk),
        subject=subject_of(post, viewer),
    )
    pressed = [c.kind for c in context["subject_reactions"].choices if c.pressed]
    assert pressed == ["thanks"]
    counts = {c.kind: c.count for c in context["subject_reactions"].choices}
    assert (counts["thanks"], counts["like"]) == (1, 1)
    assert context["viewer_reactions"] == {None: "thanks", comment.pk: "insightful"}
    html = render_thread(viewer, post)
    assert html.count('aria-pressed="true"') == 2


def test_a_removed_comment_with_replies_shows_a_placeholder_and_one_without_disappears() -> None:
    post = PostFactory()
    ana, ben = PersonFactory(), PersonFactory()
    kept = post_comment(thread=post.thread, author=ana, body="Secret words")
    post_comment(thread=post.thread, author=ben, body="A reply that stays", parent=kept)
    gone = post_comment(thread=post.thread, author=ana, body="Lonely words")
    delete_comment(comment=kept, by=ana)
    delete_comment(comment=gone, by=ana)
    html = render_thread(ben, post)
    assert "Comment removed" in html
    assert "A reply that stays" in html
    assert "Secret words" not in html
    assert "Lonely words" not in html


def test_only_the_author_sees_edit_and_a_moderator_sees_remove() -> None:
    post = PostFactory()
    ana, ben = PersonFactory(), PersonFactory()
    post_comment(thread=post.thread, author=ana, body="Hello")
    assert "Edit" in render_thread(ana, post)
    theirs = render_thread(ben, post)
    assert "/edit/" not in theirs
    assert "/delete/" not in theirs


def test_backlinks_show_only_sources_the_viewer_may_see() -> None:
    ward = DepartmentFactory()
    target = PostFactory()
    public_source = PostFactory(title="For everyone")
    ward_source = PostFactory(title="Ward only", audience_departments=[ward])
    for source in (public_source, ward_source):
        record_backlinks(source=source.thread, paths=[target.get_absolute_url()])
    insider = PersonFactory(unit__department=ward)
    outsider = PersonFactory()
    assert {b.title for b in backlinks_for(viewer=insider, thread=target.thread)} == {
        "For everyone",
        "Ward only",
    }
    assert [b.title for b in backlinks_for(viewer=outsider, thread=target.thread)] == [
        "For everyone"
    ]


def test_mention_suggestions_match_the_start_of_usernames_and_surnames() -> None:
    grace = PersonFactory(username="grace.okafor", first_name="Grace", last_name="Okafor")
    PersonFactory(username="graham.x", first_name="Graham", last_name="Xu", is_active=False)
    PersonFactory(username="tom.baker", first_name="Tom", last_name="Baker")
    assert mention_suggestions("gra") == [grace]
    assert mention_suggestions("@Oka") == [grace]
    assert mention_suggestions("") == []


def test_a_comment_linking_to_an_initiative_shows_on_the_initiative_as_mentioned_in() -> None:
    from staffroom.strategy.tests.factories import initiative

    plan_item = initiative(title="Faster triage")
    post = PostFactory(title="Triage week")
    post_comment(
        thread=post.thread,
        author=PersonFactory(),
        body=f"See [the initiative]({plan_item.get_absolute_url()})",
    )
    links = backlinks_for(viewer=PersonFactory(), thread=plan_item.thread)
    assert [(b.title, b.in_comment) for b in links] == [("Triage week", True)]
    assert links[0].url.startswith(post.get_absolute_url() + "#comment-")
