"""Post cards are cached by the versions of what they show: these prove a cached card follows
every change, and that caching never carries a card to someone the post isn't meant for."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels import queries
from staffroom.channels.models import Channel
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.services.posts import edit_post, pin_post
from staffroom.channels.tests.factories import ChannelEditorFactory, PostFactory
from staffroom.discussion.services import post_comment
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


def _ago(minutes: int) -> object:
    return timezone.now() - timedelta(minutes=minutes)


def _page(client: Client, url: str = "/") -> str:
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_an_edited_post_shows_its_new_title_on_a_card_that_was_cached(
    client: Client, person: Person
) -> None:
    lets_talk = ensure_lets_talk()
    editor = PersonFactory()
    ChannelEditorFactory(channel=lets_talk, person=editor)
    post = PostFactory(channel=lets_talk, title="Old title", published_at=_ago(5))
    client.force_login(person)
    assert "Old title" in _page(client)  # the card is now cached
    edit_post(
        post=post, editor=editor, title="New title", summary="", body="The same words.", tags=[]
    )
    page = _page(client)
    assert "New title" in page
    assert "Old title" not in page


def test_a_new_comment_updates_the_count_on_a_card_that_was_cached(
    client: Client, person: Person
) -> None:
    post = PostFactory(channel=ensure_lets_talk(), title="Talk to us", published_at=_ago(5))
    client.force_login(person)
    assert "0 comments" in _page(client)
    post_comment(thread=post.thread, author=PersonFactory(), body="First!")
    page = _page(client)
    assert "1 comment<" in page
    assert "0 comments" not in page


def test_a_department_only_post_is_never_shown_outside_although_its_card_is_cached(
    client: Client,
) -> None:
    lets_talk = ensure_lets_talk()
    ward = DepartmentFactory()
    inside = PersonFactory(unit=UnitFactory(department=ward))
    outside = PersonFactory()
    assert outside.department_id != ward.pk
    PostFactory(
        channel=lets_talk,
        title="Only for the ward",
        published_at=_ago(5),
        audience_departments=[ward],
    )
    PostFactory(channel=lets_talk, title="For everyone", published_at=_ago(6))
    client.force_login(inside)
    assert "Only for the ward" in _page(client)
    assert "Only for the ward" in _page(client, lets_talk.get_absolute_url())
    client.force_login(outside)
    for url in ("/", lets_talk.get_absolute_url()):
        page = _page(client, url)
        assert "For everyone" in page
        assert "Only for the ward" not in page


def test_a_pinned_post_is_listed_once_above_the_cards_on_the_first_page(person: Person) -> None:
    lets_talk = ensure_lets_talk()
    editor = PersonFactory()
    ChannelEditorFactory(channel=lets_talk, person=editor)
    posts = [
        PostFactory(channel=lets_talk, title=f"Post {n}", published_at=_ago(n)) for n in range(5)
    ]
    pin_post(post=posts[3], editor=editor)
    first = queries.channel_posts(viewer=person, channel=lets_talk, limit=2)
    assert [p.title for p in first.pinned] == ["Post 3"]
    assert [p.title for p in first.page.items] == ["Post 0", "Post 1"]
    second = queries.channel_posts(
        viewer=person, channel=lets_talk, cursor=first.page.next_cursor, limit=2
    )
    # Further pages leave the pinned post out too.
    assert [p.title for p in second.page.items] == ["Post 2", "Post 4"]


def test_the_home_feed_and_a_channel_cost_the_same_queries_for_3_or_25_posts_cached_or_not(
    client: Client, person: Person, query_count: QueryCount
) -> None:
    sync_department_channels()
    own = Channel.objects.get(department=person.department)
    lets_talk = ensure_lets_talk()
    client.force_login(person)

    def measure(url: str) -> int:
        return query_count(lambda: client.get(url))

    for n in range(3):
        PostFactory(channel=own, published_at=_ago(n + 1))
    for url in ("/", own.get_absolute_url()):
        client.get(url)  # a person's first visit of the day does more (once)
    small = {url: (measure(url), measure(url)) for url in ("/", own.get_absolute_url())}
    for n in range(22):
        PostFactory(channel=lets_talk, published_at=_ago(n + 10))
    # The 22 new cards are rendered (cold) on the first request and read from the cache on
    # the second: the same queries either way.
    large = {url: (measure(url), measure(url)) for url in ("/", own.get_absolute_url())}
    assert small == large
    for cold, warm in large.values():
        assert cold == warm


def test_a_cached_card_shows_its_authors_name_as_it_is_now(client: Client, person: Person) -> None:
    author = PersonFactory(first_name="Katherine", preferred_name="", last_name="Ng")
    PostFactory(channel=ensure_lets_talk(), author=author, published_at=_ago(5))
    client.force_login(person)
    assert "Katherine Ng" in _page(client)
    # People have no version to key cards by; a directory import changes names like this.
    Person.objects.filter(pk=author.pk).update(preferred_name="Kit")
    page = _page(client)
    assert "Kit Ng" in page
    assert "Katherine Ng" not in page
