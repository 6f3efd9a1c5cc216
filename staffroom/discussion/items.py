"""Comments as the safety layer sees them (core.items): registered in DiscussionConfig.ready()."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from staffroom.core.items import ItemKind, register_item_kind
from staffroom.discussion import subjects
from staffroom.discussion.exposure import comment_audience, comment_sightings, purge_comment
from staffroom.discussion.models import Comment, Thread


def comment_texts(comment: Comment) -> dict[str, str]:
    from staffroom.discussion.services import COMMENT_FIELD

    return {COMMENT_FIELD: comment.body}


def comment_author_id(comment: Comment) -> int:
    return int(comment.author_id)


def comment_label(comment: Comment) -> str:
    # Ids only: safe for lists, audit entries and logs.
    return f"Comment {comment.pk} in thread {comment.thread_id}"


def comment_url(comment: Comment) -> str:
    """The comment in its subject's page (reviewers see the context there)."""
    thread = Thread.objects.select_related(*subjects.subject_relations()).get(pk=comment.thread_id)
    summary = subjects.subject_summary(thread)
    if summary is None:
        from django.urls import reverse

        return reverse("discussion:thread", kwargs={"thread_id": comment.thread_id})
    return f"{summary[1]}#comment-{comment.pk}"


def set_comment_visibility(comment: Comment, visibility: str) -> None:
    from staffroom.discussion.services import set_comment_visibility as change

    change(comment=comment, visibility=visibility)


COMMENT_KIND = ItemKind(
    key="comment",
    model=Comment,
    verbose_name=_("comment"),
    texts=comment_texts,
    author_id=comment_author_id,
    url=comment_url,
    label=comment_label,
    set_visibility=set_comment_visibility,
    audience=comment_audience,
    sightings=comment_sightings,
    purge=purge_comment,
    # Written by the anonymous author of the idea under discussion (discussion.services).
    is_anonymous=lambda comment: bool(comment.is_anonymous),
)


def register() -> None:
    register_item_kind(COMMENT_KIND)
