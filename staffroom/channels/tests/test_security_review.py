"""Found in the security review of channels and posts: each test failed before its fix."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from staffroom.accounts.models import Role
from staffroom.accounts.tests.factories import PersonFactory, RoleGrantFactory
from staffroom.channels.models import Channel
from staffroom.channels.tests.factories import ChannelFactory, PostFactory
from staffroom.discussion.models import Comment
from staffroom.discussion.services import post_comment
from staffroom.discussion.subjects import get_visible_subject_or_404, subject_type
from staffroom.organisation.tests.factories import DepartmentFactory

pytestmark = pytest.mark.django_db


def _department_channel(department):
    return ChannelFactory(kind=Channel.Kind.DEPARTMENT, department=department)


def test_a_moderator_for_one_department_cannot_remove_comments_on_lets_talk() -> None:
    department = DepartmentFactory()
    moderator = PersonFactory(department=department)
    RoleGrantFactory(person=moderator, role=Role.MODERATOR, department=department)
    post = PostFactory(channel=ChannelFactory(kind=Channel.Kind.LEADERSHIP, slug="lets-talk"))
    comment = post_comment(thread=post.thread, author=PersonFactory(), body="My view")
    client = Client()
    client.force_login(moderator)

    url = reverse("discussion:comment_delete", kwargs={"comment_id": comment.pk})
    response = client.post(url)

    assert response.status_code == 403
    assert not Comment.objects.get(pk=comment.pk).is_deleted


def test_a_department_moderator_moderates_their_own_department_channel_only() -> None:
    department, elsewhere = DepartmentFactory(), DepartmentFactory()
    moderator = PersonFactory(department=department)
    RoleGrantFactory(person=moderator, role=Role.MODERATOR, department=department)
    own = PostFactory(channel=_department_channel(department))
    other = PostFactory(channel=_department_channel(elsewhere))
    topic = PostFactory(channel=ChannelFactory())
    can_moderate = subject_type("post").can_moderate

    def subject(post):
        return get_visible_subject_or_404(moderator, post.thread)

    assert can_moderate(moderator, subject(own))
    assert not can_moderate(moderator, subject(other))
    assert not can_moderate(moderator, subject(topic))


def test_a_site_moderator_moderates_the_channels_of_departments_at_that_site() -> None:
    department = DepartmentFactory()
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR, site=department.site)
    post = PostFactory(channel=_department_channel(department))
    subject = get_visible_subject_or_404(moderator, post.thread)

    assert subject_type("post").can_moderate(moderator, subject)


def test_an_organisation_wide_moderator_still_moderates_every_channel() -> None:
    moderator = PersonFactory()
    RoleGrantFactory(person=moderator, role=Role.MODERATOR)
    posts = [
        PostFactory(channel=ChannelFactory(kind=Channel.Kind.LEADERSHIP, slug="lets-talk")),
        PostFactory(channel=_department_channel(DepartmentFactory())),
        PostFactory(channel=ChannelFactory()),
    ]
    can_moderate = subject_type("post").can_moderate

    assert all(
        can_moderate(moderator, get_visible_subject_or_404(moderator, post.thread))
        for post in posts
    )


# --- Tags used only where the viewer may not look -------------------------------------------


def _signed_in(person) -> Client:
    client = Client()
    client.force_login(person)
    return client


def _hidden_tag_posts():
    """A tag on a draft, one on a post scheduled for later, one on another audience's post."""
    from datetime import timedelta

    from django.utils import timezone

    from staffroom.channels.models import Post
    from staffroom.channels.tests.factories import TagFactory

    draft_tag = TagFactory(name="Ward closures 2027")
    later_tag = TagFactory(name="Embargoed merger")
    audience_tag = TagFactory(name="Finance restructuring")
    PostFactory(status=Post.Status.DRAFT, published_at=None, tags=[draft_tag])
    PostFactory(
        status=Post.Status.SCHEDULED,
        published_at=timezone.now() + timedelta(days=2),
        tags=[later_tag],
    )
    PostFactory(audience_departments=[DepartmentFactory()], tags=[audience_tag])
    return [draft_tag, later_tag, audience_tag]


def test_a_tag_used_only_on_posts_the_reader_may_not_see_is_a_404() -> None:
    hidden = _hidden_tag_posts()
    client = _signed_in(PersonFactory(department=DepartmentFactory()))

    for tag in hidden:
        response = client.get(reverse("channels:tag", kwargs={"slug": tag.slug}))
        assert response.status_code == 404, tag.name


def test_a_tag_on_a_post_the_reader_sees_has_its_page() -> None:
    from staffroom.channels.tests.factories import TagFactory

    tag = TagFactory(name="Night shift")
    PostFactory(tags=[tag], title="Night shift parking")
    response = _signed_in(PersonFactory()).get(reverse("channels:tag", kwargs={"slug": tag.slug}))

    assert response.status_code == 200
    assert "Night shift parking" in response.content.decode()


def test_the_feed_settings_page_lists_no_tag_the_reader_may_not_see() -> None:
    from staffroom.channels.services.sharing import regenerate_feed_token
    from staffroom.channels.tests.factories import TagFactory

    hidden = _hidden_tag_posts()
    shown = TagFactory(name="Car park")
    PostFactory(tags=[shown])
    person = PersonFactory(department=DepartmentFactory())
    regenerate_feed_token(person=person)

    page = _signed_in(person).get(reverse("channels:feed_settings")).content.decode()

    assert "Car park" in page
    for tag in hidden:
        assert tag.name not in page
        assert f"/tags/{tag.slug}.atom" not in page


def test_a_personal_tag_feed_of_a_tag_the_owner_may_not_see_is_a_404() -> None:
    from staffroom.channels.services.sharing import regenerate_feed_token

    hidden = _hidden_tag_posts()
    token = regenerate_feed_token(person=PersonFactory(department=DepartmentFactory())).token

    for tag in hidden:
        url = reverse("channels:tag_atom", kwargs={"token": token, "slug": tag.slug})
        assert Client().get(url).status_code == 404, tag.name


def test_the_feed_settings_page_with_secret_addresses_is_never_cached() -> None:
    from staffroom.channels.services.sharing import regenerate_feed_token

    person = PersonFactory()
    channel = ChannelFactory(kind=Channel.Kind.LEADERSHIP, slug="lets-talk")
    token = regenerate_feed_token(person=person).token

    response = _signed_in(person).get(reverse("channels:feed_settings"))

    assert f"/feeds/{token}/channels/{channel.slug}.atom" in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]
