"""A channel's chat connections: list, connect, send a test, pause, resume, remove.

Every view checks that the person edits the channel (chat.permissions) before anything else.
Actions work without JavaScript (redirect and a message); with htmx they answer the list.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from staffroom.channels.models import Channel
from staffroom.chat import queries, services
from staffroom.chat.forms import ChatHookForm
from staffroom.chat.models import ChatHook
from staffroom.chat.permissions import check_manage_chat_hook, check_manage_chat_hooks
from staffroom.core.http import AuthenticatedRequest

PAGE = "chat/chathook_list.html"


def _context(channel: Channel, form: ChatHookForm, notice: str = "") -> dict[str, Any]:
    return {
        "channel": channel,
        "form": form,
        "hooks": list(queries.channel_hooks(channel)),
        "notice": notice,
    }


def _add_errors(form: ChatHookForm, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field_name, errors in error.error_dict.items():
            form.add_error(field_name if field_name in form.fields else None, errors)
    else:
        form.add_error(None, error)


@login_required
def hook_list(request: AuthenticatedRequest, slug: str) -> HttpResponse:
    """The channel's connections, and the form to connect one (POST)."""
    channel = queries.get_channel_or_404(slug)
    check_manage_chat_hooks(request.user, channel)
    department_channel = channel.kind == Channel.Kind.DEPARTMENT
    form = ChatHookForm(
        request.POST if request.method == "POST" else None, department_channel=department_channel
    )
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        try:
            hook = services.connect_hook(
                channel=channel,
                actor=request.user,
                kind=data["kind"],
                name=data["name"],
                url=data["url"],
                send_posts=data["send_posts"],
                send_idea_decisions=data.get("send_idea_decisions", False),
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(
                request,
                _("“%(name)s” is connected. Send a test message to check it works.")
                % {"name": hook.name},
            )
            return redirect("chat:hooks", slug=channel.slug)
    return render(request, PAGE, _context(channel, form), status=400 if form.errors else 200)


def _hook_action(request: AuthenticatedRequest, slug: str, pk: int) -> tuple[Channel, ChatHook]:
    channel = queries.get_channel_or_404(slug)
    check_manage_chat_hooks(request.user, channel)
    hook = queries.get_hook_or_404(channel, pk)
    check_manage_chat_hook(request.user, hook)
    return channel, hook


def _done(
    request: AuthenticatedRequest, channel: Channel, notice: str, *, error: bool = False
) -> HttpResponse:
    if request.htmx:
        form = ChatHookForm(department_channel=channel.kind == Channel.Kind.DEPARTMENT)
        context = {**_context(channel, form, notice), "notice_is_error": error}
        return render(request, "chat/_hook_update.html", context)
    (messages.error if error else messages.success)(request, notice)
    return redirect("chat:hooks", slug=channel.slug)


@login_required
@require_POST
def hook_test(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    channel, hook = _hook_action(request, slug, pk)
    try:
        services.send_test_message(hook=hook, actor=request.user)
    except ValidationError as error:
        return _done(request, channel, error.messages[0], error=True)
    return _done(
        request,
        channel,
        _(
            "A test message to “%(name)s” is on its way. Refresh the page in a moment to see "
            "whether it arrived."
        )
        % {"name": hook.name},
    )


@login_required
@require_POST
def hook_pause(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    channel, hook = _hook_action(request, slug, pk)
    services.pause_hook(
        hook=hook,
        actor=request.user,
        reason=_("Paused by %(name)s.") % {"name": request.user.display_name},
    )
    return _done(request, channel, _("“%(name)s” is paused.") % {"name": hook.name})


@login_required
@require_POST
def hook_resume(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    channel, hook = _hook_action(request, slug, pk)
    services.resume_hook(hook=hook, actor=request.user)
    return _done(
        request,
        channel,
        _("“%(name)s” is sending again: new posts from now on.") % {"name": hook.name},
    )


@login_required
@require_POST
def hook_remove(request: AuthenticatedRequest, slug: str, pk: int) -> HttpResponse:
    channel, hook = _hook_action(request, slug, pk)
    name = hook.name
    services.remove_hook(hook=hook, actor=request.user)
    return _done(request, channel, _("“%(name)s” is disconnected.") % {"name": name})


@login_required
def my_hooks(request: AuthenticatedRequest) -> HttpResponse:
    """The chat rooms of the channels the person looks after (where a pause notification
    leads). Each is checked again: only channels they still edit are listed."""
    return render(
        request, "chat/chathook_mine.html", {"hooks": queries.hooks_looked_after(request.user)}
    )
