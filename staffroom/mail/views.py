"""One-click unsubscribe (RFC 8058): the link in every email's footer and its
List-Unsubscribe header. No sign-in: the signed token is the authorisation."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from staffroom.accounts.models import Person
from staffroom.channels.syndication import public_site_name
from staffroom.core import ratelimit
from staffroom.mail.templating import preferences_url
from staffroom.mail.unsubscribe import read_token, scope_label
from staffroom.notifications.preferences import unsubscribe as turn_off

ONE_CLICK = "One-Click"
RATE_LIMIT_ACTION = "unsubscribe"


# CSRF-exempt on purpose: RFC 8058's one-click request comes from the mail provider, with no
# cookie and no form token. It is safe because the token in the address is the only
# authority (a forged request would need the person's signed token, which only their
# email holds), and all it can do is turn emails off — never on, never anything else.
# GET never changes anything (link scanners and previews open every link).
@csrf_exempt
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    if RATE_LIMIT_ACTION in settings.RATE_LIMITS:
        limited = ratelimit.hit(request, RATE_LIMIT_ACTION)
        if limited is not None:
            return ratelimit.too_many_requests(request, limited)
    link = read_token(token)
    person = Person.objects.filter(pk=link.person_id).first() if link is not None else None
    if link is None or person is None:
        return _page(request, "mail/unsubscribe_invalid.html", {}, status=404)
    with translation.override(person.preferred_language or settings.LANGUAGE_CODE):
        context: dict[str, object] = {
            "what": scope_label(link.scope),
            "scope": link.scope,
            "preferences_url": preferences_url(),
            "token": token,
        }
        if request.method == "POST":
            if request.POST.get("List-Unsubscribe") != ONE_CLICK:
                return _page(request, "mail/unsubscribe.html", context, status=400)
            turn_off(person=person, scope=link.scope)
            return _page(request, "mail/unsubscribe_done.html", context)
        return _page(request, "mail/unsubscribe.html", context)


def _page(
    request: HttpRequest, template: str, context: dict[str, object], *, status: int = 200
) -> HttpResponse:
    context = {
        **context,
        "site_name": public_site_name(),
        "organisation_named": bool(settings.ORGANISATION_NAME),
    }
    response = render(request, template, context, status=status)
    # The address holds the person's token: not for shared caches or search engines.
    response["Cache-Control"] = "no-store"
    response["X-Robots-Tag"] = "noindex"
    return response
