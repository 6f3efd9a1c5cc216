"""The service worker's settings and script, and the key that ties offline copies to a person.

The script itself is templates/webapp/sw.js; docs/decisions/0025-installable-app.md explains
what it keeps and when it forgets.
"""

from __future__ import annotations

import hashlib
import json
import re

from django.conf import settings
from django.template import Context, Engine
from django.templatetags.static import static
from django.urls import reverse
from django.utils.crypto import salted_hmac

from staffroom.accounts.models import Person

# Every cache the worker makes starts with this; the offline page lists "<prefix>posts-…".
CACHE_PREFIX = "staffroom-"
# How many post pages a device keeps; the oldest read goes first.
MAX_RECENT_POSTS = 20
# How many static files (CSS, scripts, icons) the worker keeps for those pages.
MAX_STATIC_FILES = 120
# The offline page and the files it needs: when they change, the worker (and its caches) do.
SHELL_STATIC = ("css/staffroom.css", "js/offline-posts.js", "img/favicon.svg")
_PK = 2_147_483_647
_IMAGE_ID = 2_147_483_646


def viewer_key(person: Person) -> str:
    """An opaque, stable name for a signed-in person, used in the name of her offline cache.

    Not the database id: the cache names are visible to anyone at the device's developer tools.
    """
    return salted_hmac("staffroom.webapp.viewer", str(person.pk)).hexdigest()[:20]


def _path_pattern(path: str, **placeholders: int) -> str:
    """A JavaScript regular expression for a URL path, from Django's URL configuration."""
    pattern = re.escape(path)
    for value in placeholders.values():
        pattern = pattern.replace(str(value), r"\d+")
    return f"^{pattern}$"


def offline_idle_seconds() -> int:
    """How long kept posts may be read offline after the last signed-in page from the server.

    The shared-computer idle limit, the shorter of the two: the worker cannot tell a ward
    computer from a phone. ``OFFLINE_COPIES_IDLE_SECONDS`` overrides it (tests use seconds).
    """
    seconds = getattr(settings, "OFFLINE_COPIES_IDLE_SECONDS", None)
    if seconds is None:
        seconds = settings.SHARED_DEVICE_IDLE_MINUTES * 60
    return max(1, int(seconds))


def service_worker_config() -> dict[str, object]:
    return {
        "cachePrefix": CACHE_PREFIX,
        "idleSeconds": offline_idle_seconds(),
        "offlineUrl": reverse("webapp:offline"),
        "postPath": _path_pattern(reverse("channels:post", kwargs={"pk": _PK}), pk=_PK),
        "postImagePath": _path_pattern(
            reverse("channels:post_image", kwargs={"pk": _PK, "image_id": _IMAGE_ID}),
            pk=_PK,
            image_id=_IMAGE_ID,
        ),
        "staticUrl": settings.STATIC_URL,
        "maxPosts": MAX_RECENT_POSTS,
        "maxStaticFiles": MAX_STATIC_FILES,
        # Hashed names in production, so a release that changes them installs a new worker.
        "shell": [static(path) for path in SHELL_STATIC],
    }


def service_worker_script() -> str:
    """The worker's JavaScript, with its settings and a version that changes with either.

    The browser installs a new worker when this text changes by a byte; the new worker's
    caches carry the new version and it deletes the old ones.
    """
    config = json.dumps(service_worker_config(), sort_keys=True)
    engine = Engine.get_default()
    template = engine.get_template("webapp/sw.js")
    digest = hashlib.sha256()
    for part in (template.source, engine.get_template("webapp/offline.html").source, config):
        digest.update(part.encode())
    return template.render(Context({"config": config, "version": digest.hexdigest()[:12]}))
