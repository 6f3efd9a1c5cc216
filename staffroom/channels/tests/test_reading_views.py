"""Channel pages, following, channel settings, post pages, tags and reach."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from staffroom.accounts.models import Person, Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel, ChannelEditor, ChannelFollow, Post, PostView
from staffroom.channels.queries import followed_channel_ids
from staffroom.channels.services.channels import ensure_lets_talk, sync_department_channels
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.tests.factories import (
    ChannelEditorFactory,
    ChannelFactory,
    PostFactory,
    TagFactory,
)
from staffroom.organisation.services import recount_people
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db

QueryCount = Callable[[Callable[[], object]], int]


@pytest.fixture
def signed_in(client: Client, person: Person) -> Client:
    client.force_login(person)
    return client


@pytest.fixture
def comms_admin(client: Client) -> Client:
    admin = PersonFactory(username="comms.lead")
    RoleGrantFactory(person=admin, role=Role.COMMUNICATIONS_ADMIN)
    client.force_login(admin)
    return client


def _url(name: str, **kwargs: object) -> str:
    return reverse(f"channels:{name}", kwargs=kwargs)


def _fresh(person: Person) -> Person:
    return Person.objects.get(pk=person.pk)


# --- Channel list ---------------------------------------------------------------------------------


def test_the_channel_list_puts_lets_talk_and_my_department_first(
    signed_in: Client, person: Person
) -> None:
    ensure_lets_talk()
    ChannelFactory(name="Wellbeing")
    DepartmentFactory(name="Aardvark Care")
    sync_department_channels()
    body = signed_in.get(_url("channel_list")).content.decode()
    mine = body.index("Channels you follow")
    assert mine < body.index("Let&#x27;s Talk") < body.index(person.department.name)  # type: ignore[union-attr]
    assert "Wellbeing" in body
    assert "Aardvark Care" in body


def test_the_channel_list_costs_the_same_with_10_or_400_department_channels(
    signed_in: Client, query_count: QueryCount
) -> None:
    ensure_lets_talk()
    DepartmentFactory.create_batch(10)
    sync_department_channels()
    url = _url("channel_list")
    signed_in.get(url)
    few = query_count(lambda: signed_in.get(url))
    DepartmentFactory.create_batch(390)
    ChannelFactory.create_batch(5)
    sync_department_channels()
    many = query_count(lambda: signed_in.get(url))
    assert few == many


def test_more_department_channels_come_as_a_fragment_for_htmx(signed_in: Client) -> None:
    DepartmentFactory.create_batch(45)
    sync_department_channels()
    cursor = signed_in.get(_url("channel_list")).context["directory"].departments.next_cursor
    assert cursor
    body = signed_in.get(
        _url("channel_list"), {"cursor": cursor}, headers={"HX-Request": "true"}
    ).content.decode()
    assert "<html" not in body
    assert 'class="channel-row"' in body


# --- Channel page and following -------------------------------------------------------------------


def test_a_channel_page_shows_pinned_posts_first_and_only_what_the_viewer_may_see(
    signed_in: Client,
) -> None:
    channel = ChannelFactory()
    PostFactory(channel=channel, title="Pinned one", pinned_at=timezone.now())
    PostFactory(channel=channel, title="Newest")
    PostFactory(channel=channel, title="Not for you", audience_departments=[DepartmentFactory()])
    body = signed_in.get(channel.get_absolute_url()).content.decode()
    assert body.index("Pinned one") < body.index("Newest")
    assert "Not for you" not in body
    assert "New post" not in body
    assert "Drafts and scheduled" not in body


def test_editors_see_new_post_and_their_drafts(client: Client) -> None:
    channel = ChannelFactory()
    editor = ChannelEditorFactory(channel=channel).person
    PostFactory(channel=channel, title="Half written", status=Post.Status.DRAFT, published_at=None)
    client.force_login(editor)
    body = client.get(channel.get_absolute_url()).content.decode()
    assert _url("post_create", slug=channel.slug) in body
    assert "Drafts and scheduled" in body
    assert "Half written" in body


def test_the_channel_page_costs_the_same_with_few_or_many_posts(
    client: Client, query_count: QueryCount
) -> None:
    channel = ChannelFactory()
    editor = ChannelEditorFactory(channel=channel).person
    client.force_login(editor)
    url = channel.get_absolute_url()
    for _ in range(3):
        PostFactory(channel=channel, pinned_at=timezone.now())
        PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)
    client.get(url)
    few = query_count(lambda: client.get(url))
    PostFactory.create_batch(40, channel=channel)
    PostFactory.create_batch(10, channel=channel, status=Post.Status.DRAFT, published_at=None)
    many = query_count(lambda: client.get(url))
    assert few == many


def test_lets_talk_says_everyone_follows_it_and_offers_no_unfollow(signed_in: Client) -> None:
    body = signed_in.get(ensure_lets_talk().get_absolute_url()).content.decode()
    assert "Everyone follows this channel" in body
    assert "Unfollow" not in body


def test_following_without_javascript_redirects_back_with_a_message(
    signed_in: Client, person: Person
) -> None:
    channel = ChannelFactory(name="Estates")
    response = signed_in.post(_url("follow", slug=channel.slug), {"action": "follow"}, follow=True)
    assert response.redirect_chain[-1][0] == channel.get_absolute_url()
    assert "You follow Estates" in response.content.decode()
    assert channel.pk in followed_channel_ids(_fresh(person))


def test_following_with_htmx_returns_the_new_button(signed_in: Client, person: Person) -> None:
    channel = ChannelFactory()
    response = signed_in.post(
        _url("follow", slug=channel.slug), {"action": "follow"}, headers={"HX-Request": "true"}
    )
    body = response.content.decode()
    assert "<html" not in body
    assert 'id="follow-box"' in body
    assert "Unfollow" in body
    response = signed_in.post(
        _url("follow", slug=channel.slug), {"action": "unfollow"}, headers={"HX-Request": "true"}
    )
    assert "Unfollow" not in response.content.decode()
    assert channel.pk not in followed_channel_ids(_fresh(person))


def test_unfollowing_lets_talk_is_refused_with_a_message(signed_in: Client, person: Person) -> None:
    lets_talk = ensure_lets_talk()
    response = signed_in.post(
        _url("follow", slug=lets_talk.slug), {"action": "unfollow"}, follow=True
    )
    assert "can&#x27;t be unfollowed" in response.content.decode()
    assert not ChannelFollow.objects.exists()
    htmx = signed_in.post(
        _url("follow", slug=lets_talk.slug), {"action": "unfollow"}, headers={"HX-Request": "true"}
    )
    assert "can&#x27;t be unfollowed" in htmx.content.decode()


def test_following_needs_a_post(signed_in: Client) -> None:
    channel = ChannelFactory()
    assert signed_in.get(_url("follow", slug=channel.slug)).status_code == 405


def test_a_redirect_back_never_leaves_the_site(signed_in: Client) -> None:
    channel = ChannelFactory()
    response = signed_in.post(
        _url("follow", slug=channel.slug), {"action": "follow", "next": "https://evil.example/"}
    )
    assert response["Location"] == channel.get_absolute_url()


# --- Managing channels ----------------------------------------------------------------------------


def test_a_comms_admin_creates_a_topic_channel(comms_admin: Client) -> None:
    response = comms_admin.post(
        _url("channel_create"),
        {"name": "Infection prevention", "slug": "infection-prevention", "description": ""},
    )
    channel = Channel.objects.get(slug="infection-prevention")
    assert response["Location"] == channel.get_absolute_url()
    assert channel.kind == Channel.Kind.TOPIC


def test_a_taken_address_is_explained_and_the_words_are_kept(comms_admin: Client) -> None:
    ChannelFactory(slug="estates")
    response = comms_admin.post(
        _url("channel_create"), {"name": "Estates and buildings", "slug": "estates"}
    )
    assert response.status_code == 400
    body = response.content.decode()
    assert "Another channel already has that address." in body
    assert "Estates and buildings" in body
    assert Channel.objects.count() == 1


def test_people_who_are_not_comms_admins_cannot_create_or_set_up_channels(
    signed_in: Client,
) -> None:
    channel = ChannelFactory()
    assert signed_in.get(_url("channel_create")).status_code == 403
    assert signed_in.post(_url("channel_create"), {"name": "X", "slug": "x"}).status_code == 403
    assert signed_in.get(_url("channel_settings", slug=channel.slug)).status_code == 403
    assert not Channel.objects.filter(slug="x").exists()


def test_channel_settings_save_and_editors_are_added_and_removed(comms_admin: Client) -> None:
    channel = ChannelFactory(name="Estates")
    url = _url("channel_settings", slug=channel.slug)
    comms_admin.post(
        url,
        {
            "action": "settings",
            "name": "Estates news",
            "description": "Works",
            "is_mandatory": "on",
        },
    )
    channel.refresh_from_db()
    assert (channel.name, channel.is_mandatory) == ("Estates news", True)
    editor = PersonFactory(username="sam.editor")
    comms_admin.post(url, {"action": "add_editor", "username": "sam.editor"})
    assert ChannelEditor.objects.filter(channel=channel, person=editor).exists()
    bad = comms_admin.post(url, {"action": "add_editor", "username": "no.such.person"})
    assert bad.status_code == 400
    assert "no.such.person" in bad.content.decode()
    comms_admin.post(url, {"action": "remove_editor", "person": str(editor.pk)})
    assert not ChannelEditor.objects.exists()


# --- Post page ------------------------------------------------------------------------------------


def test_opening_a_post_counts_one_view_and_shows_its_parts(
    signed_in: Client, person: Person
) -> None:
    tag = TagFactory(name="Flu")
    post = PostFactory(title="Flu clinic", body="Come **today**", tags=[tag])
    body = signed_in.get(post.get_absolute_url()).content.decode()
    assert '<h1 id="post-title">Flu clinic</h1>' in body
    assert "<strong>today</strong>" in body
    assert tag.get_absolute_url() in body
    assert f'datetime="{timezone.localtime(post.published_at).isoformat()}"' in body
    assert _url("post_edit", pk=post.pk) not in body
    signed_in.get(post.get_absolute_url())
    post.refresh_from_db()
    assert post.reach_count == 1
    assert PostView.objects.filter(post=post, person=person).count() == 1


def test_a_person_outside_the_audience_gets_404_everywhere(
    signed_in: Client, person: Person
) -> None:
    tag = TagFactory()
    channel = ChannelFactory()
    post = PostFactory(
        channel=channel,
        title="For radiology",
        tags=[tag],
        audience_departments=[DepartmentFactory()],
    )
    assert signed_in.get(post.get_absolute_url()).status_code == 404
    for url in (_url("feed"), channel.get_absolute_url(), tag.get_absolute_url()):
        assert "For radiology" not in signed_in.get(url).content.decode()
    assert not PostView.objects.exists()


def test_a_draft_is_a_404_for_readers_and_visible_to_editors_without_counting(
    client: Client, person: Person
) -> None:
    channel = ChannelFactory()
    draft = PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)
    client.force_login(person)
    assert client.get(draft.get_absolute_url()).status_code == 404
    editor = ChannelEditorFactory(channel=channel).person
    client.force_login(editor)
    body = client.get(draft.get_absolute_url()).content.decode()
    assert _url("post_edit", pk=draft.pk) in body
    assert _url("post_reach", pk=draft.pk) in body
    assert "Publish now" in body
    assert not PostView.objects.exists()


def test_the_post_page_costs_the_same_with_few_or_many_readers_and_tags(
    signed_in: Client, query_count: QueryCount
) -> None:
    post = PostFactory(tags=[TagFactory()])
    url = post.get_absolute_url()
    signed_in.get(url)
    few = query_count(lambda: signed_in.get(url))
    for reader in PersonFactory.create_batch(20):
        record_post_view(post=post, person=reader)
    post.tags.add(*TagFactory.create_batch(5))
    many = query_count(lambda: signed_in.get(url))
    assert few == many


# --- Tags -----------------------------------------------------------------------------------------


def test_the_tag_page_costs_the_same_with_few_or_many_posts(
    signed_in: Client, query_count: QueryCount
) -> None:
    tag = TagFactory()
    PostFactory.create_batch(2, tags=[tag])
    url = tag.get_absolute_url()
    signed_in.get(url)
    few = query_count(lambda: signed_in.get(url))
    PostFactory.create_batch(30, tags=[tag])
    many = query_count(lambda: signed_in.get(url))
    assert few == many
    assert signed_in.get(_url("tag", slug="no-such-tag")).status_code == 404


# --- Reach ----------------------------------------------------------------------------------------


def test_reach_is_for_the_channels_editors_only(client: Client, person: Person) -> None:
    channel = ChannelFactory()
    post = PostFactory(channel=channel)
    recount_people()
    client.force_login(person)
    assert client.get(_url("post_reach", pk=post.pk)).status_code == 403
    client.force_login(ChannelEditorFactory(channel=channel).person)
    response = client.get(_url("post_reach", pk=post.pk))
    assert response.status_code == 200
    assert "<meter" in response.content.decode()


def test_the_reach_page_costs_the_same_for_8_or_80_readers(
    client: Client, query_count: QueryCount
) -> None:
    channel = ChannelFactory()
    editor = ChannelEditorFactory(channel=channel).person
    post = PostFactory(channel=channel)
    departments = DepartmentFactory.create_batch(4)
    from staffroom.organisation.tests.factories import UnitFactory

    units = [UnitFactory(department=d) for d in departments]
    for n in range(8):
        record_post_view(post=post, person=PersonFactory(unit=units[n % 4]))
    recount_people()
    client.force_login(editor)
    url = _url("post_reach", pk=post.pk)
    client.get(url)
    few = query_count(lambda: client.get(url))
    for n in range(72):
        record_post_view(post=post, person=PersonFactory(unit=units[n % 4]))
    recount_people()
    many = query_count(lambda: client.get(url))
    assert few == many
    body = client.get(url).content.decode()
    assert ">80<" in body


def test_a_channels_load_more_works_without_javascript_and_as_an_htmx_fragment(
    signed_in: Client,
) -> None:
    channel = ChannelFactory()
    PostFactory.create_batch(25, channel=channel)
    url = channel.get_absolute_url()
    cursor = signed_in.get(url).context["posts"].page.next_cursor
    plain = signed_in.get(url, {"cursor": cursor}).content.decode()
    assert "<html" in plain
    assert plain.count("<article") == 5
    fragment = signed_in.get(url, {"cursor": cursor}, headers={"HX-Request": "true"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.count("<article") == 5
    assert "data-focus-first" in body


def test_an_archived_channel_offers_no_follow_button_to_new_readers(signed_in: Client) -> None:
    channel = ChannelFactory(is_archived=True)
    body = signed_in.get(channel.get_absolute_url()).content.decode()
    assert "This channel is archived" in body
    assert _url("follow", slug=channel.slug) not in body
