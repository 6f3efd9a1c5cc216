"""Atom feeds of posts, and the reads behind personal feed addresses and public posts.

Feeds are read by programs that can't sign in, so an internal feed's address carries a
secret: the person's `FeedToken`. The feed then shows exactly what that person may see
(`Post.objects.visible_to`), and stops working when they leave, revoke it or make a new one.
Public (ambassador) posts are the only content served without a person at all; whether a
post is public is decided afresh on every request by `public_posts()`.
"""

from __future__ import annotations

import re
from datetime import datetime
from html import unescape
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import Exists, OuterRef, QuerySet
from django.http import Http404, HttpRequest
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.html import strip_tags
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.channels.models import Channel, FeedToken, Post, PostImage, Tag
from staffroom.channels.services.reading import record_feed_deliveries
from staffroom.core.models import Visibility

FEED_LENGTH = 30
SUMMARY_WORDS = 60


# --- Addresses ----------------------------------------------------------------------------


def public_site_name() -> str:
    """The name shown to the outside world: the organisation's, or Staffroom's if unset."""
    return str(settings.ORGANISATION_NAME or "Staffroom")


def absolute_url(path: str) -> str:
    """`path` on the address people reach Staffroom at (settings.SITE_URL)."""
    return settings.SITE_URL.rstrip("/") + path


def _tag_uri(created: datetime, specific: str) -> str:
    """A stable RFC 4151 tag: URI, e.g. tag:staff.example.org,2026-11-24:post:42.

    Built from the site's host and the day the thing was created, never from a title or
    an address that can change, so feed readers don't show an edited post twice.
    """
    host = urlsplit(settings.SITE_URL).hostname or "localhost"
    return f"tag:{host},{created.date().isoformat()}:{specific}"


def public_post_slug(post: Post) -> str:
    """The words in a public address; templates get the same with `title|slugify|default:"post"`."""
    return slugify(post.title) or "post"


def public_post_path(post: Post) -> str:
    return reverse("channels:public_post", kwargs={"pk": post.pk, "slug": public_post_slug(post)})


def public_post_url(post: Post) -> str:
    """The absolute public address of `post` (meaningful only while it is public)."""
    return absolute_url(public_post_path(post))


def personal_channel_feed_url(token: FeedToken, channel: Channel) -> str:
    return absolute_url(
        reverse("channels:channel_atom", kwargs={"token": token.token, "slug": channel.slug})
    )


def personal_tag_feed_url(token: FeedToken, tag: Tag) -> str:
    return absolute_url(
        reverse("channels:tag_atom", kwargs={"token": token.token, "slug": tag.slug})
    )


def plain_summary(post: Post) -> str:
    """The post's summary, or the first words of its body as plain text."""
    if post.summary:
        return post.summary
    text = " ".join(unescape(strip_tags(post.body_html)).split())
    return Truncator(text).words(SUMMARY_WORDS, truncate="…")


# --- Reads ----------------------------------------------------------------------------------


def feed_owner_or_404(token: str) -> Person:
    """The active person whose feed token this is; 404 for anything else.

    Leavers' tokens stay stored (a returning member of staff gets their feeds back) but
    answer 404 while they are inactive.
    """
    found = (
        FeedToken.objects.select_related("person__department")
        .filter(token=token, person__is_active=True)
        .first()
    )
    if found is None:
        raise Http404
    return found.person


def feed_token_of(person: Person) -> FeedToken | None:
    return FeedToken.objects.filter(person=person).first()


def _entries(posts: QuerySet[Post]) -> list[Post]:
    """The newest posts for a feed, with everything an entry shows (three queries)."""
    return list(
        posts.select_related("author", "channel")
        .prefetch_related("tags")
        .order_by("-published_at", "-id")[:FEED_LENGTH]
    )


def channel_feed_posts(*, viewer: Person, channel: Channel) -> list[Post]:
    return _entries(Post.objects.visible_to(viewer).filter(channel=channel))


def tag_feed_posts(*, viewer: Person, tag: Tag) -> list[Post]:
    return _entries(Post.objects.visible_to(viewer).filter(tags=tag))


def public_posts() -> QuerySet[Post]:
    """Posts anyone on the internet may read: public, live, and for everyone.

    All three are checked on every request (with the post's visibility), so restricting,
    archiving or removing a public post hides it at once, whatever `is_public` still says.
    """
    return Post.objects.live().filter(
        is_public=True, audience_restricted=False, visibility=Visibility.VISIBLE
    )


def public_feed_posts() -> list[Post]:
    return _entries(public_posts())


def get_public_post_or_404(pk: int) -> Post:
    post = public_posts().select_related("channel", "author").filter(pk=pk).first()
    if post is None:
        raise Http404
    return post


def public_post_images(post: Post) -> list[PostImage]:
    return list(PostImage.objects.filter(post=post).order_by("position", "id"))


def get_public_image_or_404(pk: int, image_id: int) -> PostImage:
    """An image of a post that is public right now; 404 for every other image."""
    image = (
        PostImage.objects.filter(pk=image_id, post__in=public_posts().filter(pk=pk))
        .exclude(image="")
        .first()
    )
    if image is None:
        raise Http404
    return image


_INTERNAL_IMAGE = re.compile(
    r"(?:https?://[^/\"'\s<>]+)?/posts/(?P<pk>\d+)/images/(?P<image_id>\d+)/"
)


def public_body_html(post: Post, *, absolute: bool = False) -> str:
    """The post's (already sanitised) HTML, with its own image addresses made public ones.

    Internal image addresses need a signed-in visitor; on the public page the same images
    are served through `channels:public_image`, which checks the post is public. A feed
    reader resolves addresses against the feed, so feeds ask for `absolute` ones.
    """

    def publicise(match: re.Match[str]) -> str:
        if int(match["pk"]) != post.pk:
            return match[0]
        path = reverse(
            "channels:public_image", kwargs={"pk": post.pk, "image_id": int(match["image_id"])}
        )
        return absolute_url(path) if absolute else path

    return _INTERNAL_IMAGE.sub(publicise, post.body_html)


# --- Atom -----------------------------------------------------------------------------------


# Characters XML 1.0 can't carry. Django's feed writer refuses them with an error, so one
# post or channel name holding one (pasted text can) would break the feed for everyone.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(value: Any) -> Any:
    if isinstance(value, str):
        return _NOT_XML.sub("", value)
    if isinstance(value, list | tuple):
        return type(value)(_xml_safe(part) for part in value)
    return value


class StaffroomAtomFeed(feedgenerator.Atom1Feed):
    """Atom 1.0 with a plain-text <summary> and the post's HTML as <content type="html">.

    Django's Atom1Feed writes the description as an HTML summary and has no <content>;
    readers show <content> when they have it. Characters XML can't hold are dropped.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(
            *(_xml_safe(arg) for arg in args), **{k: _xml_safe(v) for k, v in kwargs.items()}
        )

    def add_item(self, *args: Any, **kwargs: Any) -> None:
        super().add_item(
            *(_xml_safe(arg) for arg in args), **{k: _xml_safe(v) for k, v in kwargs.items()}
        )

    def add_item_elements(self, handler: Any, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        if item["description"]:
            handler.addQuickElement("summary", item["description"], {"type": "text"})
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})


class _PostFeed(Feed[Post, Any]):
    feed_type = StaffroomAtomFeed

    def feed_extra_kwargs(self, obj: Any) -> dict[Any, Any]:
        return {}

    def author_name(self) -> str:
        return public_site_name()

    def item_title(self, item: Post) -> str:
        return item.title

    def item_description(self, item: Post) -> str:
        return plain_summary(item)

    def item_link(self, item: Post) -> str:
        return absolute_url(item.get_absolute_url())

    def item_guid(self, item: Post) -> str:
        return _tag_uri(item.created_at, f"post:{item.pk}")

    def item_pubdate(self, item: Post) -> datetime | None:
        return item.published_at

    def item_updateddate(self, item: Post) -> datetime | None:
        return item.edited_at or item.published_at

    def item_author_name(self, item: Post) -> str:
        return item.author.display_name

    def item_categories(self, item: Post) -> list[str]:
        return [tag.name for tag in item.tags.all()]

    def item_extra_kwargs(self, item: Post) -> dict[Any, Any]:
        return {"content_html": item.body_html}


class PersonalChannelFeed(_PostFeed):
    """One channel as the owner of the token sees it."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> tuple[Person, Channel]:
        viewer = feed_owner_or_404(kwargs["token"])
        # Only after the token is known good: a bad token learns nothing about channels.
        channel = Channel.objects.filter(slug=kwargs["slug"]).first()
        if channel is None:
            raise Http404
        return viewer, channel

    def title(self, obj: tuple[Person, Channel]) -> str:
        return _("%(channel)s · Staffroom") % {"channel": obj[1].name}

    def subtitle(self, obj: tuple[Person, Channel]) -> str:
        return obj[1].description

    def link(self, obj: tuple[Person, Channel]) -> str:
        return absolute_url(obj[1].get_absolute_url())

    def feed_url(self, obj: tuple[Person, Channel]) -> str:
        return personal_channel_feed_url(_token_of(obj[0]), obj[1])

    def feed_guid(self, obj: tuple[Person, Channel]) -> str:
        return _tag_uri(obj[1].created_at, f"channel:{obj[1].pk}")

    def items(self, obj: tuple[Person, Channel]) -> list[Post]:
        return _delivered(obj[0], channel_feed_posts(viewer=obj[0], channel=obj[1]))


class PersonalTagFeed(_PostFeed):
    """Posts with one tag, as the owner of the token sees them."""

    def get_object(self, request: HttpRequest, *args: Any, **kwargs: Any) -> tuple[Person, Tag]:
        viewer = feed_owner_or_404(kwargs["token"])
        # As on the tag page: a tag on no post the owner may see is no tag for them.
        tag = Tag.objects.filter(
            Exists(Post.objects.visible_to(viewer).filter(tags=OuterRef("pk"))),
            slug=kwargs["slug"],
        ).first()
        if tag is None:
            raise Http404
        return viewer, tag

    def title(self, obj: tuple[Person, Tag]) -> str:
        return _("Posts tagged %(tag)s · Staffroom") % {"tag": obj[1].name}

    def link(self, obj: tuple[Person, Tag]) -> str:
        return absolute_url(obj[1].get_absolute_url())

    def feed_url(self, obj: tuple[Person, Tag]) -> str:
        return personal_tag_feed_url(_token_of(obj[0]), obj[1])

    def feed_guid(self, obj: tuple[Person, Tag]) -> str:
        return _tag_uri(obj[1].created_at, f"tag:{obj[1].pk}")

    def items(self, obj: tuple[Person, Tag]) -> list[Post]:
        return _delivered(obj[0], tag_feed_posts(viewer=obj[0], tag=obj[1]))


class PublicPostFeed(_PostFeed):
    """Posts marked public, for anyone: each entry links to the post's public page."""

    def title(self) -> str:
        return _("%(organisation)s: public posts") % {"organisation": self.author_name()}

    def link(self) -> str:
        return absolute_url(reverse("channels:public_atom"))

    def feed_url(self) -> str:
        return absolute_url(reverse("channels:public_atom"))

    def feed_guid(self) -> str:
        return absolute_url(reverse("channels:public_atom"))

    def items(self) -> list[Post]:
        return public_feed_posts()

    def item_link(self, item: Post) -> str:
        return public_post_url(item)

    def item_extra_kwargs(self, item: Post) -> dict[Any, Any]:
        return {"content_html": public_body_html(item, absolute=True)}


def _delivered(person: Person, posts: list[Post]) -> list[Post]:
    # Who was sent what, for the exposure report (privacy.exposure).
    record_feed_deliveries(person=person, posts=posts)
    return posts


def _token_of(person: Person) -> FeedToken:
    token: FeedToken = person.feed_token
    return token
