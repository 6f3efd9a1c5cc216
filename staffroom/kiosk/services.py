"""Writes of break-room screens: add one, give it a new address, switch it off, note that
its TV asked for its page, count a video it played. Adding one and changing its address
return what the admin must be shown once (the secret) and never store it.
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.kiosk.models import Screen, hash_secret
from staffroom.media.models import Video

if TYPE_CHECKING:
    from django.http import HttpRequest

    from staffroom.accounts.models import Person
    from staffroom.organisation.models import Department, Site

NAME_MAX_LENGTH = 80
# 32 random bytes: 43 URL-safe characters, far beyond guessing.
SECRET_BYTES = 32
# The TV asks for its page every few minutes; recording each visit would be a write per
# request for nothing. Once a minute is enough to tell an admin "this screen is on".
SEEN_EVERY = timedelta(minutes=1)


def new_secret() -> str:
    return secrets.token_urlsafe(SECRET_BYTES)


def _clean_name(name: str) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the screen a name, e.g. “ED break room”.")})
    if len(name) > NAME_MAX_LENGTH:
        raise ValidationError(
            {
                "name": _("Keep the name under %(limit)d characters.")
                % {"limit": NAME_MAX_LENGTH + 1}
            }
        )
    return name


@transaction.atomic
def create_screen(
    *,
    creator: Person,
    name: str,
    site: Site | None = None,
    department: Department | None = None,
    language: str = "",
    request: HttpRequest | None = None,
) -> tuple[Screen, str]:
    """A new screen and its secret (to be shown once, never stored).

    Precondition: check_manage_screens(creator)."""
    name = _clean_name(name)
    if site is not None and department is not None:
        raise ValidationError({"place": _("Choose a site or a department, not both.")})
    secret = new_secret()
    screen = Screen.objects.create(
        name=name,
        site=site,
        department=department,
        language=language,
        token_hash=hash_secret(secret),
        created_by=creator,
    )
    record_audit(
        actor=creator,
        action=AuditAction.SCREEN_ADDED,
        target=screen,
        data={
            "site": site.pk if site else None,
            "department": department.pk if department else None,
        },
        request=request,
    )
    return screen, secret


def _locked_live_screen(screen: Screen) -> Screen:
    locked = Screen.objects.select_for_update().get(pk=screen.pk)
    if locked.revoked_at is not None:
        raise ValidationError(
            _("This screen is switched off. Add a new screen to show news there again.")
        )
    return locked


@transaction.atomic
def change_screen_address(
    *, screen: Screen, editor: Person, request: HttpRequest | None = None
) -> tuple[Screen, str]:
    """A new secret for `screen`: the old address stops working at once (a leaked address,
    a TV moved elsewhere). Returns the screen and its new secret, to be shown once.

    Precondition: check_manage_screens(editor)."""
    locked = _locked_live_screen(screen)
    secret = new_secret()
    locked.token_hash = hash_secret(secret)
    locked.address_changed_at = timezone.now()
    locked.save(update_fields=["token_hash", "address_changed_at", "updated_at"])
    record_audit(
        actor=editor, action=AuditAction.SCREEN_ADDRESS_CHANGED, target=locked, request=request
    )
    return locked, secret


@transaction.atomic
def switch_off_screen(
    *, screen: Screen, editor: Person, request: HttpRequest | None = None
) -> Screen:
    """Switch `screen` off for good: its address answers "switched off" from now on.

    Precondition: check_manage_screens(editor)."""
    locked = _locked_live_screen(screen)
    locked.revoked_at = timezone.now()
    locked.revoked_by = editor
    locked.save(update_fields=["revoked_at", "revoked_by", "updated_at"])
    record_audit(
        actor=editor, action=AuditAction.SCREEN_SWITCHED_OFF, target=locked, request=request
    )
    return locked


def note_screen_seen(screen: Screen) -> None:
    """Record that the screen's TV asked for its page: at most one write a minute.

    Decided on the row already read, so a visit within the minute costs no query at all;
    the condition in the UPDATE keeps two app servers from both writing."""
    now = timezone.now()
    if screen.last_seen_at is not None and now - screen.last_seen_at < SEEN_EVERY:
        return
    Screen.objects.filter(
        Q(last_seen_at__isnull=True) | Q(last_seen_at__lt=now - SEEN_EVERY), pk=screen.pk
    ).update(last_seen_at=now)
    screen.last_seen_at = now


@transaction.atomic
def record_screen_play(*, video: Video) -> None:
    """A break-room screen started playing `video` (it asked for the first bytes of its
    file): one more play on a wall. A screen is nobody, so this counts plays, not people
    (people are Video.reach_count); an UPDATE with F(), so screens playing at once never
    lose a count. Not audited: a counter, like a post's reads."""
    Video.objects.filter(pk=video.pk).update(screen_plays=F("screen_plays") + 1)
