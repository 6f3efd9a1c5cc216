"""Factories for channels and posts. Posts are made the way the services make them: each
gets its discussion Thread and its body rendered to HTML."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import factory
from django.utils import timezone
from django.utils.text import slugify

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Channel, ChannelEditor, Post, Tag
from staffroom.core.richtext import render_markdown


class ChannelFactory(factory.django.DjangoModelFactory):
    """A topic channel; pass `kind=Channel.Kind.DEPARTMENT, department=...` for a department."""

    class Meta:
        model = Channel

    kind = Channel.Kind.TOPIC
    slug = factory.Sequence(lambda n: f"channel-{n}")
    name = factory.Sequence(lambda n: f"Channel {n}")
    description = "A channel for testing."


class ChannelEditorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ChannelEditor

    channel = factory.SubFactory(ChannelFactory)
    person = factory.SubFactory(PersonFactory)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda t: slugify(t.name))


def _new_post_thread() -> Any:
    from staffroom.discussion.services import new_thread

    return new_thread(kind="post")


class PostFactory(factory.django.DjangoModelFactory):
    """A published post (live since a minute ago) with its Thread and rendered body.

    Audience lists are many-to-many: pass `audience_sites=[...]` etc. and the factory sets
    them and `audience_restricted` together.
    """

    class Meta:
        model = Post
        skip_postgeneration_save = True

    channel = factory.SubFactory(ChannelFactory)
    author = factory.SubFactory(PersonFactory)
    title = factory.Sequence(lambda n: f"Post number {n}")
    summary = "A short summary of the post."
    body = "Some **Markdown** words about the ward."
    body_html = factory.LazyAttribute(lambda p: render_markdown(p.body).html)
    status = Post.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timedelta(minutes=1))
    # Shown to its readers from its publication, as the services record it (a draft, or a
    # post made held or removed, never was).
    first_shown_at = factory.LazyAttribute(
        lambda p: (
            p.published_at
            if p.status != Post.Status.DRAFT
            and getattr(p, "visibility", "visible") in ("visible", "hidden")
            else None
        )
    )
    thread = factory.LazyFunction(_new_post_thread)

    @factory.post_generation
    def tags(self: Post, create: bool, extracted: list[Tag] | None, **kwargs: Any) -> None:
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def audience_sites(self: Post, create: bool, extracted: list[Any] | None, **kw: Any) -> None:
        if create and extracted:
            self.audience_sites.set(extracted)
            Post.objects.filter(pk=self.pk).update(audience_restricted=True)
            self.audience_restricted = True

    @factory.post_generation
    def audience_departments(
        self: Post, create: bool, extracted: list[Any] | None, **kw: Any
    ) -> None:
        if create and extracted:
            self.audience_departments.set(extracted)
            Post.objects.filter(pk=self.pk).update(audience_restricted=True)
            self.audience_restricted = True

    @factory.post_generation
    def audience_job_families(
        self: Post, create: bool, extracted: list[Any] | None, **kw: Any
    ) -> None:
        if create and extracted:
            self.audience_job_families.set(extracted)
            Post.objects.filter(pk=self.pk).update(audience_restricted=True)
            self.audience_restricted = True

    @factory.post_generation
    def count_in_channel(self: Post, create: bool, extracted: Any, **kwargs: Any) -> None:
        """Keep Channel.post_count right, as the services do, for live/scheduled posts."""
        from django.db.models import F

        if create and self.status in (Post.Status.PUBLISHED, Post.Status.SCHEDULED):
            Channel.objects.filter(pk=self.channel_id).update(post_count=F("post_count") + 1)
