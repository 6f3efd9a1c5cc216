"""Public (ambassador) posts, the public feed, and everything else staying behind sign-in."""

from __future__ import annotations

from html.parser import HTMLParser
from io import BytesIO
from typing import Any

import feedparser
import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from staffroom.accounts.tests.factories import PersonFactory
from staffroom.channels.models import Post, PostAttachment, PostImage
from staffroom.channels.services.posts import archive_post, edit_post
from staffroom.channels.services.sharing import (
    make_post_internal,
    make_post_public,
    regenerate_feed_token,
)
from staffroom.channels.tests.factories import (
    ChannelEditorFactory,
    ChannelFactory,
    PostFactory,
    TagFactory,
)
from staffroom.organisation.tests.factories import DepartmentFactory, UnitFactory

pytestmark = pytest.mark.django_db

SITE_URL = "https://staff.riverside.example"
SIGN_IN = "/account/sign-in/"


@pytest.fixture(autouse=True)
def _site(settings: Any) -> None:
    settings.SITE_URL = SITE_URL
    settings.ORGANISATION_NAME = "Riverside Health"


@pytest.fixture
def editor() -> Any:
    person = PersonFactory(first_name="Chen", last_name="Editor")
    ChannelEditorFactory(person=person, channel=ChannelFactory(name="Emergency news"))
    return person


@pytest.fixture
def post(editor: Any) -> Post:
    channel = editor.channel_editorships.get().channel
    post: Post = PostFactory(
        channel=channel,
        author=editor,
        title="Our new ward opens!",
        summary="Forty beds, and a garden for patients.",
        body_html="<p>The ward opens on <em>Monday</em>.</p>",
    )
    return post


def signed_in(person: Any) -> Client:
    client = Client()
    client.force_login(person)
    return client


def add_image(post: Post, alt_text: str = "Nurses cut a ribbon at the ward door") -> PostImage:
    buffer = BytesIO()
    Image.new("RGB", (1200, 630), "teal").save(buffer, "PNG")
    image = PostImage(post=post, alt_text=alt_text, position=1)
    image.image.save("ribbon.png", ContentFile(buffer.getvalue()), save=False)
    # Set as the upload service sets them (from the re-encoded image).
    image.width, image.height = 1200, 630
    image.save()
    return image


def add_attachment(post: Post) -> PostAttachment:
    attachment = PostAttachment(
        post=post,
        original_name="rota.pdf",
        content_type="application/pdf",
        size_bytes=12,
    )
    attachment.file.save("rota.pdf", ContentFile(b"%PDF-1.4\n%%EOF"), save=True)
    return attachment


def public_path(post: Post, slug: str | None = None) -> str:
    return reverse("channels:public_post", kwargs={"pk": post.pk, "slug": slug or "x"})


class _Head(HTMLParser):
    """The <meta> and <link rel> tags of a page, by their property/name/rel."""

    def __init__(self) -> None:
        super().__init__()
        self.meta: dict[str, str] = {}
        self.links: dict[str, str] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {k: v or "" for k, v in attrs}
        if tag == "meta" and ("property" in values or "name" in values):
            self.meta[values.get("property") or values["name"]] = values.get("content", "")
        if tag == "link" and "rel" in values:
            self.links[values["rel"]] = values.get("href", "")


def head_of(response: Any) -> _Head:
    head = _Head()
    head.feed(response.content.decode())
    return head


# --- Services --------------------------------------------------------------------------------


def test_an_editor_makes_a_post_for_everyone_public(post: Post, editor: Any) -> None:
    version = post.version

    make_post_public(post=post, by=editor)

    post.refresh_from_db()
    assert post.is_public
    assert post.version == version + 1


def test_making_a_public_post_public_again_changes_nothing(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)
    version = Post.objects.get(pk=post.pk).version

    make_post_public(post=post, by=editor)

    assert Post.objects.get(pk=post.pk).version == version


def test_making_a_post_internal_takes_its_public_page_down(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)

    make_post_internal(post=post, by=editor)

    post.refresh_from_db()
    assert not post.is_public
    assert Client().get(public_path(post)).status_code == 404


def test_a_post_for_a_chosen_audience_cannot_be_made_public(editor: Any) -> None:
    channel = editor.channel_editorships.get().channel
    restricted = PostFactory(channel=channel, audience_departments=[DepartmentFactory()])
    version = restricted.version

    with pytest.raises(ValidationError, match="Only posts for everyone can be made public"):
        make_post_public(post=restricted, by=editor)

    restricted.refresh_from_db()
    assert not restricted.is_public
    assert restricted.version == version


def test_a_draft_cannot_be_made_public(editor: Any) -> None:
    channel = editor.channel_editorships.get().channel
    draft = PostFactory(channel=channel, status=Post.Status.DRAFT, published_at=None)

    with pytest.raises(ValidationError, match="Only published posts can be made public"):
        make_post_public(post=draft, by=editor)

    assert not Post.objects.get(pk=draft.pk).is_public


def test_someone_who_does_not_edit_the_channel_cannot_make_its_post_public(post: Post) -> None:
    with pytest.raises(PermissionDenied):
        make_post_public(post=post, by=PersonFactory())

    assert not Post.objects.get(pk=post.pk).is_public


# --- The toggle on the post page -------------------------------------------------------------


def toggle(client: Client, post: Post, public: str, **extra: Any) -> Any:
    path = reverse("channels:post_public_toggle", kwargs={"pk": post.pk})
    return client.post(path, {"public": public}, **extra)


def test_without_javascript_the_toggle_redirects_to_the_post_with_a_message(
    post: Post, editor: Any
) -> None:
    response = toggle(signed_in(editor), post, "1")

    assert response.status_code == 302
    assert response["Location"] == post.get_absolute_url()
    assert Post.objects.get(pk=post.pk).is_public
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["This post is now public: anyone with its public link can read it."]


def test_with_htmx_the_toggle_returns_the_sharing_box(post: Post, editor: Any) -> None:
    response = toggle(signed_in(editor), post, "1", headers={"HX-Request": "true"})

    assert response.status_code == 200
    html = response.content.decode()
    assert html.lstrip().startswith('<section class="card post-sharing" id="post-sharing"')
    assert "Make internal" in html
    assert f"http://testserver/p/{post.pk}/our-new-ward-opens/" in html

    response = toggle(signed_in(editor), post, "0", headers={"HX-Request": "true"})

    assert "Make public" in response.content.decode()
    assert not Post.objects.get(pk=post.pk).is_public


def test_the_toggle_refuses_a_restricted_post_with_a_message_and_changes_nothing(
    editor: Any,
) -> None:
    channel = editor.channel_editorships.get().channel
    department = DepartmentFactory()
    restricted = PostFactory(channel=channel, audience_departments=[department])

    response = toggle(signed_in(editor), restricted, "1")
    htmx = toggle(signed_in(editor), restricted, "1", headers={"HX-Request": "true"})

    assert not Post.objects.get(pk=restricted.pk).is_public
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages[0].startswith("Only posts for everyone can be made public.")
    assert "Only posts for everyone can be made public." in htmx.content.decode()


def test_a_reader_who_is_not_an_editor_gets_403_from_the_toggle(post: Post) -> None:
    response = toggle(signed_in(PersonFactory()), post, "1")

    assert response.status_code == 403
    assert not Post.objects.get(pk=post.pk).is_public


def test_someone_outside_the_audience_gets_404_from_the_toggle(editor: Any) -> None:
    channel = editor.channel_editorships.get().channel
    restricted = PostFactory(channel=channel, audience_departments=[DepartmentFactory()])
    outsider = PersonFactory(unit=UnitFactory(department=DepartmentFactory()))

    assert toggle(signed_in(outsider), restricted, "1").status_code == 404


def test_the_toggle_needs_signing_in(post: Post) -> None:
    response = toggle(Client(), post, "1")

    assert response.status_code == 302
    assert response["Location"].startswith(SIGN_IN)
    assert not Post.objects.get(pk=post.pk).is_public


def test_the_toggle_without_a_clear_choice_is_a_bad_request(post: Post, editor: Any) -> None:
    assert toggle(signed_in(editor), post, "yes please").status_code == 400
    assert not Post.objects.get(pk=post.pk).is_public


# --- The public page -------------------------------------------------------------------------


def test_anyone_can_read_a_public_post_with_share_links(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)
    path = f"/p/{post.pk}/our-new-ward-opens/"

    response = Client().get(path)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Our new ward opens!" in html
    assert "<em>Monday</em>" in html
    assert "Riverside Health" in html
    url = f"{SITE_URL}{path}"
    encoded = "https%3A%2F%2Fstaff.riverside.example%2Fp%2F"
    assert f"https://www.linkedin.com/sharing/share-offsite/?url={encoded}" in html
    assert f"https://twitter.com/intent/tweet?url={encoded}" in html
    assert f"https://www.facebook.com/sharer/sharer.php?u={encoded}" in html
    assert "mailto:?subject=Our%20new%20ward%20opens%21" in html
    assert f'value="{url}" readonly' in html
    # No signed-in navigation and no third-party script.
    assert "site-nav" not in html
    assert "<script" not in html


def test_a_public_page_has_open_graph_and_twitter_tags_with_absolute_addresses(
    post: Post, editor: Any
) -> None:
    image = add_image(post)
    make_post_public(post=post, by=editor)

    head = head_of(Client().get(f"/p/{post.pk}/our-new-ward-opens/"))

    url = f"{SITE_URL}/p/{post.pk}/our-new-ward-opens/"
    image_url = f"{SITE_URL}/p/{post.pk}/images/{image.pk}/"
    assert head.links["canonical"] == url
    assert head.meta["robots"].startswith("index")
    assert head.meta["og:type"] == "article"
    assert head.meta["og:title"] == "Our new ward opens!"
    assert head.meta["og:description"] == "Forty beds, and a garden for patients."
    assert head.meta["og:url"] == url
    assert head.meta["og:site_name"] == "Riverside Health"
    assert head.meta["og:image"] == image_url
    assert head.meta["og:image:alt"] == "Nurses cut a ribbon at the ward door"
    assert (head.meta["og:image:width"], head.meta["og:image:height"]) == ("1200", "630")
    assert post.published_at is not None
    assert head.meta["article:published_time"].startswith(str(post.published_at.year))
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["twitter:title"] == "Our new ward opens!"
    assert head.meta["twitter:description"] == "Forty beds, and a garden for patients."
    assert head.meta["twitter:image"] == image_url
    assert head.meta["twitter:image:alt"] == "Nurses cut a ribbon at the ward door"


def test_a_public_post_without_an_image_gets_a_summary_card(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)

    head = head_of(Client().get(f"/p/{post.pk}/our-new-ward-opens/"))

    assert head.meta["twitter:card"] == "summary"
    assert "og:image" not in head.meta
    assert "twitter:image" not in head.meta


def test_a_wrong_slug_redirects_permanently_to_the_right_one(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)

    response = Client().get(public_path(post, "old-title"))

    assert response.status_code == 301
    assert response["Location"] == f"/p/{post.pk}/our-new-ward-opens/"


def test_a_post_that_is_not_public_is_404_signed_in_or_not(post: Post) -> None:
    path = f"/p/{post.pk}/our-new-ward-opens/"

    assert Client().get(path).status_code == 404
    assert signed_in(PersonFactory()).get(path).status_code == 404
    assert Client().get(public_path(post, "anything")).status_code == 404


def test_the_public_page_shows_neither_the_discussion_nor_the_attachments(
    post: Post, editor: Any
) -> None:
    attachment = add_attachment(post)
    make_post_public(post=post, by=editor)

    html = Client().get(f"/p/{post.pk}/our-new-ward-opens/").content.decode()

    assert "rota.pdf" not in html
    assert f"/attachments/{attachment.pk}/" not in html
    assert "comment" not in html.lower()


def test_a_public_post_that_gets_an_audience_disappears_at_once(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)
    image = add_image(post)
    path = f"/p/{post.pk}/our-new-ward-opens/"
    assert Client().get(path).status_code == 200

    edit_post(
        post=Post.objects.get(pk=post.pk),
        editor=editor,
        title=post.title,
        summary=post.summary,
        body=post.body,
        tags=[],
        audience_departments=[DepartmentFactory()],
    )

    assert Client().get(path).status_code == 404
    image_path = reverse("channels:public_image", kwargs={"pk": post.pk, "image_id": image.pk})
    assert Client().get(image_path).status_code == 404
    public_feed = feedparser.parse(Client().get(reverse("channels:public_atom")).content)
    assert public_feed.entries == []


def test_a_public_post_that_is_archived_disappears_at_once(post: Post, editor: Any) -> None:
    make_post_public(post=post, by=editor)
    path = f"/p/{post.pk}/our-new-ward-opens/"
    assert Client().get(path).status_code == 200

    archive_post(post=Post.objects.get(pk=post.pk), editor=editor)

    assert Client().get(path).status_code == 404
    public_feed = feedparser.parse(Client().get(reverse("channels:public_atom")).content)
    assert public_feed.entries == []


# --- Public images ---------------------------------------------------------------------------


def test_an_image_of_a_public_post_is_served_to_anyone(post: Post, editor: Any) -> None:
    image = add_image(post)
    make_post_public(post=post, by=editor)

    response = Client().get(
        reverse("channels:public_image", kwargs={"pk": post.pk, "image_id": image.pk})
    )

    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response.getvalue().startswith(b"\x89PNG")


def test_an_image_of_a_post_that_is_not_public_is_404_here(post: Post) -> None:
    image = add_image(post)
    path = reverse("channels:public_image", kwargs={"pk": post.pk, "image_id": image.pk})

    assert Client().get(path).status_code == 404
    assert signed_in(PersonFactory()).get(path).status_code == 404


def test_an_image_of_another_post_is_404_under_a_public_posts_address(
    post: Post, editor: Any
) -> None:
    make_post_public(post=post, by=editor)
    other_image = add_image(PostFactory(channel=post.channel))

    path = reverse("channels:public_image", kwargs={"pk": post.pk, "image_id": other_image.pk})

    assert Client().get(path).status_code == 404


# --- The public feed -------------------------------------------------------------------------


def test_the_public_feed_lists_only_public_posts_linking_to_their_public_pages(
    post: Post, editor: Any
) -> None:
    make_post_public(post=post, by=editor)
    PostFactory(channel=post.channel, title="Staff only")

    response = Client().get(reverse("channels:public_atom"))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    assert response["X-Robots-Tag"] == "noindex"
    feed = feedparser.parse(response.content)
    assert feed.bozo == 0, feed.get("bozo_exception")
    assert [entry.title for entry in feed.entries] == ["Our new ward opens!"]
    entry = feed.entries[0]
    assert entry.link == f"{SITE_URL}/p/{post.pk}/our-new-ward-opens/"
    assert entry.id.startswith("tag:staff.riverside.example,")
    assert entry.author == "Chen Editor"
    assert entry.published_parsed is not None


# --- Everything else stays behind sign-in ----------------------------------------------------


def test_nothing_internal_is_reachable_without_signing_in(post: Post) -> None:
    """Pages, feeds, images and attachments: a redirect to sign-in or a 404, never content."""
    tag = TagFactory(name="Wards")
    post.tags.add(tag)
    image = add_image(post)
    attachment = add_attachment(post)
    paths = [
        reverse("channels:feed"),
        reverse("channels:channel", kwargs={"slug": post.channel.slug}),
        reverse("channels:post", kwargs={"pk": post.pk}),
        reverse("channels:tag", kwargs={"slug": tag.slug}),
        reverse("search:search") + "?q=ward",
        reverse("channels:feed_settings"),
        reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk}),
        reverse("channels:post_attachment", kwargs={"pk": post.pk, "attachment_id": attachment.pk}),
        reverse("channels:channel_atom", kwargs={"token": "guess", "slug": post.channel.slug}),
        reverse("channels:tag_atom", kwargs={"token": "guess", "slug": tag.slug}),
        reverse("channels:public_image", kwargs={"pk": post.pk, "image_id": image.pk}),
        f"/p/{post.pk}/our-new-ward-opens/",
    ]
    anonymous = Client()
    for path in paths:
        response = anonymous.get(path)
        if response.status_code == 302:
            assert response["Location"].startswith(SIGN_IN), path
        else:
            assert response.status_code == 404, path
            assert b"Our new ward opens" not in response.content, path
            assert b"%PDF" not in response.content, path


def test_signed_in_readers_do_get_the_internal_image_and_attachment(post: Post) -> None:
    """The other half of the test above: the same addresses do serve the files to staff, so
    the 404s there come from the sign-in rule, not from addresses that never work."""
    image = add_image(post)
    attachment = add_attachment(post)
    reader = signed_in(PersonFactory())

    image_response = reader.get(
        reverse("channels:post_image", kwargs={"pk": post.pk, "image_id": image.pk})
    )
    attachment_response = reader.get(
        reverse("channels:post_attachment", kwargs={"pk": post.pk, "attachment_id": attachment.pk})
    )

    assert image_response.status_code == 200
    assert attachment_response.status_code == 200


def test_a_personal_feed_token_gives_nothing_of_a_post_outside_the_readers_audience() -> None:
    emergency = DepartmentFactory()
    outsider = PersonFactory(unit=UnitFactory(department=DepartmentFactory()))
    post = PostFactory(title="Emergency rota", audience_departments=[emergency])
    token = regenerate_feed_token(person=outsider).token

    response = Client().get(
        reverse("channels:channel_atom", kwargs={"token": token, "slug": post.channel.slug})
    )

    assert response.status_code == 200
    assert b"Emergency rota" not in response.content


def test_the_public_page_costs_the_same_queries_with_one_image_or_eight(
    post: Post, editor: Any, query_count: Any
) -> None:
    make_post_public(post=post, by=editor)
    path = f"/p/{post.pk}/our-new-ward-opens/"
    client = Client()
    add_image(post)
    one = query_count(lambda: client.get(path))
    for _ in range(7):
        add_image(post)
    eight = query_count(lambda: client.get(path))

    assert one == eight
    assert client.get(path).content.decode().count(f"/p/{post.pk}/images/") >= 8
