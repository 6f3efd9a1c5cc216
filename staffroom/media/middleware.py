"""Upload requests are refused before their body is read, unless the person may upload.

The plain upload form sends the whole video (up to ``VIDEO_MAX_UPLOAD_BYTES``) as a multipart
body. Django parses such a body the first time anything reads ``request.POST`` — and
CsrfViewMiddleware does, in its ``process_view``, to find the form's token: before the view's
``login_required`` or permission checks run. So without this, anyone holding a CSRF cookie
(anyone who opened the sign-in page) could make the server read and spool 2 GB.

``UploadGateMiddleware.process_view`` runs for the upload views only (``UPLOAD_URL_NAMES``)
and is listed in MIDDLEWARE just before CsrfViewMiddleware, so it runs first (each
middleware's ``process_view`` runs in list order, all after every ``process_request`` —
``request.user`` is already set by AuthenticationMiddleware). It reads only the URL:

- signed out: the sign-in page (a redirect), or 401 with a JSON message for the script;
- signed in but not an editor of the post: the same 404 (can't see the post) or 403 (sees
  it but may not edit it) that the view itself would answer.

Everyone else goes on to the CSRF check and the view, which checks again.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _

from staffroom.channels.permissions import check_edit_post, get_visible_post_or_404
from staffroom.media.permissions import get_manageable_video_or_404

UPLOAD_URL_NAMES = frozenset({"media:upload_start", "media:upload_chunk"})


class UploadGateMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_view(
        self,
        request: HttpRequest,
        view_func: Callable[..., Any],
        view_args: tuple[Any, ...],
        view_kwargs: dict[str, Any],
    ) -> HttpResponse | None:
        match = request.resolver_match
        if match is None or match.view_name not in UPLOAD_URL_NAMES:
            return None
        person = request.user
        if not person.is_authenticated:
            if "application/json" in request.headers.get("Accept", ""):
                return JsonResponse(
                    {
                        "error": _(
                            "You were signed out, so the upload stopped. Sign in again, then "
                            "choose the same file: it continues where it stopped."
                        )
                    },
                    status=401,
                )
            return redirect_to_login(request.get_full_path())
        # Http404 and PermissionDenied become the site's 404 and 403 pages, as from a view.
        if match.view_name == "media:upload_start":
            check_edit_post(person, get_visible_post_or_404(person, view_kwargs["pk"]))
        else:
            get_manageable_video_or_404(person, view_kwargs["video_id"])
        return None
