"""The installable app's three addresses: the manifest, the service worker, the offline page.

All three answer anyone, signed in or not: the browser fetches the manifest without cookies,
and none of them holds anything personal.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.http import require_safe

from staffroom.webapp.manifest import build_manifest
from staffroom.webapp.offline import CACHE_PREFIX, MAX_RECENT_POSTS, service_worker_script


@require_safe
def manifest(request: HttpRequest) -> HttpResponse:
    response = JsonResponse(build_manifest(), content_type="application/manifest+json")
    # Revalidate each time: the name and language may change; it is a few hundred bytes.
    response["Cache-Control"] = "no-cache"
    return response


@require_safe
def service_worker(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(service_worker_script(), content_type="text/javascript")
    # Browsers check for a new worker on each visit; no-cache makes that check reach us.
    response["Cache-Control"] = "no-cache"
    response["Service-Worker-Allowed"] = "/"
    return response


@require_safe
def offline(request: HttpRequest) -> HttpResponse:
    """What the service worker shows for a page it can't fetch and hasn't kept.

    The worker keeps this page once for everyone who uses the device, so it shows nothing about
    the person: the list of posts kept for her is read from the cache by offline-posts.js.
    """
    # Rendered without the request, so no context processor can add the person or her pages.
    context = {"posts_cache_prefix": f"{CACHE_PREFIX}posts-", "max_recent_posts": MAX_RECENT_POSTS}
    return HttpResponse(render_to_string("webapp/offline.html", context))
