"""Read tracking, reach counters and posts as a discussion subject."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.http import Http404

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Post, PostReach, PostView
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import (
    ChannelEditorFactory,
    ChannelFactory,
    PostFactory,
)
from staffroom.discussion.subjects import get_visible_subject_or_404, subject_type
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _reach(post: Post) -> dict[int | None, int]:
    return {r.department_id: r.people for r in PostReach.objects.filter(post=post)}


def test_a_view_is_counted_once_per_person(person: Person) -> None:
    post = PostFactory()
    assert record_post_view(post=post, person=person) is True
    assert record_post_view(post=post, person=person) is False
    post.refresh_from_db()
    assert post.reach_count == 1
    assert PostView.objects.filter(post=post).count() == 1
    assert _reach(post) == {person.department_id: 1}


def test_readers_are_counted_in_their_departments(person: Person) -> None:
    post = PostFactory()
    colleague = PersonFactory(unit=person.unit)
    outsider = PersonFactory()
    for reader in (person, colleague, outsider):
        record_post_view(post=post, person=reader)
    post.refresh_from_db()
    assert post.reach_count == 3
    assert _reach(post) == {person.department_id: 2, outsider.department_id: 1}


def test_a_person_without_a_department_is_counted_in_the_no_department_row() -> None:
    nobody = PersonFactory(unit=None)
    post = PostFactory()
    record_post_view(post=post, person=nobody)
    assert _reach(post) == {None: 1}


def test_an_editor_opening_a_draft_reaches_nobody(person: Person) -> None:
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    assert record_post_view(post=draft, person=person) is False
    draft.refresh_from_db()
    assert draft.reach_count == 0
    assert not PostView.objects.exists()


def test_recount_rebuilds_reach_from_the_views(person: Person) -> None:
    post = PostFactory()
    colleague = PersonFactory(unit=person.unit)
    record_post_view(post=post, person=person)
    record_post_view(post=post, person=colleague)
    untouched = PostFactory()
    Post.objects.filter(pk=post.pk).update(reach_count=99)
    PostReach.objects.filter(post=post).update(people=42)
    call_command("recount_post_reach")
    post.refresh_from_db()
    assert post.reach_count == 2
    assert _reach(post) == {person.department_id: 2}
    untouched.refresh_from_db()
    assert untouched.reach_count == 0


def test_a_post_is_a_discussion_subject_for_people_who_may_see_it(person: Person) -> None:
    post = PostFactory(title="Flu clinic")
    subject = get_visible_subject_or_404(person, post.thread)
    assert subject.obj == post
    assert subject.title == "Flu clinic"
    assert subject.url == post.get_absolute_url()


def test_a_post_outside_the_persons_audience_is_not_a_subject_for_them(person: Person) -> None:
    post = PostFactory(audience_departments=[DepartmentFactory()])
    with pytest.raises(Http404):
        get_visible_subject_or_404(person, post.thread)


def test_only_visible_threads_are_listed_for_a_viewer(person: Person) -> None:
    seen = PostFactory()
    hidden = PostFactory(audience_departments=[DepartmentFactory()])
    draft = PostFactory(status=Post.Status.DRAFT, published_at=None)
    visible = subject_type("post").visible_thread_ids(
        person, [seen.thread, hidden.thread, draft.thread]
    )
    assert visible == {seen.thread_id}


def test_editors_and_moderators_moderate_a_posts_discussion(person: Person) -> None:
    channel = ChannelFactory()
    post = PostFactory(channel=channel)
    editor = ChannelEditorFactory(channel=channel).person
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    subject = get_visible_subject_or_404(person, post.thread)
    can_moderate = subject_type("post").can_moderate
    assert can_moderate(editor, subject)
    assert can_moderate(moderator, subject)
    assert not can_moderate(person, subject)
