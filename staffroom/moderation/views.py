"""Flagging, the moderation queue, one item with its actions, and the suspension notice."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from staffroom.accounts.models import Person
from staffroom.core.http import AuthenticatedRequest
from staffroom.core.items import ItemKind, kind_named
from staffroom.core.ratelimit import rate_limit
from staffroom.moderation import links, queries, services
from staffroom.moderation.forms import EditForm, FlagForm, ReasonForm, SuspendForm
from staffroom.moderation.permissions import (
    check_flag,
    check_moderate,
    check_open_item,
    check_view_queue,
    is_moderator,
    is_privacy_officer,
)

ACTIONS = ("hide", "restore", "edit", "warn", "suspend", "dismiss", "lift")


def _item_or_404(kind_key: str, item_id: int) -> tuple[ItemKind, Any]:
    try:
        kind = kind_named(kind_key)
        return kind, kind.model._default_manager.get(pk=item_id)
    except (KeyError, ObjectDoesNotExist):
        raise Http404 from None


@login_required
@require_http_methods(["GET", "POST"])
@rate_limit("flag")
def flag(request: AuthenticatedRequest, kind: str, item_id: int) -> HttpResponse:
    item_kind, obj = _item_or_404(kind, item_id)
    check_flag(request.user, obj, author_id=item_kind.author_id(obj))
    form = FlagForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.flag_item(
                obj=obj,
                by=request.user,
                reason=form.cleaned_data["reason"],
                note=form.cleaned_data["note"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thanks — a moderator will look at it."))
            return redirect(item_kind.url(obj))
    status = 400 if form.is_bound else 200
    context = {"form": form, "kind": item_kind, "obj": obj, "back_url": item_kind.url(obj)}
    return render(request, "moderation/flag_form.html", context, status=status)


@login_required
@require_GET
def queue(request: AuthenticatedRequest) -> HttpResponse:
    check_view_queue(request.user)
    cursor = request.GET.get("cursor")
    page = queries.queue_page(viewer=request.user, cursor=cursor)
    context = {
        "page": page,
        "is_moderator": is_moderator(request.user),
        "threshold": services.auto_hide_threshold(),
    }
    if request.htmx and cursor:
        return render(request, "moderation/flaggeditem_list.html#rows", context)
    return render(request, "moderation/flaggeditem_list.html", context)


def _check_view_item(person: Person, kind: ItemKind, obj: Any) -> None:
    check_open_item(person, obj, flagged=queries.flagged_item_for(kind.key, obj.pk))


def _edit_initial(kind: ItemKind, obj: Any) -> dict[str, str]:
    if kind.key == "post":
        return {"title": obj.title, "summary": obj.summary, "body": obj.body}
    return {"body": getattr(obj, "body", "")}


def _item_page(
    request: AuthenticatedRequest,
    kind: ItemKind,
    obj: Any,
    forms: dict[str, Any] | None = None,
    status: int = 200,
) -> HttpResponse:
    forms = forms or {}
    with_title = kind.key == "post"
    context = queries.item_context(kind=kind, obj=obj)
    context.update(
        {
            "is_moderator": is_moderator(request.user),
            "is_privacy_officer": is_privacy_officer(request.user),
            "hide_form": forms.get("hide") or ReasonForm(prefix="hide"),
            "restore_form": forms.get("restore") or ReasonForm(prefix="restore", required=False),
            "edit_form": forms.get("edit")
            or EditForm(prefix="edit", with_title=with_title, initial=_edit_initial(kind, obj)),
            "warn_form": forms.get("warn") or ReasonForm(prefix="warn"),
            "suspend_form": forms.get("suspend") or SuspendForm(prefix="suspend"),
            "dismiss_form": forms.get("dismiss") or ReasonForm(prefix="dismiss", required=False),
            "lift_form": forms.get("lift") or ReasonForm(prefix="lift", required=False),
            "mark_phi_url": links.mark_phi_url(kind.key, obj.pk),
            "error_action": next(iter(forms), None),
        }
    )
    return render(request, "moderation/flaggeditem_detail.html", context, status=status)


@login_required
@require_GET
def item(request: AuthenticatedRequest, kind: str, item_id: int) -> HttpResponse:
    item_kind, obj = _item_or_404(kind, item_id)
    _check_view_item(request.user, item_kind, obj)
    return _item_page(request, item_kind, obj)


@login_required
@require_POST
def act(request: AuthenticatedRequest, kind: str, item_id: int) -> HttpResponse:
    item_kind, obj = _item_or_404(kind, item_id)
    _check_view_item(request.user, item_kind, obj)  # first: 404 for what isn't theirs to know
    check_moderate(request.user)
    action = request.POST.get("action", "")
    if action not in ACTIONS:
        raise Http404
    form = _bound_form(action, request, item_kind)
    if form.is_valid():
        try:
            done = _perform(action, form.cleaned_data, request.user, item_kind, obj)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect("moderation:queue")
    return _item_page(request, item_kind, obj, forms={action: form}, status=400)


def _bound_form(action: str, request: AuthenticatedRequest, kind: ItemKind) -> Any:
    data = request.POST
    if action == "edit":
        return EditForm(data, prefix="edit", with_title=kind.key == "post")
    if action == "suspend":
        return SuspendForm(data, prefix="suspend")
    required = action in ("hide", "warn")
    return ReasonForm(data, prefix=action, required=required)


def _perform(action: str, data: dict[str, Any], moderator: Person, kind: ItemKind, obj: Any) -> str:
    """Do `action` and return what to tell the moderator."""
    author = Person.objects.get(pk=kind.author_id(obj))
    reason = data.get("reason", "")
    # Posted anonymously: the moderator acts without learning who it is.
    name = {"name": _("the author") if kind.is_anonymous(obj) else author.display_name}
    if action == "hide":
        services.hide_item(obj=obj, moderator=moderator, reason=reason)
        done = _("Hidden. The author was told why.")
    elif action == "restore":
        services.restore_item(obj=obj, moderator=moderator, reason=reason)
        done = _("Restored: everyone who could see it can see it again.")
    elif action == "edit":
        services.edit_item_as_moderator(
            obj=obj,
            moderator=moderator,
            note=data["note"],
            body=data["body"],
            title=data.get("title"),
            summary=data.get("summary"),
        )
        done = _("Edited. The note is shown with it and the author was told.")
    elif action == "warn":
        services.warn_person(person=author, moderator=moderator, reason=reason, obj=obj)
        done = _("Warning sent to %(name)s.") % name
    elif action == "suspend":
        until = timezone.now() + timedelta(days=data["days"])
        services.suspend_person(
            person=author, moderator=moderator, until=until, reason=reason, obj=obj
        )
        done = _("%(name)s is suspended: they can read but not write.") % name
    elif action == "dismiss":
        closed = services.dismiss_flags(obj=obj, moderator=moderator, reason=reason)
        done = _("%(count)d flags dismissed.") % {"count": closed}
    else:
        services.lift_suspension(person=author, moderator=moderator, reason=reason)
        done = _("Suspension lifted: %(name)s can write again.") % name
    return done


@login_required
@require_GET
def suspended(request: AuthenticatedRequest) -> HttpResponse:
    """Where htmx requests of a suspended person are sent (see middleware)."""
    suspension = queries.request_suspension(request)
    return render(
        request,
        "moderation/suspended.html",
        {"suspension": suspension},
        status=403 if suspension is not None else 200,
    )
