"""Comments, replies, reactions, edits and removals; @mention suggestions.

Subject pages (a post, an initiative) show the discussion by including
discussion/thread.html; the forms in it post here. Every POST works without JavaScript
(redirect back to the subject, at the comment, with a message) and answers htmx with the
fragment to swap. Everything first finds the thread's subject for the viewer: a subject they
may not see is a 404, for commenting as much as for reading.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from staffroom.accounts.permissions import may_see_withheld
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.models import Visibility
from staffroom.core.ratelimit import rate_limit
from staffroom.discussion import queries
from staffroom.discussion.forms import CommentEditForm, CommentForm, ReactionForm
from staffroom.discussion.models import Comment, Thread
from staffroom.discussion.permissions import (
    can_comment,
    can_moderate,
    can_react,
    check_comment,
    check_delete_comment,
    check_edit_comment,
    check_react,
)
from staffroom.discussion.rendering import (
    RenderedList,
    new_marker,
    personalise,
    render_comment,
)
from staffroom.discussion.services import delete_comment, edit_comment, post_comment, react
from staffroom.discussion.subjects import Subject, get_visible_subject_or_404
from staffroom.privacy.permissions import check_own_held_item
from staffroom.privacy.queries import open_holds_for


def _comment_url(subject: Subject, comment: Comment) -> str:
    return f"{subject.url}#comment-{comment.pk}"


@login_required
@require_GET
def thread_page(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    """A discussion on its own page: "Show more comments" without JavaScript lands here."""
    thread = queries.get_thread_or_404(thread_id)
    subject = get_visible_subject_or_404(request.user, thread)
    cursor = request.GET.get("cursor")
    discussion = queries.thread_context(
        viewer=request.user, thread=thread, subject=subject, cursor=cursor
    )
    if request.htmx and cursor:
        return HttpResponse(discussion["comment_list"].as_html(get_token(request)))
    return render(request, "discussion/thread_page.html", {"discussion": discussion})


@login_required
@require_POST
@rate_limit("comment")
def comment(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    thread = queries.get_thread_or_404(thread_id)
    subject = get_visible_subject_or_404(request.user, thread)
    check_comment(request.user, subject)
    form = CommentForm(request.POST)
    parent: Comment | None = None
    parent_id = request.POST.get("parent") or None
    if parent_id:
        parent = (
            Comment.objects.select_related("author")
            .filter(thread=thread, pk=parent_id if str(parent_id).isdigit() else 0)
            .first()
        )
        if parent is None:
            raise Http404
    if form.is_valid():
        key = form.cleaned_data["submission_key"]
        if key is not None and parent is not None:
            key = queries.reply_submission_key(key, parent.pk)
        try:
            new = post_comment(
                thread=thread,
                author=request.user,
                body=form.cleaned_data["body"],
                parent=parent,
                submission_key=key,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            return _comment_posted(request, subject=subject, new=new, parent=parent)
    errors = [str(e) for errors in form.errors.values() for e in errors]
    state = queries.comment_form_state(
        thread=thread,
        parent_id=parent.pk if parent else None,
        body=request.POST.get("body", ""),
        errors=errors,
    )
    if request.htmx:
        partial = "reply-box" if parent else "comment-form"
        return render(
            request,
            f"discussion/thread.html#{partial}",
            {"cf": state, "open": True, "discussion": {"mention_url": _mention_url()}},
        )
    discussion = queries.thread_context(viewer=request.user, thread=thread, subject=subject)
    if parent is not None:
        state.prefix = "retry-"
    discussion["form"] = state
    discussion["replying_to"] = parent
    return render(request, "discussion/thread_page.html", {"discussion": discussion}, status=400)


def _mention_url() -> str:
    from django.urls import reverse

    return reverse("discussion:mention_suggestions")


def _decorated(request: AuthenticatedRequest, subject: Subject, comment_: Comment) -> Comment:
    return queries.decorate_comment(
        comment_,
        thread=subject.thread,
        commenting=can_comment(request.user, subject),
        reactions_enabled=can_react(request.user, subject),
    )


def _personal(
    request: AuthenticatedRequest, subject: Subject, rendered: RenderedList
) -> HttpResponse:
    """An htmx answer holding comments: the viewer's own buttons filled in."""
    return HttpResponse(
        personalise(
            rendered,
            csrf_token=get_token(request),
            viewer_id=request.user.pk,
            mine={},  # a comment just added or removed has none of the viewer's reactions
            moderator=can_moderate(request.user, subject),
        )
    )


def _comment_held(
    request: AuthenticatedRequest, *, subject: Subject, new: Comment, parent: Comment | None
) -> HttpResponse:
    """The PHI guard held it: the author sees it in a panel only they see, with what was
    found and what they can do; nobody else sees anything."""
    if not request.htmx:
        messages.warning(
            request,
            _(
                "Your comment is held for privacy review: it may contain patient information. "
                "Only you can see it. Edit it, send it for review or delete it below."
            ),
        )
        return redirect(f"{subject.url}#held-comments")
    held = open_holds_for(author=request.user, kind_key="comment", objects=[new])
    html = render_to_string(
        "discussion/comment_held.html",
        {
            "held_items": held,
            "next": f"{subject.url}#held-comments",
            "cf": queries.comment_form_state(
                thread=subject.thread, parent_id=parent.pk if parent else None
            ),
            "open": False,
            "discussion": {"mention_url": _mention_url(), "thread": subject.thread},
        },
        request=request,
    )
    return HttpResponse(html)


def _comment_posted(
    request: AuthenticatedRequest, *, subject: Subject, new: Comment, parent: Comment | None
) -> HttpResponse:
    if new.visibility == Visibility.HELD:
        return _comment_held(request, subject=subject, new=new, parent=parent)
    if not request.htmx:
        messages.success(request, _("Your comment is posted."))
        return redirect(_comment_url(subject, new))
    new = queries.get_comment_or_404(new.pk)
    container = f"replies-{new.parent_id}" if new.parent_id else "comments-list"
    marker = new_marker()
    html = render_to_string(
        "discussion/comment_posted.html",
        {
            "comment": _decorated(request, subject, new),
            "container": container,
            "cf": queries.comment_form_state(
                thread=subject.thread, parent_id=parent.pk if parent else None
            ),
            "open": False,
            "marker": marker,
            "discussion": {"mention_url": _mention_url(), "thread": subject.thread},
        },
    )
    return _personal(request, subject, RenderedList(html=html, marker=marker, next_cursor=None))


def _react_response(
    request: AuthenticatedRequest, *, subject: Subject, comment_: Comment | None, mine: str | None
) -> HttpResponse:
    if not request.htmx:
        if mine:
            messages.success(request, _("Your reaction is saved."))
        else:
            messages.success(request, _("Your reaction is taken back."))
        if comment_ is not None:
            return redirect(_comment_url(subject, comment_))
        return redirect(f"{subject.url}#reactions")
    if comment_ is not None:
        refreshed = queries.get_comment_or_404(comment_.pk)
        bar = queries.reaction_bar(
            counts=refreshed.reaction_counts,
            mine=mine,
            action=request.path,
            label=queries.comment_reactions_label(refreshed),
            enabled=True,
            dom_id=f"reactions-comment-{refreshed.pk}",
        )
    else:
        thread = Thread.objects.get(pk=subject.thread.pk)
        bar = queries.reaction_bar(
            counts=thread.reaction_counts,
            mine=mine,
            action=request.path,
            label=_("Reactions to %(title)s") % {"title": subject.title},
            enabled=True,
            dom_id=f"reactions-thread-{thread.pk}",
        )
    return render(request, "discussion/reactions.html", {"bar": bar})


@login_required
@require_POST
@rate_limit("react")
def react_to_subject(request: AuthenticatedRequest, thread_id: int) -> HttpResponse:
    thread = queries.get_thread_or_404(thread_id)
    subject = get_visible_subject_or_404(request.user, thread)
    check_react(request.user, subject)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the reactions offered."))
        return redirect(f"{subject.url}#reactions")
    mine = react(person=request.user, thread=thread, kind=form.cleaned_data["kind"])
    return _react_response(request, subject=subject, comment_=None, mine=mine)


@login_required
@require_POST
@rate_limit("react")
def react_to_comment(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    comment_ = queries.get_comment_or_404(comment_id)
    subject = get_visible_subject_or_404(request.user, comment_.thread)
    check_react(request.user, subject, comment_)
    form = ReactionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose one of the reactions offered."))
        return redirect(_comment_url(subject, comment_))
    mine = react(
        person=request.user,
        thread=comment_.thread,
        comment=comment_,
        kind=form.cleaned_data["kind"],
    )
    return _react_response(request, subject=subject, comment_=comment_, mine=mine)


@login_required
@require_POST
def comment_delete(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    comment_ = queries.get_comment_or_404(comment_id)
    subject = get_visible_subject_or_404(request.user, comment_.thread)
    if comment_.visibility == Visibility.HELD:
        # Held: only its author may see it, so anyone else is told it doesn't exist.
        if comment_.author_id != request.user.pk:
            raise Http404
        check_own_held_item(request.user, comment_, comment_.author_id)
        delete_comment(comment=comment_, by=request.user)
        messages.success(request, _("Your held comment is deleted. Nobody else saw it."))
        if request.htmx:
            return HttpResponse("")
        return redirect(f"{subject.url}#discussion")
    check_delete_comment(request.user, comment_, subject)
    removed = delete_comment(comment=comment_, by=request.user)
    if request.htmx:
        removed.author = comment_.author
        removed.reply_to = comment_.reply_to
        rendered = render_comment(
            _decorated(request, subject, removed), template="discussion/comment.html#article"
        )
        return _personal(request, subject, rendered)
    messages.success(request, _("The comment is removed."))
    return redirect(_comment_url(subject, removed))


@login_required
@rate_limit("comment")
def comment_edit(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    comment_ = queries.get_comment_or_404(comment_id)
    subject = get_visible_subject_or_404(request.user, comment_.thread)
    held = comment_.visibility == Visibility.HELD
    if held:
        if comment_.author_id != request.user.pk:
            raise Http404
        check_own_held_item(request.user, comment_, comment_.author_id)
    else:
        check_edit_comment(request.user, comment_)
    form = CommentEditForm(request.POST or None, initial={"body": comment_.body})
    if request.method == "POST" and form.is_valid():
        try:
            edited = edit_comment(
                comment=comment_, editor=request.user, body=form.cleaned_data["body"]
            )
        except ValidationError as error:
            form.add_error("body", error)
        else:
            if edited.visibility == Visibility.HELD:
                messages.warning(
                    request,
                    _(
                        "Your comment is still held for privacy review: the highlighted words "
                        "may be patient information. Only you can see it."
                    ),
                )
                return redirect(f"{subject.url}#held-comments")
            if held:
                messages.success(request, _("Your comment is posted."))
            else:
                messages.success(request, _("Your comment is changed."))
            return redirect(_comment_url(subject, edited))
    status = 400 if request.method == "POST" else 200
    held_items = (
        open_holds_for(author=request.user, kind_key="comment", objects=[comment_]) if held else []
    )
    return render(
        request,
        "discussion/comment_edit.html",
        {
            "form": form,
            "comment": comment_,
            "subject": subject,
            "mention_url": _mention_url(),
            "held": held_items[0] if held_items else None,
        },
        status=status,
    )


@login_required
@require_GET
def comment_history(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    """Earlier words of an edited comment: anyone who may see the subject may see them, as
    they saw the words before the edit. Those of a held, hidden or removed comment are
    withheld with it: its author and those who review such items only (not the channel's
    editors or department moderators, who may not read it either)."""
    comment_ = queries.get_comment_or_404(comment_id)
    subject = get_visible_subject_or_404(request.user, comment_.thread)
    if comment_.visibility != Visibility.VISIBLE:
        own = comment_.author_id == request.user.pk
        if not own and not may_see_withheld(request.user, comment_.visibility):
            raise Http404
    elif comment_.is_deleted and not can_moderate(request.user, subject):
        raise Http404
    return render(
        request,
        "discussion/comment_history.html",
        {"comment": comment_, "subject": subject, "revisions": queries.comment_history(comment_)},
    )


@login_required
@require_GET
def comment_link(request: AuthenticatedRequest, comment_id: int) -> HttpResponse:
    """A comment's permanent address: its subject's page, at the comment."""
    comment_ = queries.get_comment_or_404(comment_id)
    subject = get_visible_subject_or_404(request.user, comment_.thread)
    if (
        comment_.visibility == Visibility.HELD
        and comment_.author_id != request.user.pk
        and not may_see_withheld(request.user, comment_.visibility)
    ):
        raise Http404  # a held comment leaves no trace, not even that it exists
    return redirect(_comment_url(subject, comment_))


@login_required
@require_GET
def mention_suggestions(request: AuthenticatedRequest) -> HttpResponse:
    people = queries.mention_suggestions(request.GET.get("q", ""))
    return render(request, "discussion/mention_suggestions.html", {"people": people})
