"""Page-shaped reads of discussions, each with a fixed number of queries.

`thread_context()` is what a subject page (a post, an initiative) passes to
`discussion/thread.html` as `discussion`:

    {% include "discussion/thread.html" with discussion=discussion %}

Its cost does not depend on the number of comments: one query for a page of top-level
comments and one for all their replies (none when the rendered list is cached), one for the
viewer's own reactions, plus whatever the subject type's can_moderate asks (memoised per
request by the owning app).

The rendered comment list is cached, keyed by the thread's version (see rendering.py): the
parts that differ per viewer (their own reaction pressed, edit and remove buttons, the CSRF
token and the reply forms' submission key) are markers in the cached HTML, filled in with
one pass over it for each viewer.
"""

from __future__ import annotations

import enum
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.db.models import Q
from django.urls import reverse

from staffroom.accounts.models import Person
from staffroom.core.pagination import keyset_page
from staffroom.discussion import subjects
from staffroom.discussion.models import (
    REACTION_EMOJI,
    Backlink,
    Comment,
    CommentRevision,
    Reaction,
    ReactionKind,
    Thread,
)
from staffroom.discussion.permissions import (
    can_comment,
    can_moderate,
    can_react,
)
from staffroom.discussion.subjects import Subject

COMMENTS_PER_PAGE = 50
COMMENT_ORDER = ("created_at", "id")
SUGGESTION_LIMIT = 8
BACKLINKS_SHOWN = 20


@dataclass(frozen=True)
class ReactionChoice:
    kind: str
    label: str
    emoji: str
    count: int
    pressed: bool
    # In a cached comment list: "<comment id>:<kind>", replaced per viewer (see rendering).
    marker: str = ""


@dataclass
class ReactionBar:
    """The five reactions of the subject or of one comment, as the viewer sees them."""

    action: str
    label: str
    choices: list[ReactionChoice]
    enabled: bool
    dom_id: str


def reaction_bar(
    *,
    counts: dict[str, int],
    mine: str | None,
    action: str,
    label: str,
    enabled: bool,
    dom_id: str,
    marker_target: str = "",
) -> ReactionBar:
    """A bar with the viewer's choice pressed; or, given `marker_target`, with markers that
    rendering.personalise() turns into each viewer's choice."""
    return ReactionBar(
        action=action,
        label=label,
        enabled=enabled,
        dom_id=dom_id,
        choices=[
            ReactionChoice(
                kind=str(kind.value),
                label=str(kind.label),
                emoji=REACTION_EMOJI[kind],
                count=int(counts.get(kind.value, 0)),
                pressed=mine == kind.value,
                marker=f"{marker_target}:{kind.value}" if marker_target else "",
            )
            for kind in ReactionKind
        ],
    )


@dataclass
class CommentFormState:
    """One comment form (the main one, or a reply form under a comment)."""

    action: str
    submission_key: uuid.UUID
    parent_id: int | None = None
    body: str = ""
    errors: list[str] = field(default_factory=list)
    # Set when the form is shown apart from its comment (a reply sent back with an error on
    # the discussion page), so its ids don't repeat those of the reply box in the list.
    prefix: str = ""

    @property
    def dom_id(self) -> str:
        return f"{self.prefix}reply-form-{self.parent_id}" if self.parent_id else "comment-form"

    @property
    def field_id(self) -> str:
        return f"{self.prefix}reply-body-{self.parent_id}" if self.parent_id else "comment-body"

    @property
    def hx_target(self) -> str:
        return f"#reply-box-{self.parent_id}" if self.parent_id and not self.prefix else "this"


def comment_form_state(
    *, thread: Thread, parent_id: int | None = None, body: str = "", errors: list[str] | None = None
) -> CommentFormState:
    return CommentFormState(
        action=reverse("discussion:comment", kwargs={"thread_id": thread.pk}),
        submission_key=uuid.uuid4(),
        parent_id=parent_id,
        body=body,
        errors=errors or [],
    )


def reply_submission_key(key: uuid.UUID, parent_id: int) -> uuid.UUID:
    """The key a reply form stands for. Reply forms in a cached comment list all carry the
    page's one key; each reply is told apart by its parent."""
    return uuid.uuid5(key, f"reply-{parent_id}")


class SubjectAuthor(enum.Enum):
    """Not given: read from the thread's subject when an anonymous comment needs it."""

    FROM_THREAD = 0


FROM_THREAD = SubjectAuthor.FROM_THREAD


def anonymous_author_id(subject_obj: Any) -> int | None:
    """The author of a subject posted anonymously (an idea), or None: anyone else's subject,
    or one signed by its author.

    An anonymous comment is its subject's author commenting under their own anonymous idea;
    but a merged duplicate's comments move to the surviving idea's thread still anonymous,
    and they are by the duplicate's author. Only comments by this person are "the idea's
    author" (a signed idea has none: an anonymous comment on it came from a merged idea, and
    calling it the author's would name whoever wrote that duplicate)."""
    if subject_obj is None or not getattr(subject_obj, "is_anonymous", False):
        return None
    author_id = getattr(subject_obj, "author_id", None)
    return None if author_id is None else int(author_id)


def thread_anonymous_author_id(thread: Thread) -> int | None:
    """anonymous_author_id() of the thread's subject. Subject models point at their thread
    with a OneToOneField named after the subject kind (subjects.subject_relations): no query
    when the subject was loaded with its thread, one otherwise."""
    return anonymous_author_id(getattr(thread, str(thread.kind), None))


def label_anonymous_authors(
    comment: Comment, *, thread: Thread, author_id: int | SubjectAuthor | None = FROM_THREAD
) -> int | SubjectAuthor | None:
    """Set `by_subject_author` on the comment (and the one it replies to) if anonymous: is it
    by the author of the idea whose thread it is in ("The idea's author"), or by the author of
    a merged idea ("The author of a merged idea")? Compared here, on the server: the page
    says which, never who. `author_id`: anonymous_author_id() of the subject, read from the
    thread only when an anonymous comment needs it; returns it for the next comment."""
    anonymous = [comment] if comment.is_anonymous else []
    replied = comment.reply_to if comment.reply_to_id is not None else None
    if replied is not None and replied.is_anonymous:
        anonymous.append(replied)
    if isinstance(author_id, SubjectAuthor):
        # Labelled already (queries.get_comment_or_404): no need to read the subject again.
        anonymous = [one for one in anonymous if not hasattr(one, "by_subject_author")]
        if not anonymous:
            return author_id
        author_id = thread_anonymous_author_id(thread)
    for one in anonymous:
        one.by_subject_author = author_id is not None and one.author_id == author_id  # type: ignore[attr-defined]  # template data
    return author_id


def decorate_comment(
    comment: Comment,
    *,
    thread: Thread,
    commenting: bool,
    reactions_enabled: bool,
    subject_author_id: int | SubjectAuthor | None = FROM_THREAD,
) -> Comment:
    """Attach what comment.html shows to one comment: the same for every viewer (no queries,
    given `subject_author_id`, the subject's anonymous_author_id(); without it, one for an
    anonymous comment when the subject wasn't loaded with its thread).

    Per-viewer parts (own reaction, edit and remove buttons) are markers filled in by
    rendering.personalise().
    """
    label_anonymous_authors(comment, thread=thread, author_id=subject_author_id)
    comment.can_reply = commenting and not comment.is_deleted  # type: ignore[attr-defined]  # template data
    comment.reaction_bar = reaction_bar(  # type: ignore[attr-defined]
        counts=comment.reaction_counts,
        mine=None,
        action=reverse("discussion:comment_react", kwargs={"comment_id": comment.pk}),
        label=str(comment_reactions_label(comment)),
        enabled=reactions_enabled and not comment.is_deleted,
        dom_id=f"reactions-comment-{comment.pk}",
        marker_target=str(comment.pk),
    )
    if comment.can_reply:  # type: ignore[attr-defined]
        comment.reply_form = comment_form_state(  # type: ignore[attr-defined]
            thread=thread, parent_id=comment.pk
        )
    if not hasattr(comment, "children"):
        comment.children = []  # type: ignore[attr-defined]
    return comment


def comment_reactions_label(comment: Comment) -> str:
    from django.utils.translation import gettext as _

    if comment.is_anonymous:
        if not hasattr(comment, "by_subject_author"):
            label_anonymous_authors(comment, thread=comment.thread)
        if comment.by_subject_author:  # type: ignore[attr-defined]  # set just above
            return _("Reactions to the comment by the idea's author")
        return _("Reactions to the comment by the author of a merged idea")
    return _("Reactions to %(name)s's comment") % {"name": comment.author.display_name}


def _shown(comment: Comment) -> bool:
    """A removed comment keeps its place only while a reply under it is still shown."""
    return not comment.is_deleted or bool(getattr(comment, "children", []))


def as_subject(thread: Thread, subject: Subject | Any) -> Subject:
    """A Subject, given one or the subject's own object (a Post, an Initiative)."""
    if isinstance(subject, Subject):
        return subject
    return Subject(thread=thread, obj=subject, title=str(subject), url=subject.get_absolute_url())


@dataclass(frozen=True)
class CommentPage:
    comments: list[Comment]
    next_cursor: str | None


def comment_page(
    *,
    thread: Thread,
    cursor: str | None = None,
    limit: int = COMMENTS_PER_PAGE,
    commenting: bool = True,
    reactions_enabled: bool = True,
    subject_author_id: int | SubjectAuthor | None = FROM_THREAD,
) -> CommentPage:
    """A page of top-level comments (oldest first) with all their replies: two queries (and,
    without `subject_author_id`, at most one more for its first anonymous comment).

    Each comment gets `children` (its shown replies) and the attributes comment.html shows.
    """
    # Held comments (PHI guard) are nobody's to read here (their authors see them apart):
    # like hidden and deleted ones they are "Comment removed", kept only while a reply under
    # them is shown (a comment edited into a hold keeps its replies), never their words.
    top_level = Comment.objects.filter(thread=thread, parent__isnull=True).select_related("author")
    page = keyset_page(top_level, ordering=COMMENT_ORDER, cursor=cursor, limit=limit)
    roots = page.items
    replies = (
        list(
            Comment.objects.filter(root__in=[c.pk for c in roots])
            .select_related("author", "reply_to__author")
            .order_by(*COMMENT_ORDER)
        )
        if roots
        else []
    )
    by_id = {c.pk: c for c in roots}
    for comment in roots:
        comment.children = []  # type: ignore[attr-defined]
    for reply in replies:
        reply.children = []  # type: ignore[attr-defined]
        by_id[reply.pk] = reply
    for reply in replies:
        parent = by_id.get(reply.parent_id) if reply.parent_id else None
        if parent is not None:
            parent.children.append(reply)  # type: ignore[attr-defined]
    for comment in by_id.values():
        # Read from the thread once, for the first anonymous comment, if not given.
        subject_author_id = label_anonymous_authors(
            comment, thread=thread, author_id=subject_author_id
        )
        decorate_comment(
            comment,
            thread=thread,
            commenting=commenting,
            reactions_enabled=reactions_enabled,
            subject_author_id=subject_author_id,
        )
    # Leaves first: a removed reply disappears unless something under it is shown.
    for reply in reversed(replies):
        reply.children = [c for c in reply.children if _shown(c)]  # type: ignore[attr-defined]
    for comment in roots:
        comment.children = [c for c in comment.children if _shown(c)]  # type: ignore[attr-defined]
    return CommentPage(comments=[c for c in roots if _shown(c)], next_cursor=page.next_cursor)


def more_comments_url(thread: Thread, cursor: str | None) -> str | None:
    if not cursor:
        return None
    return reverse("discussion:thread", kwargs={"thread_id": thread.pk}) + f"?cursor={cursor}"


def viewer_reactions(*, viewer: Person, thread: Thread) -> dict[int | None, str]:
    """The viewer's reactions in a thread: {None: to the subject, comment id: to a comment}."""
    return dict(
        Reaction.objects.filter(person=viewer, thread=thread).values_list("comment_id", "kind")
    )


def thread_context(
    *,
    viewer: Person,
    thread: Thread,
    subject: Subject | Any,
    cursor: str | None = None,
    limit: int = COMMENTS_PER_PAGE,
) -> dict[str, Any]:
    """Everything discussion/thread.html needs, in a fixed number of queries.

    Precondition: the viewer may see the subject — `subject` came from
    subjects.get_visible_subject_or_404(viewer, thread), or is the subject's own object
    (a Post, an Initiative) that the calling page already checked.

    The comment list is rendered once per (thread, version, page, language) and cached
    (rendering.comment_list); the viewer's own parts are filled in when the template shows it.
    """
    from staffroom.discussion import rendering

    subject = as_subject(thread, subject)
    commenting = can_comment(viewer, subject)
    reactions_enabled = can_react(viewer, subject)
    subject_author_id = anonymous_author_id(subject.obj)
    rendered = rendering.comment_list(
        thread=thread,
        cursor=cursor,
        limit=limit,
        commenting=commenting,
        reactions_enabled=reactions_enabled,
        subject_author_id=subject_author_id,
    )
    mine = viewer_reactions(viewer=viewer, thread=thread)
    moderator = can_moderate(viewer, subject)
    return {
        "thread": thread,
        "subject": subject,
        "comment_list": rendering.PersonalList(
            rendered=rendered, viewer_id=viewer.pk, mine=mine, moderator=moderator
        ),
        "viewer_reactions": mine,
        "next_cursor": rendered.next_cursor,
        "more_url": more_comments_url(thread, rendered.next_cursor),
        "is_first_page": not cursor,
        "can_comment": commenting,
        "can_moderate": moderator,
        "mention_url": reverse("discussion:mention_suggestions"),
        # Who "the idea's author" is, compared on the server (label_anonymous_authors).
        "anonymous_author_id": subject_author_id,
        "form": comment_form_state(thread=thread),
        "subject_reactions": reaction_bar(
            counts=thread.reaction_counts,
            mine=mine.get(None),
            action=reverse("discussion:react", kwargs={"thread_id": thread.pk}),
            label=str(_subject_reactions_label(subject)),
            enabled=reactions_enabled,
            dom_id=f"reactions-thread-{thread.pk}",
        ),
    }


def _subject_reactions_label(subject: Subject) -> str:
    from django.utils.translation import gettext as _

    return _("Reactions to %(title)s") % {"title": subject.title}


def viewer_reaction(
    *, viewer: Person, thread: Thread, comment: Comment | None = None
) -> str | None:
    reactions = Reaction.objects.filter(person=viewer, thread=thread)
    reactions = (
        reactions.filter(comment=comment)
        if comment is not None
        else reactions.filter(comment__isnull=True)
    )
    return reactions.values_list("kind", flat=True).first()


def get_comment_or_404(comment_id: int) -> Comment:
    from django.http import Http404

    comment = (
        Comment.objects.select_related("thread", "author", "reply_to__author")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None:
        raise Http404
    label_anonymous_authors(comment, thread=comment.thread)
    return comment


def get_thread_or_404(thread_id: int) -> Thread:
    from django.http import Http404

    thread = Thread.objects.filter(pk=thread_id).first()
    if thread is None:
        raise Http404
    return thread


def comment_history(comment: Comment) -> list[CommentRevision]:
    """The comment's earlier words, newest first."""
    return list(
        CommentRevision.objects.filter(comment=comment)
        .select_related("editor")
        .order_by("-created_at", "-id")
    )


# --- Backlinks --------------------------------------------------------------------------------


@dataclass(frozen=True)
class BacklinkSource:
    """ "Mentioned in …": an item that links to this one."""

    title: str
    url: str
    kind: str
    created_at: datetime
    in_comment: bool


def backlinks_for(*, viewer: Person, thread: Thread) -> list[BacklinkSource]:
    """The items linking to `thread`'s subject that `viewer` may see, newest first.

    One query for the links (with their sources' subjects), then one visibility query per
    kind of source (posts, initiatives).
    """
    links = list(
        Backlink.objects.filter(target=thread)
        .select_related("source", *subjects.subject_relations("source__"))
        .order_by("-created_at", "-id")[: BACKLINKS_SHOWN * 3]
    )
    sources = {link.source_id: link.source for link in links}
    visible = subjects.visible_thread_ids(viewer, list(sources.values()))
    shown: dict[int, BacklinkSource] = {}
    for link in links:
        if link.source_id not in visible or link.source_id in shown:
            continue
        summary = subjects.subject_summary(link.source)
        if summary is None:
            continue
        title, url = summary
        if link.source_comment_id:
            url = f"{url}#comment-{link.source_comment_id}"
        shown[link.source_id] = BacklinkSource(
            title=title,
            url=url,
            kind=link.source.get_kind_display(),
            created_at=link.created_at,
            in_comment=link.source_comment_id is not None,
        )
    return list(shown.values())[:BACKLINKS_SHOWN]


# --- @mention suggestions ---------------------------------------------------------------------


def mention_suggestions(text: str, *, limit: int = SUGGESTION_LIMIT) -> list[Person]:
    """Up to `limit` active people whose username or surname (or, failing those, first or
    preferred name) starts with `text`.

    Usernames and sort names are stored lower-case with indexes, so the first query is an
    index range scan on each ("first.last" usernames also cover first names). Only when it
    finds too few, and the text is at least three letters, are first and preferred names
    searched too, which can't use an index.
    """
    prefix = text.strip().lstrip("@").lower()[:60]
    if not prefix:
        return []
    people = Person.objects.active().only(
        "id", "username", "first_name", "last_name", "preferred_name", "job_title", "sort_name"
    )
    found = list(
        people.filter(Q(username__startswith=prefix) | Q(sort_name__startswith=prefix)).order_by(
            "sort_name", "id"
        )[:limit]
    )
    if len(found) < limit and len(prefix) >= 3:
        more = people.filter(
            Q(first_name__istartswith=prefix) | Q(preferred_name__istartswith=prefix)
        ).exclude(pk__in=[p.pk for p in found])
        found += list(more.order_by("sort_name", "id")[: limit - len(found)])
    return found
