"""Revealing the author of an anonymous item, and the list of reveals (decision 18).

Privacy officers only; everyone else gets a 404, as for an item that isn't anonymous. The
answer is rendered, never redirected to: the author's name must not end up in an address, a
browser's history or any cache (Cache-Control: no-store).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from staffroom.core.http import AuthenticatedRequest
from staffroom.core.items import ItemKind, get_item, kind_named
from staffroom.privacy import reveal_queries as queries
from staffroom.privacy.permissions import check_review_holds
from staffroom.privacy.reveal import (
    REASON_MAX_LENGTH,
    REASON_MIN_LENGTH,
    clean_reveal_reason,
    is_anonymous,
    reveal_author,
)


class RevealForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need to know who wrote this?"),
        max_length=REASON_MAX_LENGTH,
        strip=True,
        widget=forms.Textarea(attrs={"rows": 4, "minlength": REASON_MIN_LENGTH}),
        help_text=_(
            "At least 20 characters. The other privacy officers are told at once, with your "
            "reason. Describe the kind of concern, not patient information."
        ),
        error_messages={"required": _("Give a reason: the other privacy officers will read it.")},
    )

    def clean_reason(self) -> str:
        # The service's own check, so a refusal shows on the field.
        try:
            return clean_reveal_reason(self.cleaned_data["reason"])
        except ValidationError as error:
            raise ValidationError(error.message_dict["reason"]) from None


def _anonymous_item_or_404(kind_key: str, item_id: int) -> tuple[ItemKind, Any]:
    try:
        kind = kind_named(kind_key)
        obj = get_item(kind_key, item_id)
    except (KeyError, LookupError, ObjectDoesNotExist):
        raise Http404 from None
    if not is_anonymous(obj):
        raise Http404
    return kind, obj


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def reveal(request: AuthenticatedRequest, kind: str, item_id: int) -> HttpResponse:
    """GET: what a reveal records, and the reason form. POST: the author's name, rendered."""
    check_review_holds(request.user)
    item_kind, obj = _anonymous_item_or_404(kind, item_id)
    form = RevealForm(request.POST if request.method == "POST" else None)
    context: dict[str, Any] = {
        "form": form,
        "kind": item_kind,
        "obj": obj,
        "label": item_kind.label(obj),
        "url": item_kind.url(obj),
    }
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                author = reveal_author(
                    obj=obj,
                    officer=request.user,
                    reason=form.cleaned_data["reason"],
                    request=request,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                response = render(
                    request, "privacy/reveal_done.html", {**context, "author": author}
                )
                response["Cache-Control"] = "private, no-store"
                return response
        status = 400
    return render(request, "privacy/reveal.html", context, status=status)


@never_cache
@login_required
@require_GET
def reveal_list(request: AuthenticatedRequest) -> HttpResponse:
    check_review_holds(request.user)
    cursor = request.GET.get("cursor")
    page = queries.reveal_page(cursor=cursor)
    if request.htmx and cursor:
        return render(request, "privacy/reveal_list.html#rows", {"page": page})
    return render(request, "privacy/reveal_list.html", {"page": page})
