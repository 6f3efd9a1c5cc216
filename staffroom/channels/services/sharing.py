"""Sharing outside Staffroom: public (ambassador) posts and personal feed addresses."""

from __future__ import annotations

import logging
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction  # audit trail (issue 4)
from staffroom.audit.services import record_audit  # audit trail (issue 4)
from staffroom.channels.models import FeedToken, Post
from staffroom.channels.permissions import check_edit_post

logger = logging.getLogger(__name__)

# 32 random bytes: 43 URL-safe characters, well inside FeedToken.token's 64.
TOKEN_BYTES = 32


def _locked(post: Post) -> Post:
    """The post re-read under a row lock, so two clicks can't interleave."""
    return Post.objects.select_for_update().select_related("channel").get(pk=post.pk)


@transaction.atomic
def make_post_public(*, post: Post, by: Person) -> Post:
    """Give a live post for everyone a public page that anyone may read and share.

    Only the channel's editors may do this. A post with an audience is never public: its
    words were written for some staff only. Repeating it changes nothing.
    """
    check_edit_post(by, post)
    current = _locked(post)
    if current.audience_restricted:
        raise ValidationError(
            _(
                "Only posts for everyone can be made public. This post is for a chosen "
                "audience: remove the audience first if it really is for everyone."
            )
        )
    if not current.is_live:
        raise ValidationError(_("Only published posts can be made public."))
    if not current.is_shown:
        # Held, hidden or removed: nobody but its author and reviewers may read it.
        raise ValidationError(_("Only posts everyone can see can be made public."))
    if not current.is_public:
        Post.objects.filter(pk=current.pk).update(
            is_public=True, version=F("version") + 1, updated_at=timezone.now()
        )
        logger.info("Post %s made public by %s", current.pk, by.username)
        record_audit(  # audit trail (issue 4)
            actor=by,
            action=AuditAction.POST_MADE_PUBLIC,
            target=current,
            summary=f"Post {current.pk} made public",
        )
    current.refresh_from_db(fields=["is_public", "version", "updated_at"])
    _copy_state(current, post)
    return post


@transaction.atomic
def make_post_internal(*, post: Post, by: Person) -> Post:
    """Take a post's public page down: from now on only signed-in staff can read it."""
    check_edit_post(by, post)
    current = _locked(post)
    if current.is_public:
        Post.objects.filter(pk=current.pk).update(
            is_public=False, version=F("version") + 1, updated_at=timezone.now()
        )
        logger.info("Post %s made internal by %s", current.pk, by.username)
        record_audit(  # audit trail (issue 4)
            actor=by,
            action=AuditAction.POST_MADE_INTERNAL,
            target=current,
            summary=f"Post {current.pk} made internal",
        )
    current.refresh_from_db(fields=["is_public", "version", "updated_at"])
    _copy_state(current, post)
    return post


def _copy_state(source: Post, target: Post) -> None:
    target.is_public = source.is_public
    target.version = source.version
    target.updated_at = source.updated_at


@transaction.atomic
def regenerate_feed_token(*, person: Person) -> FeedToken:
    """Give `person` a new secret for their feed addresses; the old addresses stop working.

    Also how a first token is made.
    """
    token = FeedToken.objects.select_for_update().filter(person=person).first()
    secret = secrets.token_urlsafe(TOKEN_BYTES)
    if token is None:
        token = FeedToken.objects.create(person=person, token=secret)
    else:
        token.token = secret
        token.save(update_fields=["token", "updated_at"])
    logger.info("New feed address for %s", person.username)
    return token


@transaction.atomic
def revoke_feed_token(*, person: Person) -> None:
    """Turn `person`'s feeds off: every feed address they had stops working."""
    FeedToken.objects.filter(person=person).delete()
