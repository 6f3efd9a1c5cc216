"""Atom feeds behind personal secret addresses, and the page where people manage them."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import feedparser
import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, FeedToken, Post
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.services.sharing import regenerate_feed_token, revoke_feed_token
from staffroom.channels.tests.factories import ChannelFactory, PostFactory, TagFactory
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://staff.riverside.example"


@pytest.fixture(autouse=True)
def _site_url(settings: Any) -> None:
    settings.SITE_URL = SITE_URL


def channel_feed_path(token: str, channel: Channel) -> str:
    return reverse("channels:channel_atom", kwargs={"token": token, "slug": channel.slug})


def parse(response: Any) -> Any:
    return feedparser.parse(response.content)


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


# --- The feed itself ---------------------------------------------------------------------------


def test_a_channel_feed_is_valid_atom_with_ids_titles_links_dates_authors_and_content() -> None:
    reader = PersonFactory()
    token = regenerate_feed_token(person=reader).token
    channel = ChannelFactory(name="Emergency news", description="What is new in the ED.")
    ward = TagFactory(name="Ward life")
    older = PostFactory(
        channel=channel,
        title="Older & wiser",
        summary="",
        body_html="<p>First <strong>words</strong> &amp; more.</p>",
        published_at=timezone.now() - timedelta(days=2),
        tags=[ward],
    )
    newer = PostFactory(channel=channel, title="Newer", summary="The short version.")
    Post.objects.filter(pk=newer.pk).update(edited_at=timezone.now())

    response = Client().get(channel_feed_path(token, channel))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Robots-Tag"] == "noindex"
    feed = parse(response)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert feed.version == "atom10"
    assert feed.feed.title == "Emergency news · Staffroom"
    assert feed.feed.id.startswith("tag:staff.riverside.example,")
    assert feed.feed.updated_parsed is not None
    assert feed.feed.link == f"{SITE_URL}/channels/{channel.slug}/"
    self_links = [link.href for link in feed.feed.links if link.rel == "self"]
    assert self_links == [f"{SITE_URL}{channel_feed_path(token, channel)}"]
    assert [entry.title for entry in feed.entries] == ["Newer", "Older & wiser"]
    for entry, post in zip(feed.entries, [newer, older], strict=True):
        assert entry.id == (
            f"tag:staff.riverside.example,{post.created_at.date().isoformat()}:post:{post.pk}"
        )
        assert entry.link == f"{SITE_URL}/posts/{post.pk}/"
        assert entry.published_parsed is not None
        assert entry.updated_parsed is not None
        assert entry.author == post.author.display_name
        assert entry.content[0].type == "text/html"
    assert feed.entries[0].updated_parsed > feed.entries[0].published_parsed
    assert feed.entries[0].summary == "The short version."
    # No summary: the first words of the body, as plain text.
    assert feed.entries[1].summary == "First words & more."
    assert "<strong>words</strong>" in feed.entries[1].content[0].value
    assert [tag.term for tag in feed.entries[1].tags] == ["Ward life"]


def test_a_personal_feed_leaves_out_posts_meant_for_other_people() -> None:
    emergency, radiology = DepartmentFactory(), DepartmentFactory()
    nurse = PersonFactory(unit=UnitFactory(department=emergency))
    radiographer = PersonFactory(unit=UnitFactory(department=radiology))
    channel = ChannelFactory()
    PostFactory(channel=channel, title="For everyone")
    PostFactory(channel=channel, title="Emergency only", audience_departments=[emergency])

    def titles(person: Any) -> list[str]:
        token = regenerate_feed_token(person=person).token
        return [e.title for e in parse(Client().get(channel_feed_path(token, channel))).entries]

    assert titles(nurse) == ["Emergency only", "For everyone"]
    assert titles(radiographer) == ["For everyone"]


def test_drafts_archived_and_future_posts_are_not_in_a_feed() -> None:
    reader = PersonFactory()
    token = regenerate_feed_token(person=reader).token
    channel = ChannelFactory()
    PostFactory(channel=channel, title="Live")
    PostFactory(channel=channel, title="Draft", status=Post.Status.DRAFT, published_at=None)
    PostFactory(channel=channel, title="Archived", status=Post.Status.ARCHIVED)
    PostFactory(
        channel=channel,
        title="Later",
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=1),
    )

    feed = parse(Client().get(channel_feed_path(token, channel)))

    assert [entry.title for entry in feed.entries] == ["Live"]


def test_a_tag_feed_has_the_tagged_posts_of_every_channel_the_reader_may_see() -> None:
    emergency = DepartmentFactory()
    reader = PersonFactory()
    token = regenerate_feed_token(person=reader).token
    tag = TagFactory(name="Flu season")
    PostFactory(title="Tagged here", tags=[tag])
    PostFactory(title="Tagged elsewhere", tags=[tag], channel=ChannelFactory())
    PostFactory(title="Not tagged")
    PostFactory(title="Tagged, not for them", tags=[tag], audience_departments=[emergency])

    response = Client().get(reverse("channels:tag_atom", kwargs={"token": token, "slug": tag.slug}))

    feed = parse(response)
    assert feed.bozo == 0
    assert sorted(entry.title for entry in feed.entries) == ["Tagged elsewhere", "Tagged here"]
    assert feed.feed.title == "Posts tagged Flu season · Staffroom"
    assert response["Cache-Control"] == "private, no-store"


def test_an_empty_channel_still_gives_a_valid_feed() -> None:
    token = regenerate_feed_token(person=PersonFactory()).token

    feed = parse(Client().get(channel_feed_path(token, ChannelFactory())))

    assert feed.bozo == 0
    assert feed.entries == []
    assert feed.feed.updated_parsed is not None


def test_a_feed_holds_the_newest_thirty_posts_in_the_same_number_of_queries(
    query_count: Any,
) -> None:
    token = regenerate_feed_token(person=PersonFactory()).token
    channel = ChannelFactory()
    tags = [TagFactory(), TagFactory()]
    path = channel_feed_path(token, channel)
    client = Client()
    PostFactory.create_batch(3, channel=channel, tags=tags)
    few = query_count(lambda: client.get(path))
    PostFactory.create_batch(40, channel=channel, tags=tags)
    many = query_count(lambda: client.get(path))

    assert few == many
    assert len(parse(client.get(path)).entries) == 30


# --- The secret in the address ---------------------------------------------------------------


def test_an_unknown_token_is_a_404_whether_or_not_the_channel_exists() -> None:
    channel = ChannelFactory()
    client = Client()

    assert client.get(channel_feed_path("not-a-token", channel)).status_code == 404
    missing = reverse("channels:channel_atom", kwargs={"token": "not-a-token", "slug": "nope"})
    assert client.get(missing).status_code == 404
    tag = reverse("channels:tag_atom", kwargs={"token": "not-a-token", "slug": TagFactory().slug})
    assert client.get(tag).status_code == 404


def test_a_good_token_and_an_unknown_channel_is_a_404() -> None:
    token = regenerate_feed_token(person=PersonFactory()).token
    path = reverse("channels:channel_atom", kwargs={"token": token, "slug": "no-such-channel"})

    assert Client().get(path).status_code == 404


def test_making_a_new_address_stops_the_old_one() -> None:
    reader = PersonFactory()
    channel = ChannelFactory()
    old = regenerate_feed_token(person=reader).token

    new = regenerate_feed_token(person=reader).token

    assert new != old
    assert Client().get(channel_feed_path(old, channel)).status_code == 404
    assert Client().get(channel_feed_path(new, channel)).status_code == 200


def test_turning_feeds_off_stops_every_address() -> None:
    reader = PersonFactory()
    channel = ChannelFactory()
    token = regenerate_feed_token(person=reader).token

    revoke_feed_token(person=reader)

    assert not FeedToken.objects.filter(person=reader).exists()
    assert Client().get(channel_feed_path(token, channel)).status_code == 404


def test_the_feeds_of_someone_who_left_are_404() -> None:
    leaver = PersonFactory()
    channel = ChannelFactory()
    PostFactory(channel=channel)
    token = regenerate_feed_token(person=leaver).token
    leaver.is_active = False
    leaver.save(update_fields=["is_active"])

    assert Client().get(channel_feed_path(token, channel)).status_code == 404


def test_feed_secrets_are_long_random_and_different_for_each_person() -> None:
    first = regenerate_feed_token(person=PersonFactory()).token
    second = regenerate_feed_token(person=PersonFactory()).token

    assert len(first) >= 43
    assert first != second


# --- The settings page -----------------------------------------------------------------------


def test_the_feed_settings_page_needs_signing_in() -> None:
    response = Client().get(reverse("channels:feed_settings"))

    assert response.status_code == 302
    assert response["Location"].startswith(reverse("accounts:login"))


def test_without_a_token_the_page_offers_to_create_one_and_shows_no_address() -> None:
    person = PersonFactory()

    response = signed_in(person).get(reverse("channels:feed_settings"))

    assert response.status_code == 200
    assert "Create my feed address" in response.content.decode()
    assert "/feeds/" not in response.content.decode().replace(reverse("channels:feed_settings"), "")


def test_creating_a_feed_address_shows_one_for_each_followed_channel() -> None:
    person = PersonFactory()
    lets_talk = ensure_lets_talk()
    sync_department_channels()
    own = Channel.objects.get(department=person.department)
    unfollowed = ChannelFactory(name="Gardening club")
    client = signed_in(person)

    response = client.post(reverse("channels:feed_settings"), {"action": "create"}, follow=True)

    token = FeedToken.objects.get(person=person).token
    page = response.content.decode()
    assert "Your feed addresses are ready" in page
    assert f"{SITE_URL}{channel_feed_path(token, lets_talk)}" in page
    assert f"{SITE_URL}{channel_feed_path(token, own)}" in page
    assert channel_feed_path(token, unfollowed) not in page
    assert "Make a new address (the old one stops working)" in page
    assert "Turn off my feeds" in page


def test_making_a_new_address_from_the_page_replaces_the_secret() -> None:
    person = PersonFactory()
    old = regenerate_feed_token(person=person).token

    response = signed_in(person).post(reverse("channels:feed_settings"), {"action": "regenerate"})

    assert response.status_code == 302
    assert FeedToken.objects.get(person=person).token != old


def test_turning_feeds_off_from_the_page_deletes_the_secret() -> None:
    person = PersonFactory()
    regenerate_feed_token(person=person)

    response = signed_in(person).post(
        reverse("channels:feed_settings"), {"action": "revoke"}, follow=True
    )

    assert not FeedToken.objects.filter(person=person).exists()
    assert "Your feeds are off" in response.content.decode()


def test_an_unknown_action_changes_nothing_and_says_so() -> None:
    person = PersonFactory()
    token = regenerate_feed_token(person=person).token

    response = signed_in(person).post(
        reverse("channels:feed_settings"), {"action": "explode"}, follow=True
    )

    assert FeedToken.objects.get(person=person).token == token
    assert "Choose one of the buttons on this page." in response.content.decode()


def test_the_feed_settings_page_costs_the_same_queries_with_more_channels_and_tags(
    query_count: Any,
) -> None:
    from staffroom.channels.models import ChannelFollow

    person = PersonFactory()
    regenerate_feed_token(person=person)
    client = signed_in(person)
    path = reverse("channels:feed_settings")

    def add(n: int) -> None:
        for _ in range(n):
            ChannelFollow.objects.create(person=person, channel=ChannelFactory(), following=True)
            TagFactory()

    client.get(path)  # the first request of a session does its own bookkeeping
    add(2)
    few = query_count(lambda: client.get(path))
    add(20)
    many = query_count(lambda: client.get(path))

    assert few == many
    assert client.get(path).content.decode().count("/channels/channel-") >= 22


def test_a_feed_shows_the_token_owners_view_whoever_is_signed_in_in_the_browser() -> None:
    emergency = DepartmentFactory()
    insider = PersonFactory(unit=UnitFactory(department=emergency))
    outsider = PersonFactory(unit=UnitFactory(department=DepartmentFactory()))
    channel = ChannelFactory()
    PostFactory(channel=channel, title="Emergency only", audience_departments=[emergency])
    token = regenerate_feed_token(person=outsider).token

    response = signed_in(insider).get(channel_feed_path(token, channel))

    assert parse(response).entries == []
