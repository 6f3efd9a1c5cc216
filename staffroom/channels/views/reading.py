"""Reading: the home feed, channels and following, post pages, tags and reach."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staffroom.accounts.permissions import is_administrator
from staffroom.channels import queries
from staffroom.channels.channel_forms import (
    ChannelCreateForm,
    ChannelEditorForm,
    ChannelSettingsForm,
)
from staffroom.channels.forms import SendForReviewForm
from staffroom.channels.items import field_label, post_texts
from staffroom.channels.models import Channel, Post, PostAttachment
from staffroom.channels.permissions import (
    can_edit_channel,
    can_manage_channels,
    check_edit_post,
    check_manage_channels,
    get_visible_post_or_404,
)
from staffroom.channels.services import channels as channel_services
from staffroom.channels.services.reading import record_post_view
from staffroom.channels.subjects import subject_for
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.models import Visibility
from staffroom.discussion import queries as discussion_queries
from staffroom.media.queries import player as video_player
from staffroom.organisation import queries as organisation_queries

if TYPE_CHECKING:
    from staffroom.privacy.models import PrivacyHold

POST_ROWS = "channels/_post_rows.html"


def _render_posts(
    request: AuthenticatedRequest, template: str, context: dict[str, Any]
) -> HttpResponse:
    """The whole page, or only the next cards for htmx's "Load more"."""
    if request.htmx and request.GET.get("cursor"):
        # Focus the first new card, so keyboard users continue where the list grew.
        return render(request, POST_ROWS, {**context, "focus_first": True})
    return render(request, template, context)


@login_required
def feed(request: AuthenticatedRequest) -> HttpResponse:
    """The home page: what the person follows and what is meant for them, newest first."""
    me = request.user
    cursor = request.GET.get("cursor")
    context: dict[str, Any] = {
        "posts": queries.home_feed(viewer=me, cursor=cursor),
        "is_first_page": not cursor,
    }
    if not cursor and not request.htmx:
        # What the welcome page used to show: where you work, your unit, finding a colleague.
        context.update(
            {
                "unit": queries.unit_of(me),
                "colleagues": organisation_queries.unit_colleagues(me, limit=6),
                "is_admin": is_administrator(me),
            }
        )
    return _render_posts(request, "channels/feed.html", context)


@login_required
def channel_list(request: AuthenticatedRequest) -> HttpResponse:
    cursor = request.GET.get("cursor")
    site_code = request.GET.get("site") or None
    directory = queries.channel_directory(viewer=request.user, site_code=site_code, cursor=cursor)
    context = {
        "directory": directory,
        "query_string": f"site={directory.site.code}" if directory.site else "",
        "can_manage": can_manage_channels(request.user),
    }
    if request.htmx and cursor:
        return render(request, "channels/channel_list.html#department-rows", context)
    return render(request, "channels/channel_list.html", context)


@login_required
def channel_create(request: AuthenticatedRequest) -> HttpResponse:
    check_manage_channels(request.user)
    form = ChannelCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            channel = channel_services.create_topic_channel(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The channel %(name)s is ready.") % {"name": channel.name})
            return redirect(channel)
    return render(
        request,
        "channels/channel_form.html",
        {"form": form},
        status=400 if form.is_bound and form.errors else 200,
    )


def _add_errors(form: Any, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field if it names one."""
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _follow_context(request: AuthenticatedRequest, channel: Channel) -> dict[str, Any]:
    return {
        "channel": channel,
        "following": channel.pk in queries.followed_channel_ids(request.user),
        "mandatory": queries.is_mandatory(channel),
    }


@login_required
def channel_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    channel = queries.get_channel_or_404(slug)
    me = request.user
    cursor = request.GET.get("cursor")
    posts = queries.channel_posts(viewer=me, channel=channel, cursor=cursor)
    is_editor = can_edit_channel(me, channel)
    context: dict[str, Any] = {
        **_follow_context(request, channel),
        "posts": posts,
        "is_first_page": not cursor,
        "is_editor": is_editor,
        "can_manage": can_manage_channels(me),
        "drafts": (queries.channel_drafts(channel, viewer=me) if is_editor and not cursor else []),
    }
    return _render_posts(request, "channels/channel_detail.html", context)


@login_required
@require_POST
def follow_channel(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Follow or unfollow (`action=unfollow`); htmx gets the new button, others a redirect."""
    channel = queries.get_channel_or_404(slug)
    unfollow = request.POST.get("action") == "unfollow"
    error = None
    try:
        if unfollow:
            channel_services.unfollow_channel(person=request.user, channel=channel)
        else:
            channel_services.follow_channel(person=request.user, channel=channel)
    except ValidationError as problem:
        error = problem.messages[0]
    if request.htmx:
        context = {**_follow_context(request, channel), "follow_error": error}
        return render(request, "channels/channel_detail.html#follow-button", context)
    if error:
        messages.error(request, error)
    elif unfollow:
        messages.success(
            request, _("You no longer follow %(channel)s.") % {"channel": channel.name}
        )
    else:
        messages.success(
            request,
            _("You follow %(channel)s: its posts appear in your feed.") % {"channel": channel.name},
        )
    return redirect(_safe_next(request) or channel.get_absolute_url())


def _safe_next(request: AuthenticatedRequest) -> str | None:
    wanted = request.POST.get("next") or ""
    if wanted and url_has_allowed_host_and_scheme(
        wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return wanted
    return None


@login_required
def channel_settings(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """Name, description, mandatory and archived; named editors added and removed."""
    check_manage_channels(request.user)
    channel = queries.get_channel_or_404(slug)
    action = request.POST.get("action") if request.method == "POST" else None
    initial = {
        "name": channel.name,
        "description": channel.description,
        "is_mandatory": channel.is_mandatory,
        "is_archived": channel.is_archived,
    }
    form = ChannelSettingsForm(
        request.POST if action == "settings" else None, initial=initial, channel=channel
    )
    editor_form = ChannelEditorForm(request.POST if action == "add_editor" else None)
    if action == "settings" and form.is_valid():
        try:
            channel_services.update_channel(
                actor=request.user, channel=channel, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The channel's settings are saved."))
            return redirect("channels:channel_settings", slug=channel.slug)
    elif action == "add_editor" and editor_form.is_valid():
        try:
            editor = channel_services.add_channel_editor(
                actor=request.user, channel=channel, username=editor_form.cleaned_data["username"]
            )
        except ValidationError as error:
            _add_errors(editor_form, error)
        else:
            messages.success(
                request,
                _("%(name)s can now post in %(channel)s.")
                % {"name": editor.person.display_name, "channel": channel.name},
            )
            return redirect("channels:channel_settings", slug=channel.slug)
    elif action == "remove_editor":
        try:
            channel_services.remove_channel_editor(
                actor=request.user, channel=channel, person_id=_int(request.POST.get("person"))
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, _("The editor was removed."))
        return redirect("channels:channel_settings", slug=channel.slug)
    invalid = (form.is_bound and form.errors) or (editor_form.is_bound and editor_form.errors)
    return render(
        request,
        "channels/channel_settings.html",
        {
            "channel": channel,
            "form": form,
            "editor_form": editor_form,
            "editors": queries.channel_editors(channel),
        },
        status=400 if invalid else 200,
    )


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0


@login_required
def tag_detail(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    tag = queries.get_visible_tag_or_404(request.user, slug)
    cursor = request.GET.get("cursor")
    context = {
        "tag": tag,
        "posts": queries.tag_posts(viewer=request.user, tag=tag, cursor=cursor),
        "is_first_page": not cursor,
    }
    return _render_posts(request, "channels/tag_detail.html", context)


# Friendly names of the document types attachments may have (checked on upload by content).
FILE_KINDS = {
    "application/pdf": "PDF",
    "application/msword": "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "Word",
    "application/vnd.ms-excel": "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": "Excel",
    "application/vnd.ms-powerpoint": "PowerPoint",
    "application/vnd.openxmlformats-officedocument.presentationml.presentation": "PowerPoint",
    "application/vnd.oasis.opendocument.text": "OpenDocument",
    "application/vnd.oasis.opendocument.spreadsheet": "OpenDocument",
    "application/vnd.oasis.opendocument.presentation": "OpenDocument",
}


def _attachments(post: Post) -> list[tuple[PostAttachment, str]]:
    return [(a, FILE_KINDS.get(a.content_type, a.content_type)) for a in post.attachments.all()]


def _discussion(request: AuthenticatedRequest, post: Post) -> dict[str, Any]:
    """The discussion's first page and the "Mentioned in" links (the discussion app's parts)."""
    return {
        "discussion": discussion_queries.thread_context(
            viewer=request.user, thread=post.thread, subject=subject_for(post)
        ),
        "backlinks": discussion_queries.backlinks_for(viewer=request.user, thread=post.thread),
    }


@dataclass(frozen=True)
class HeldField:
    """One text of a held post, its findings highlighted, for its author and reviewers."""

    label: str
    html: SafeString
    kinds: list[str]


def held_fields(post: Post, hold: PrivacyHold | None) -> list[HeldField]:
    """Each text of a held post in which the PHI guard found something, highlighted: from
    the open hold's findings, or scanned now if it has none."""
    from staffroom.privacy.guard import FieldFinding, field_views, scan_texts

    texts = post_texts(post)
    findings = (
        [FieldFinding.from_json(f) for f in hold.findings]
        if hold is not None
        else scan_texts(texts)
    )
    return [
        HeldField(label=field_label(view.label), html=view.html, kinds=view.kinds)
        for view in field_views(texts, findings)
        if view.kinds
    ]


def _held_context(request: AuthenticatedRequest, post: Post) -> dict[str, Any]:
    """What the page shows about a held post: its open hold and what was found. Reading
    held words is audited for everyone but their author."""
    from staffroom.privacy.services import record_hold_viewed

    hold = queries.open_hold_of(post)
    is_author = post.author_id == request.user.pk
    if hold is not None and not is_author:
        record_hold_viewed(hold=hold, officer=request.user, request=request)
    return {"hold": hold, "held_fields": held_fields(post, hold), "is_author": is_author}


def post_page_context(
    request: AuthenticatedRequest, post: Post, *, review_form: SendForReviewForm | None = None
) -> dict[str, Any]:
    """Everything the post page shows, for a post already checked as visible to the viewer."""
    me = request.user
    shown = post.visibility == Visibility.VISIBLE
    context: dict[str, Any] = {
        "post": post,
        "first_read": record_post_view(post=post, person=me),
        "is_editor": can_edit_channel(me, post.channel),
        "images": list(post.images.all()),
        "attachments": _attachments(post),
        "tags": list(post.tags.all()),
        "initiative": post.initiative if post.initiative_id else None,
        "following": post.channel_id in queries.followed_channel_ids(me),
        # The video's player (media.queries; None until the video is ready).
        "player": video_player(post.video, viewer=me, language=get_language())
        if post.video_id
        else None,
    }
    if post.visibility == Visibility.HELD:
        context.update(_held_context(request, post))
        context["review_form"] = review_form or SendForReviewForm()
    if shown:
        # A post nobody else sees has no discussion yet.
        context.update(_discussion(request, post))
    return context


@login_required
def post_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    return render(request, "channels/post_detail.html", post_page_context(request, post))


@login_required
def post_reach(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """For the channel's editors: who the post reached, by department, against its audience."""
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    return render(
        request, "channels/post_reach.html", {"post": post, "report": queries.post_reach(post)}
    )
