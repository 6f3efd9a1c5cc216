from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels import queries
from staffroom.channels.models import Channel, Post
from staffroom.channels.services.channels import (
    ensure_lets_talk,
    follow_channel,
    sync_department_channels,
)
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import ChannelFactory, PostFactory, TagFactory
from staffroom.organisation.services import recount_people
from staffroom.organisation.tests.factories import (
    DepartmentFactory,
    JobFamilyFactory,
    UnitFactory,
)

pytestmark = pytest.mark.django_db


def _ago(minutes: int) -> object:
    return timezone.now() - timedelta(minutes=minutes)


def _titles(posts: list[Post]) -> list[str]:
    return [post.title for post in posts]


def _own_channel(person: Person) -> Channel:
    sync_department_channels()
    return Channel.objects.get(department=person.department)


def test_the_feed_has_followed_channels_and_posts_targeted_at_the_person(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    own = _own_channel(person)
    elsewhere = ChannelFactory()
    PostFactory(channel=lets_talk, title="From the CEO", published_at=_ago(5))
    PostFactory(channel=own, title="Our ward", published_at=_ago(4))
    PostFactory(channel=elsewhere, title="Not followed", published_at=_ago(3))
    PostFactory(
        channel=elsewhere,
        title="For nurses",
        published_at=_ago(2),
        audience_job_families=[person.job_family],
    )
    feed = queries.home_feed(viewer=person)
    assert _titles(feed.page.items) == ["For nurses", "Our ward", "From the CEO"]


def test_the_feed_never_shows_a_post_meant_for_someone_else(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    other_department = DepartmentFactory()
    PostFactory(channel=lets_talk, title="Secret", audience_departments=[other_department])
    PostFactory(channel=lets_talk, title="Draft", status=Post.Status.DRAFT, published_at=None)
    PostFactory(
        channel=lets_talk,
        title="Later",
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(hours=1),
    )
    feed = queries.home_feed(viewer=person)
    assert feed.is_empty


def test_a_scheduled_post_appears_once_its_time_has_come(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    PostFactory(channel=lets_talk, title="Scheduled", status=Post.Status.SCHEDULED)
    assert _titles(queries.home_feed(viewer=person).page.items) == ["Scheduled"]


def test_load_more_continues_where_the_first_page_ended(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    for minute in range(25):
        PostFactory(channel=lets_talk, title=f"Post {minute}", published_at=_ago(minute + 1))
    first = queries.home_feed(viewer=person, limit=10)
    second = queries.home_feed(viewer=person, cursor=first.page.next_cursor, limit=10)
    third = queries.home_feed(viewer=person, cursor=second.page.next_cursor, limit=10)
    seen = _titles(first.page.items + second.page.items + third.page.items)
    assert seen == [f"Post {minute}" for minute in range(25)]
    assert third.page.next_cursor is None


def test_pinned_posts_top_the_first_page_only_three_and_are_not_repeated(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    for n in range(5):
        PostFactory(channel=lets_talk, title=f"Pinned {n}", pinned_at=_ago(10 - n))
    PostFactory(channel=lets_talk, title="Plain", published_at=_ago(0))
    feed = queries.home_feed(viewer=person)
    assert _titles(feed.pinned) == ["Pinned 4", "Pinned 3", "Pinned 2"]
    assert "Pinned 4" not in _titles(feed.page.items)
    assert {"Pinned 0", "Pinned 1", "Plain"} <= set(_titles(feed.page.items))
    later = queries.home_feed(viewer=person, cursor=feed.page.next_cursor or "x")
    assert later.pinned == []


def test_unread_markers_name_only_the_posts_not_yet_opened(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    read = PostFactory(channel=lets_talk)
    unread = PostFactory(channel=lets_talk)
    record_post_view(post=read, person=person)
    feed = queries.home_feed(viewer=person)
    assert feed.unread_ids == frozenset({unread.pk})


def test_a_channel_lists_its_visible_posts_with_pins_first(person: Person) -> None:
    channel = ChannelFactory()
    PostFactory(channel=channel, title="Old pin", published_at=_ago(60), pinned_at=_ago(1))
    PostFactory(channel=channel, title="New", published_at=_ago(1))
    PostFactory(channel=channel, title="Hidden", audience_departments=[DepartmentFactory()])
    PostFactory(title="Other channel")
    listed = queries.channel_posts(viewer=person, channel=channel)
    assert _titles(listed.pinned) == ["Old pin"]
    assert _titles(listed.page.items) == ["New"]


def test_drafts_and_scheduled_posts_are_listed_for_editors(person: Person) -> None:
    channel = ChannelFactory()
    PostFactory(channel=channel, title="Draft", status=Post.Status.DRAFT, published_at=None)
    PostFactory(
        channel=channel,
        title="Tomorrow",
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )
    PostFactory(channel=channel, title="Live")
    assert set(_titles(queries.channel_drafts(channel, viewer=person))) == {"Draft", "Tomorrow"}


def test_a_tag_lists_only_visible_posts_with_that_tag(person: Person) -> None:
    tag = TagFactory(name="Flu")
    PostFactory(title="Flu clinic", tags=[tag])
    PostFactory(title="Flu secret", tags=[tag], audience_departments=[DepartmentFactory()])
    PostFactory(title="Untagged")
    assert _titles(queries.tag_posts(viewer=person, tag=tag).page.items) == ["Flu clinic"]


def test_the_channel_directory_lists_mine_topics_and_pages_of_departments(person: Person) -> None:
    ensure_lets_talk()
    own = _own_channel(person)
    followed_topic = ChannelFactory(name="Estates")
    follow_channel(person=person, channel=followed_topic)
    ChannelFactory(name="Wellbeing")
    ChannelFactory(name="Old", is_archived=True)
    for _ in range(45):
        DepartmentFactory()
    sync_department_channels()
    directory = queries.channel_directory(viewer=person)
    assert [c.name for c in directory.mine][:2] == ["Let's Talk", own.name]
    assert "Estates" in [c.name for c in directory.mine]
    assert [c.name for c in directory.topics] == ["Wellbeing"]
    assert len(directory.departments.items) == queries.CHANNEL_LIST_PAGE_SIZE
    rest = queries.channel_directory(viewer=person, cursor=directory.departments.next_cursor)
    total = len(directory.departments.items) + len(rest.departments.items)
    assert total == Channel.objects.filter(kind=Channel.Kind.DEPARTMENT).count()
    assert rest.mine == []
    assert rest.topics == []


def test_the_channel_directory_filters_department_channels_by_site(person: Person) -> None:
    department = DepartmentFactory()
    DepartmentFactory()
    sync_department_channels()
    directory = queries.channel_directory(viewer=person, site_code=department.site.code)
    assert [c.department_id for c in directory.departments.items] == [department.pk]


def test_reach_is_a_share_of_each_departments_people(person: Person) -> None:
    department = person.department
    assert department is not None
    unit = person.unit
    colleagues = PersonFactory.create_batch(3, unit=unit)
    outsider = PersonFactory()
    recount_people()
    post = PostFactory(author=person)
    for reader in [person, colleagues[0], outsider]:
        record_post_view(post=post, person=reader)
    report = queries.post_reach(Post.objects.get(pk=post.pk))
    row = next(r for r in report.rows if r.department == department)
    assert (row.reached, row.audience, row.percent) == (2, 4, 50)
    assert report.reached == 3
    assert report.rows[0].department == outsider.department  # 1 of 1: the highest share


def test_reach_of_a_post_for_a_job_family_counts_only_that_family(person: Person) -> None:
    unit = person.unit
    other_family = JobFamilyFactory(code="estates", name="Estates")
    PersonFactory(unit=unit)
    PersonFactory(unit=unit, job_family=other_family)
    recount_people()
    post = PostFactory(author=person, audience_job_families=[person.job_family])
    record_post_view(post=post, person=person)
    report = queries.post_reach(post)
    assert report.audience == 2
    assert [(r.department, r.reached, r.audience) for r in report.rows] == [
        (person.department, 1, 2)
    ]


def test_reach_of_a_department_post_uses_only_that_departments_audience(person: Person) -> None:
    UnitFactory()
    recount_people()
    post = PostFactory(author=person, audience_departments=[person.department])
    report = queries.post_reach(post)
    assert [r.department for r in report.rows] == [person.department]
    assert report.audience == 1
