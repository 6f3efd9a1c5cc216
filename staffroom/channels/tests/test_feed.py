"""The home page: the personal feed."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person
from staffroom.channels.models import Channel
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

# The root address; reverse() at import time would load every URL module before the database.
FEED = "/"


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


@pytest.fixture
def lets_talk() -> Channel:
    return ensure_lets_talk()


def test_the_home_page_is_the_feed_and_signing_in_lands_there() -> None:
    assert reverse("channels:feed") == FEED
    from django.conf import settings

    assert settings.LOGIN_REDIRECT_URL == "channels:feed"


def test_the_feed_shows_posts_with_their_counts_and_unread_markers(
    signed_in: Client, person: Person, lets_talk: Channel
) -> None:
    post = PostFactory(channel=lets_talk, title="Where we are going")
    post.thread.comment_count = 4
    post.thread.reaction_total = 7
    post.thread.save()
    body = signed_in.get(FEED).content.decode()
    assert "Where we are going" in body
    assert "7 reactions" in body
    assert "4 comments" in body
    assert "post-card--unread" in body
    record_post_view(post=post, person=person)
    assert "post-card--unread" not in signed_in.get(FEED).content.decode()


def test_an_empty_feed_points_to_the_channels(signed_in: Client) -> None:
    body = signed_in.get(FEED).content.decode()
    assert reverse("channels:channel_list") in body
    assert "Find channels to follow" in body


def test_the_feed_keeps_where_you_work_and_finding_a_colleague(
    signed_in: Client, person: Person
) -> None:
    body = signed_in.get(FEED).content.decode()
    assert "Where you work" in body
    assert person.unit.name in body  # type: ignore[union-attr]
    assert "Find a colleague" in body


def test_load_more_without_javascript_is_a_link_and_with_htmx_only_the_cards(
    signed_in: Client, lets_talk: Channel
) -> None:
    for n in range(25):
        PostFactory(channel=lets_talk, title=f"Item {n:02d}")
    page = signed_in.get(FEED)
    cursor = page.context["posts"].page.next_cursor
    assert f"?cursor={cursor}" in page.content.decode()
    plain = signed_in.get(FEED, {"cursor": cursor}).content.decode()
    assert "<html" in plain
    fragment = signed_in.get(FEED, {"cursor": cursor}, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.count("<article") == 5


def test_a_card_is_cached_but_a_new_comment_count_shows(
    signed_in: Client, lets_talk: Channel
) -> None:
    post = PostFactory(channel=lets_talk)
    assert "0 comments" in signed_in.get(FEED).content.decode()
    post.thread.comment_count = 1
    post.thread.save()
    assert "1 comment" in signed_in.get(FEED).content.decode()


def test_posts_meant_for_others_never_appear_in_the_feed(
    signed_in: Client, lets_talk: Channel
) -> None:
    PostFactory(
        channel=lets_talk, title="Radiology only", audience_departments=[DepartmentFactory()]
    )
    assert "Radiology only" not in signed_in.get(FEED).content.decode()


def _fill(lets_talk: Channel, person: Person, count: int) -> None:
    sync_department_channels()
    own = Channel.objects.get(department=person.department)
    other = ChannelFactory()
    for n in range(count):
        PostFactory(
            channel=lets_talk if n % 2 else own, pinned_at=timezone.now() if n < 4 else None
        )
        PostFactory(channel=other, audience_job_families=[person.job_family])
    PostFactory(
        channel=lets_talk,
        published_at=timezone.now() - timedelta(days=1),
        audience_departments=[DepartmentFactory()],
    )


def test_the_feed_makes_the_same_number_of_queries_with_few_or_many_posts(
    signed_in: Client,
    person: Person,
    lets_talk: Channel,
    query_count: Callable[[Callable[[], object]], int],
) -> None:
    _fill(lets_talk, person, 5)
    signed_in.get(FEED)
    few = query_count(lambda: signed_in.get(FEED))
    _fill(lets_talk, person, 40)
    signed_in.get(FEED)
    many = query_count(lambda: signed_in.get(FEED))
    assert few == many, f"{few} queries with a few posts, {many} with many"
    cursor = signed_in.get(FEED).context["posts"].page.next_cursor
    more = query_count(lambda: signed_in.get(FEED, {"cursor": cursor}))
    assert more <= many


def test_cached_cards_are_read_together_and_show_new_counts_at_once(
    signed_in: Client, person: Person, lets_talk: Channel, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.core.cache import cache

    from staffroom.discussion.services import post_comment

    post = PostFactory(channel=lets_talk, title="Town hall questions")
    PostFactory.create_batch(4, channel=lets_talk)
    assert "0 comments" in signed_in.get(FEED).content.decode()

    reads: list[int] = []
    real_get_many = cache.get_many

    def counting_get_many(keys: list[str], **kwargs: Any) -> dict[str, Any]:
        reads.append(len(keys))
        return real_get_many(keys, **kwargs)

    monkeypatch.setattr(cache, "get_many", counting_get_many)
    post_comment(thread=post.thread, author=person, body="Will there be a recording?")
    page = signed_in.get(FEED).content.decode()
    assert reads == [5]  # one read for the whole page of cards
    card = page[page.index("Town hall questions") :]
    assert "1 comment" in card[: card.index("</article>")]
