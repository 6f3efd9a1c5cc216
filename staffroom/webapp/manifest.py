"""The web app manifest: what a phone needs to put Staffroom on its home screen."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.templatetags.static import static
from django.urls import reverse
from django.utils.translation import get_language, get_language_bidi
from django.utils.translation import gettext as _

# The colours of the site header and the page (--color-header and --color-bg in
# static/css/staffroom.css): the phone paints its status bar and splash screen with them.
THEME_COLOR = "#0e2a3b"
BACKGROUND_COLOR = "#f6f7f9"


@dataclass(frozen=True)
class Icon:
    path: str  # under static/
    size: int
    purpose: str


# Drawn by scripts/make_app_icons.py. "any" icons keep rounded corners; the maskable one fills
# its square and keeps the letter inside the central safe zone, as Android crops it to a shape.
ICONS = (
    Icon("img/app-icon-192.png", 192, "any"),
    Icon("img/app-icon-512.png", 512, "any"),
    Icon("img/app-icon-maskable-512.png", 512, "maskable"),
)
# iOS ignores the manifest's icons and wants an opaque square (it rounds the corners itself).
APPLE_TOUCH_ICON = Icon("img/apple-touch-icon.png", 180, "any")


def app_name() -> str:
    """The name under the icon: the organisation's Staffroom, or just Staffroom."""
    if settings.ORGANISATION_NAME:
        return _("%(organisation)s Staffroom") % {"organisation": settings.ORGANISATION_NAME}
    return "Staffroom"


def build_manifest() -> dict[str, Any]:
    """The manifest in the current language (the request's, or the signed-in person's)."""
    home = reverse("channels:feed")
    return {
        "id": home,
        "name": app_name(),
        "short_name": "Staffroom",
        "description": _(
            "News, discussion and ideas from your colleagues and leadership, on your phone."
        ),
        "lang": get_language(),
        "dir": "rtl" if get_language_bidi() else "ltr",
        "start_url": home,
        "scope": "/",
        "display": "standalone",
        "orientation": "any",
        "theme_color": THEME_COLOR,
        "background_color": BACKGROUND_COLOR,
        "categories": ["news", "social"],
        "icons": [
            {
                "src": static(icon.path),
                "sizes": f"{icon.size}x{icon.size}",
                "type": "image/png",
                "purpose": icon.purpose,
            }
            for icon in ICONS
        ],
    }
