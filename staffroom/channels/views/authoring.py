"""Writing posts: the post form, status and pin buttons, revisions, images and attachments.

Every view checks who may act (channels.permissions) before calling a service. A post the
person may not see is a 404; one they may see but not change is a 403 with the reason.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from staffroom.channels import queries
from staffroom.channels.forms import (
    AttachmentUploadForm,
    ImageUploadForm,
    PostForm,
    PostStatusForm,
    SendForReviewForm,
)
from staffroom.channels.models import Channel, Post, PostAttachment, PostImage
from staffroom.channels.permissions import (
    check_edit_post,
    check_post_in_channel,
    get_visible_post_or_404,
)
from staffroom.channels.revisions import compare, versions_of
from staffroom.channels.services import posts as services
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.models import Visibility
from staffroom.core.ratelimit import rate_limit

HELD_MESSAGE = gettext_lazy(
    "Your post is saved but held for privacy review: it may contain patient information. "
    "Only you and the privacy officers can see it. Edit the highlighted words out, or send "
    "it for review."
)

# What each status button does, and what the person is told afterwards.
_STATUS_DONE = {
    "publish": gettext_lazy("The post is published."),
    "schedule": gettext_lazy("The post is scheduled."),
    "archive": gettext_lazy("The post is archived."),
    "restore": gettext_lazy("The post is restored."),
    "draft": gettext_lazy("The post is back to draft: only editors can see it."),
}


def _form_context(form: PostForm, channel: Channel, post: Post | None) -> dict[str, Any]:
    from staffroom.channels.views.reading import held_fields

    context = {
        "form": form,
        "channel": channel,
        "post": post,
        "files_dropped": form.is_bound
        and bool(form.files.get("image") or form.files.get("attachment")),
    }
    if post is not None and post.visibility == Visibility.HELD:
        # What to edit out, beside the form (the author's own words: no audit).
        context["held_fields"] = held_fields(post, queries.open_hold_of(post))
    return context


def _add_files(form: PostForm, post: Post, editor: Any) -> None:
    data = form.cleaned_data
    if data.get("image") is not None:
        services.add_post_image(
            post=post, editor=editor, upload=data["image"], alt_text=data.get("alt_text", "")
        )
    if data.get("attachment") is not None:
        services.add_post_attachment(post=post, editor=editor, upload=data["attachment"])


def _apply_form_error(form: PostForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        known = {k: v for k, v in error.error_dict.items() if k in form.fields}
        others = [e for k, v in error.error_dict.items() if k not in form.fields for e in v]
        if known:
            form.add_error(None, ValidationError(known))
        if others:
            form.add_error(None, others)
    else:
        form.add_error(None, error)


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("post")
def post_create(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    channel = get_object_or_404(Channel.objects.select_related("department"), slug=slug)
    check_post_in_channel(request.user, channel)
    form = PostForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        try:
            # One service, one transaction: if the image or file is refused, the post isn't
            # kept either; the same form sent twice finds the first post.
            post = services.create_post(
                channel=channel,
                author=request.user,
                action=action,
                publish_at=data.get("publish_at"),
                submission_key=data.get("submission_key"),
                image=data.get("image"),
                alt_text=data.get("alt_text", ""),
                attachment=data.get("attachment"),
                **form.post_fields(),
            )
        except ValidationError as error:
            _apply_form_error(form, error)
        else:
            _tell(request, post, _message_for(post, created=True))
            return redirect(post)
    return render(
        request,
        "channels/post_form.html",
        _form_context(form, channel, None),
        status=400 if form.is_bound else 200,
    )


_EDIT_KEY_SECONDS = 24 * 3600


def _claim_edit(form: PostForm) -> str | None:
    """Claim the edit form's submission key; None when it was already sent (a double click).

    Posts remember the key of the form that created them; edits have no such column, so
    the shared cache remembers edit keys for a day.
    """
    key = form.cleaned_data.get("submission_key")
    if key is None:
        return ""
    cache_key = f"channels:post-edit:{key}"
    return cache_key if cache.add(cache_key, 1, _EDIT_KEY_SECONDS) else None


def _message_for(post: Post, *, created: bool) -> str:
    if post.visibility == Visibility.HELD:
        return str(HELD_MESSAGE)
    if post.status == Post.Status.SCHEDULED:
        return _("The post is scheduled.")
    if post.status == Post.Status.PUBLISHED:
        return _("The post is published.") if created else _("Your changes are published.")
    return _("The draft is saved. Only editors of this channel can see it.")


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("post")
def post_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    form = PostForm(request.POST or None, request.FILES or None, post=post)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        action = data["action"]
        claimed = _claim_edit(form)
        if claimed is None:
            # The same edit form again (a double click): it is saved; don't add files twice.
            return redirect(post)
        try:
            with transaction.atomic():
                post = services.edit_post(
                    post=post,
                    editor=request.user,
                    expected_version=data.get("version"),
                    **form.post_fields(),
                )
                if action == "publish" and post.status != Post.Status.PUBLISHED:
                    post = services.publish_post(post=post, editor=request.user)
                elif action == "schedule":
                    post = services.schedule_post(
                        post=post, editor=request.user, publish_at=data.get("publish_at")
                    )
                _add_files(form, post, request.user)
        except ValidationError as error:
            if claimed:
                cache.delete(claimed)  # the corrected form may be sent with the same key
            _apply_form_error(form, error)
        else:
            _tell(request, post, _message_for(post, created=False))
            return redirect(post)
    return render(
        request,
        "channels/post_form.html",
        _form_context(form, post.channel, post),
        status=400 if form.is_bound else 200,
    )


def _tell(request: AuthenticatedRequest, post: Post, message: str) -> None:
    """Say what happened; a held post is a warning, not a success."""
    if post.visibility == Visibility.HELD:
        messages.warning(request, message)
    else:
        messages.success(request, message)


@login_required
@require_POST
def post_send_for_review(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """The author of a held post asks the privacy officers to review it, with a note."""
    from staffroom.channels.views.reading import post_page_context
    from staffroom.privacy.services import send_for_review

    post = get_visible_post_or_404(request.user, pk)
    hold = queries.open_hold_of(post)
    if post.author_id != request.user.pk or hold is None:
        # Only a held post's author has anything to send; for anyone else it isn't there.
        raise Http404
    form = SendForReviewForm(request.POST)
    if form.is_valid():
        try:
            send_for_review(hold=hold, author=request.user, note=form.cleaned_data["note"])
        except ValidationError as error:
            form.add_error("note", error)
        else:
            messages.success(
                request,
                _(
                    "Sent to the privacy officers. You'll get a notification when they have "
                    "looked at it; until then only you and they can see the post."
                ),
            )
            return redirect(post)
    context = post_page_context(request, post, review_form=form)
    return render(request, "channels/post_detail.html", context, status=400)


@login_required
@require_POST
def post_status(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    form = PostStatusForm(_status_data(request.POST))
    error: str | None = None
    if not form.is_valid():
        error = _("Choose what to do with the post.")
    else:
        action = form.cleaned_data["action"]
        try:
            if _already_done(post, action):
                pass  # a double click: the first request did it
            elif action == "publish":
                post = services.publish_post(post=post, editor=request.user)
            elif action == "schedule":
                post = services.schedule_post(
                    post=post, editor=request.user, publish_at=form.cleaned_data["publish_at"]
                )
            elif action == "archive":
                post = services.archive_post(post=post, editor=request.user)
            elif action == "restore":
                post = services.restore_post(post=post, editor=request.user)
            else:
                post = services.unpublish_post(post=post, editor=request.user)
        except ValidationError as invalid:
            error = " ".join(invalid.messages)
    if request.htmx:
        return render(
            request,
            "channels/_authoring_controls.html",
            {"post": post, "can_edit_post": True, "error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    else:
        _tell(request, post, _status_done(post, form.cleaned_data["action"]))
    return redirect(post)


# The post page may name the status to reach rather than the action to take.
_STATUS_TO_ACTION = {
    Post.Status.PUBLISHED: "publish",
    Post.Status.SCHEDULED: "schedule",
    Post.Status.ARCHIVED: "archive",
    Post.Status.DRAFT: "draft",
}


def _status_done(post: Post, action: str) -> str:
    return str(HELD_MESSAGE if post.visibility == Visibility.HELD else _STATUS_DONE[action])


def _status_data(data: Any) -> dict[str, Any]:
    action = data.get("action") or _STATUS_TO_ACTION.get(data.get("status", ""), "")
    return {"action": action, "publish_at": data.get("publish_at", "")}


def _already_done(post: Post, action: str) -> bool:
    return (
        (action == "publish" and post.status == Post.Status.PUBLISHED)
        or (action == "archive" and post.status == Post.Status.ARCHIVED)
        or (action == "draft" and post.status == Post.Status.DRAFT)
    )


@login_required
@require_POST
def post_pin(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    error: str | None = None
    was_pinned = post.pinned_at is not None
    # "pinned" names the state wanted (a double click pins once); without it, toggle.
    wanted = request.POST.get("pinned")
    unpin = was_pinned if wanted not in ("0", "1") else wanted == "0"
    try:
        if unpin:
            post = services.unpin_post(post=post, editor=request.user)
        else:
            post = services.pin_post(post=post, editor=request.user)
    except ValidationError as invalid:
        error = " ".join(invalid.messages)
    if request.htmx:
        return render(
            request,
            "channels/_authoring_controls.html",
            {"post": post, "can_edit_post": True, "error": error},
            status=400 if error else 200,
        )
    if error:
        messages.error(request, error)
    elif unpin:
        messages.success(request, _("The post is no longer pinned."))
    else:
        messages.success(
            request,
            _("The post is pinned to the top of %(channel)s.") % {"channel": post.channel.name},
        )
    return redirect(post)


@login_required
def post_revisions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    versions = versions_of(post)
    comparison = compare(versions, request.GET.get("old"), request.GET.get("new"))
    context = {"post": post, "versions": versions, "comparison": comparison}
    if request.htmx:
        return render(request, "channels/post_revisions.html#comparison", context)
    return render(request, "channels/post_revisions.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def post_images(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    form = ImageUploadForm()
    status_code = 200
    if request.method == "POST":
        remove_id = request.POST.get("remove")
        if remove_id:
            image = get_object_or_404(PostImage, pk=_int_or_404(remove_id), post=post)
            services.remove_post_image(post=post, editor=request.user, image=image)
            done = _("The image is removed.")
        else:
            form = ImageUploadForm(request.POST, request.FILES)
            done = _("The image is added.")
            if form.is_valid():
                try:
                    services.add_post_image(
                        post=post,
                        editor=request.user,
                        upload=form.cleaned_data["image"],
                        alt_text=form.cleaned_data["alt_text"],
                    )
                except ValidationError as error:
                    form.add_error(None, error)
            if not form.is_valid():
                status_code = 400
        if status_code == 200:
            if not request.htmx:
                _tell(
                    request, post, str(HELD_MESSAGE) if post.visibility == Visibility.HELD else done
                )
                return redirect("channels:post_images", pk=post.pk)
            form = ImageUploadForm()
    context = {
        "post": post,
        "images": list(post.images.all()),
        "form": form,
    }
    template = "channels/post_images.html"
    if request.htmx and request.method == "POST":
        template += "#images"
    return render(request, template, context, status=status_code)


@login_required
@require_http_methods(["GET", "POST"])
def post_attachments(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    post = get_visible_post_or_404(request.user, pk)
    check_edit_post(request.user, post)
    form = AttachmentUploadForm()
    status_code = 200
    if request.method == "POST":
        remove_id = request.POST.get("remove")
        if remove_id:
            attachment = get_object_or_404(PostAttachment, pk=_int_or_404(remove_id), post=post)
            services.remove_post_attachment(post=post, editor=request.user, attachment=attachment)
            done = _("The file is removed.")
        else:
            form = AttachmentUploadForm(request.POST, request.FILES)
            done = _("The file is attached.")
            if form.is_valid():
                try:
                    services.add_post_attachment(
                        post=post, editor=request.user, upload=form.cleaned_data["attachment"]
                    )
                except ValidationError as error:
                    form.add_error(None, error)
            if not form.is_valid():
                status_code = 400
        if status_code == 200:
            if not request.htmx:
                _tell(
                    request, post, str(HELD_MESSAGE) if post.visibility == Visibility.HELD else done
                )
                return redirect("channels:post_attachments", pk=post.pk)
            form = AttachmentUploadForm()
    context = {
        "post": post,
        "attachments": list(post.attachments.all()),
        "form": form,
    }
    template = "channels/post_attachments.html"
    if request.htmx and request.method == "POST":
        template += "#attachments"
    return render(request, template, context, status=status_code)


def _int_or_404(value: str) -> int:
    try:
        return int(value)
    except ValueError:
        raise Http404 from None


def _serve(name: str, content_type: str, disposition: str) -> FileResponse:
    try:
        handle = default_storage.open(name, "rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(handle, content_type=content_type)
    response["Content-Disposition"] = disposition
    response["X-Content-Type-Options"] = "nosniff"
    # Only this person's browser may keep it: what they may see can change.
    response["Cache-Control"] = "private, max-age=3600"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def _record_withheld_file_viewed(request: AuthenticatedRequest, post: Post) -> None:
    """A held or removed post's files are its words too: a reviewer opening one is audited
    (privacy.exposure.record_withheld_viewed; nothing for its author or a visible post)."""
    from staffroom.privacy.exposure import record_withheld_viewed

    record_withheld_viewed(obj=post, viewer=request.user, request=request)


@login_required
def post_image(request: AuthenticatedRequest, pk: int, image_id: int) -> FileResponse:
    """An image of a post, to people who may see the post (404 for everyone else)."""
    post = get_visible_post_or_404(request.user, pk)
    image = get_object_or_404(PostImage, pk=image_id, post=post)
    _record_withheld_file_viewed(request, post)
    content_type = _image_type(image.image.name)
    return _serve(image.image.name, content_type, "inline")


def _image_type(name: str) -> str:
    # Only image types: a stored file must never be served as HTML or script.
    extension = name.rsplit(".", 1)[-1].lower()
    return {"png": "image/png", "webp": "image/webp"}.get(extension, "image/jpeg")


@login_required
def post_attachment(request: AuthenticatedRequest, pk: int, attachment_id: int) -> FileResponse:
    """An attached file, to people who may see the post, always as a download."""
    post = get_visible_post_or_404(request.user, pk)
    attachment = get_object_or_404(PostAttachment, pk=attachment_id, post=post)
    _record_withheld_file_viewed(request, post)
    response = _serve(attachment.file.name, attachment.content_type, "attachment")
    response["Content-Disposition"] = _attachment_disposition(attachment.original_name)
    return response


def _attachment_disposition(name: str) -> str:
    return content_disposition_header(as_attachment=True, filename=name) or "attachment"
