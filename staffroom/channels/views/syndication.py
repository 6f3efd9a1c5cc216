"""Outside the app: Atom feeds, personal feed addresses, and public (ambassador) posts.

Only three kinds of address here answer without signing in, and each checks for itself:
personal feeds (the secret token in the address picks the person whose view is shown),
the public feed and public post pages (only posts that are public, live and for everyone,
checked on every request).
"""

from __future__ import annotations

import mimetypes
from urllib.parse import quote, urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.channels import queries
from staffroom.channels import syndication as feeds
from staffroom.channels.models import Post
from staffroom.channels.permissions import check_edit_post, get_visible_post_or_404
from staffroom.channels.services.sharing import (
    make_post_internal,
    make_post_public,
    regenerate_feed_token,
    revoke_feed_token,
)
from staffroom.core.http import AuthenticatedRequest

# Tags listed on the feed settings page; beyond this the page explains the address pattern.
SETTINGS_TAG_LIMIT = 100
IMAGE_TYPES = {"image/jpeg", "image/png", "image/webp"}

_personal_channel_feed = feeds.PersonalChannelFeed()
_personal_tag_feed = feeds.PersonalTagFeed()
_public_feed = feeds.PublicPostFeed()


# --- Personal feed addresses -----------------------------------------------------------------


@never_cache  # the page shows secret feed addresses: no browser or proxy may keep it
@login_required
@require_http_methods(["GET", "POST"])
def feed_settings(request: AuthenticatedRequest) -> HttpResponse:
    """Your feed addresses; POST `action` = create, regenerate or revoke."""
    me = request.user
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action in {"create", "regenerate"}:
            regenerate_feed_token(person=me)
            messages.success(
                request,
                _("Your new feed addresses are below. Any old ones no longer work.")
                if action == "regenerate"
                else _("Your feed addresses are ready: copy one into your feed reader."),
            )
        elif action == "revoke":
            revoke_feed_token(person=me)
            messages.success(request, _("Your feeds are off: your feed addresses no longer work."))
        else:
            messages.error(request, _("Choose one of the buttons on this page."))
        return redirect("channels:feed_settings")
    token = feeds.feed_token_of(me)
    channel_feeds = []
    tag_feeds = []
    if token is not None:
        channel_feeds = [
            (channel, feeds.personal_channel_feed_url(token, channel))
            for channel in queries.my_channels(me)
        ]
        tags = queries.visible_tags(me, limit=SETTINGS_TAG_LIMIT)
        tag_feeds = [(tag, feeds.personal_tag_feed_url(token, tag)) for tag in tags]
    return render(
        request,
        "channels/feed_settings.html",
        {
            "token": token,
            "channel_feeds": channel_feeds,
            "tag_feeds": tag_feeds,
            "public_feed_url": feeds.absolute_url(reverse("channels:public_atom")),
        },
    )


# --- Atom feeds --------------------------------------------------------------------------------


def _feed_headers(response: HttpResponse, *, personal: bool) -> HttpResponse:
    # A personal feed holds what one person may read: no shared cache may keep it.
    response["Cache-Control"] = "private, no-store" if personal else "no-cache"
    response["X-Robots-Tag"] = "noindex"
    return response


@require_GET
def channel_atom(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    """A channel as the token's owner sees it; 404 for a bad token, a leaver or no channel."""
    return _feed_headers(_personal_channel_feed(request, token=token, slug=slug), personal=True)


@require_GET
def tag_atom(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    return _feed_headers(_personal_tag_feed(request, token=token, slug=slug), personal=True)


@require_GET
def public_atom(request: HttpRequest) -> HttpResponse:
    return _feed_headers(_public_feed(request), personal=False)


# --- Public (ambassador) posts ---------------------------------------------------------------


@login_required
@require_POST
def post_public_toggle(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Make a post public (`public=1`) or internal again (`public=0`); editors only."""
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    wanted = request.POST.get("public")
    if wanted not in {"0", "1"}:
        return HttpResponseBadRequest(_("Say whether the post should be public."))
    error = ""
    try:
        if wanted == "1":
            make_post_public(post=post, by=request.user)
        else:
            make_post_internal(post=post, by=request.user)
    except ValidationError as problem:
        error = " ".join(problem.messages)
    if request.htmx:
        return render(
            request, "channels/post_sharing.html#sharing-box", {"post": post, "error": error}
        )
    if error:
        messages.error(request, error)
    elif post.is_public:
        messages.success(
            request,
            _("This post is now public: anyone with its public link can read it."),
        )
    else:
        messages.success(request, _("This post is internal again: only staff can read it."))
    return redirect(post)


def _share_links(post: Post, url: str, description: str) -> list[tuple[str, str]]:
    """Plain links to each network's own share page: no script or tracker of theirs here."""
    mail = "mailto:?" + urlencode(
        {"subject": post.title, "body": f"{description}\n\n{url}"}, quote_via=quote
    )
    networks = [
        ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + urlencode({"url": url})),
        (
            "X (Twitter)",
            "https://twitter.com/intent/tweet?" + urlencode({"url": url, "text": post.title}),
        ),
        ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": url})),
    ]
    return [
        (_("Share by email"), mail),
        *((_("Share on %(network)s") % {"network": name}, link) for name, link in networks),
    ]


@require_GET
def public_post(request: HttpRequest, pk: int, slug: str) -> HttpResponse:
    """A public post for anyone, signed in or not: its words and images, never its
    discussion or attachments (those stay among staff)."""
    post = feeds.get_public_post_or_404(pk)
    if slug != feeds.public_post_slug(post):
        return redirect(feeds.public_post_path(post), permanent=True)
    url = feeds.public_post_url(post)
    description = feeds.plain_summary(post)
    images = [
        (image, reverse("channels:public_image", kwargs={"pk": post.pk, "image_id": image.pk}))
        for image in feeds.public_post_images(post)
    ]
    response = render(
        request,
        "channels/public_post.html",
        {
            "post": post,
            "site_name": feeds.public_site_name(),
            "organisation_named": bool(settings.ORGANISATION_NAME),
            "body_html": feeds.public_body_html(post),
            "canonical_url": url,
            "description": description,
            "images": images,
            "og_image_url": feeds.absolute_url(images[0][1]) if images else "",
            "share_links": _share_links(post, url, description),
        },
    )
    # Made internal, restricted or archived: gone at once, so caches must ask every time.
    response["Cache-Control"] = "no-cache"
    return response


@require_GET
def public_image(request: HttpRequest, pk: int, image_id: int) -> FileResponse:
    """An image of a post that is public now; every other image is 404 here."""
    image = feeds.get_public_image_or_404(pk, image_id)
    guessed, _encoding = mimetypes.guess_type(image.image.name)
    # Only image types: a stored file must never be served as HTML or script.
    content_type = guessed if guessed in IMAGE_TYPES else "image/jpeg"
    response = FileResponse(image.image.open("rb"), content_type=content_type)
    response["Cache-Control"] = "no-cache"
    return response
