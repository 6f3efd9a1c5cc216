"""Writes of the discussion: comments, edits, soft deletes, reactions, mentions, backlinks.

Stored counters and what they count:

- `Thread.comment_count` counts *visible* comments: posting adds one, a soft delete takes one
  away (the removed comment keeps its place in the thread, shown as "Comment removed").
- `Comment.reply_count` counts the visible comments stored directly under it (`parent`).
- `reaction_counts` / `reaction_total` on Thread (the subject) and Comment are changed under
  `select_for_update` on that row, so two people reacting at once can't lose a count.
- `Thread.version` is bumped by every change that alters how the comment list looks.

`recount_thread()` (and `manage.py recount_discussion`) rebuild all of them from the rows.

Notifications are stored rows (delivery arrives later) written in the same transaction as the
change that causes them, so a rolled-back comment leaves no notification behind.

`Comment.first_shown_at` is when others could first see a comment (its creation, or when it
was first made visible): kept once set, for the exposure report. Locks: the comment's row,
then its privacy hold's (privacy.services keeps the same order).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q
from django.urls import Resolver404, resolve
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction  # audit trail (issue 4)
from staffroom.audit.services import record_audit  # audit trail (issue 4)
from staffroom.core.models import Visibility
from staffroom.core.richtext import find_mentions, render_markdown
from staffroom.discussion import subjects
from staffroom.discussion.models import (
    Backlink,
    Comment,
    CommentRevision,
    Mention,
    Reaction,
    ReactionKind,
    Thread,
)
from staffroom.notifications.models import Notification
from staffroom.notifications.services import record_reaction
from staffroom.privacy.guard import FieldFinding, scan_texts
from staffroom.privacy.services import (
    guard_before_showing,
    hold_item,
    recheck_after_edit,
    withdraw_hold,
)

COMMENT_MAX_LENGTH = 10_000
# More @names than this in one text are not looked up (nor notified): a guard against spam.
MENTION_LIMIT = 30
BACKLINK_LIMIT = 30
# The label of a comment's one text, for the PHI guard (discussion.items).
COMMENT_FIELD = "Comment"


def new_thread(*, kind: str) -> Thread:
    return Thread.objects.create(kind=kind)


# --- Comments ---------------------------------------------------------------------------------


def clean_comment_body(body: str) -> str:
    """The body as stored (stripped); ValidationError if empty or too long."""
    text = (body or "").strip()
    if not text:
        raise ValidationError(_("Write something before posting your comment."), code="empty")
    if len(text) > COMMENT_MAX_LENGTH:
        raise ValidationError(
            _("A comment can be at most %(limit)s characters long (this one has %(length)s).")
            % {"limit": f"{COMMENT_MAX_LENGTH:,}", "length": f"{len(text):,}"},
            code="too_long",
        )
    return text


def _people_for_mentions(text: str) -> dict[str, Person]:
    usernames = sorted(find_mentions(text))[:MENTION_LIMIT]
    if not usernames:
        return {}
    people = Person.objects.active().filter(username__in=[u.lower() for u in usernames])
    return {person.username: person for person in people}


def _render(text: str) -> tuple[str, list[Person], tuple[str, ...]]:
    """(html, the active people mentioned, internal paths linked) for a comment body."""
    people = _people_for_mentions(text)
    rendered = render_markdown(
        text,
        people={
            username: (person.display_name, person.get_absolute_url())
            for username, person in people.items()
        },
    )
    mentioned = [people[u] for u in sorted(rendered.mentions | people.keys()) if u in people]
    return rendered.html, mentioned, rendered.internal_paths


def _placement(parent: Comment | None) -> dict[str, Any]:
    """Where a reply is stored: two levels deep at most (see Comment's docstring)."""
    if parent is None:
        return {"parent": None, "root": None, "depth": 0, "reply_to": None}
    if parent.depth == 0:
        return {"parent": parent, "root": parent, "depth": 1, "reply_to": None}
    if parent.depth == 1:
        return {"parent": parent, "root_id": parent.root_id, "depth": 2, "reply_to": None}
    # A reply to a depth-2 comment joins it, under the same depth-1 parent.
    return {
        "parent_id": parent.parent_id,
        "root_id": parent.root_id,
        "depth": 2,
        "reply_to": parent,
    }


@transaction.atomic
def post_comment(
    *,
    thread: Thread,
    author: Person,
    body: str,
    parent: Comment | None = None,
    submission_key: uuid.UUID | None = None,
) -> Comment:
    """Add a comment (or a reply to `parent`) to `thread`.

    Preconditions: the caller has checked that `author` may see the thread's subject
    (views use subjects.get_visible_subject_or_404) — this service refuses a closed thread.
    The same `submission_key` twice returns the first comment.
    """
    if submission_key is not None:
        existing = Comment.objects.filter(submission_key=submission_key).first()
        if existing is not None:
            return _same_submission(existing, thread=thread, author=author)
    text = clean_comment_body(body)
    locked_thread = Thread.objects.select_for_update().get(pk=thread.pk)
    if locked_thread.is_locked:
        raise ValidationError(_("This discussion is closed: no new comments can be added."))
    if parent is not None:
        if parent.thread_id != thread.pk:
            raise ValidationError(_("That comment belongs to another discussion."))
        if parent.is_deleted:
            raise ValidationError(_("That comment was removed, so it can't be replied to."))
    html, mentioned, paths = _render(text)
    anonymous = writes_anonymously(thread=thread, author=author)
    # The PHI guard reads it before anyone else can: possible patient information is stored
    # HELD, and nothing "becoming visible" does (counts, mentions, links, notices) happens yet.
    findings = scan_texts({COMMENT_FIELD: text})
    try:
        with transaction.atomic():
            comment = Comment.objects.create(
                thread=thread,
                author=author,
                body=text,
                body_html=html,
                submission_key=submission_key,
                visibility=Visibility.HELD if findings else Visibility.VISIBLE,
                is_anonymous=anonymous,
                **_placement(parent),
            )
    except IntegrityError:
        # The same form sent twice at once: the other request stored it first.
        if submission_key is None:
            raise
        return _same_submission(
            Comment.objects.get(submission_key=submission_key), thread=thread, author=author
        )
    if not findings:
        comment.first_shown_at = comment.created_at
        Comment.objects.filter(pk=comment.pk).update(first_shown_at=comment.created_at)
        _count_comment(comment, +1)
        _comment_went_live(comment, thread=thread, mentioned=mentioned, paths=paths)
    record_audit(  # audit trail (issue 4): ids only, never the comment's words
        actor=None if anonymous else author,  # an anonymous author is no actor (decision 18)
        action=AuditAction.COMMENT_CREATED,
        target=comment,
        summary=f"Comment {comment.pk} in thread {thread.pk}",
        data={"thread": thread.pk, "parent": comment.parent_id},
    )
    if findings:
        hold_item(obj=comment, author=author, findings=findings)
    return comment


def writes_anonymously(*, thread: Thread, author: Person) -> bool:
    """Does `author` comment on `thread` anonymously: is its subject an item they posted
    anonymously (an idea, issue 5)? Their comments there are then shown as "the idea's
    author", with no name, and nothing they cause names them (decision 18)."""
    from staffroom.core.items import kind_of

    if thread.kind not in subjects.registered_kinds():
        return False
    subject = getattr(thread, thread.kind, None)
    if subject is None:
        return False
    try:
        kind = kind_of(subject)
    except KeyError:
        return False
    return bool(kind.is_anonymous(subject)) and kind.author_id(subject) == author.pk


def _count_comment(comment: Comment, delta: int) -> None:
    """A comment starts (+1) or stops (-1) being counted: shown, not deleted."""
    if delta > 0:
        Thread.objects.filter(pk=comment.thread_id).update(
            comment_count=F("comment_count") + 1, version=F("version") + 1
        )
        if comment.parent_id is not None:
            Comment.objects.filter(pk=comment.parent_id).update(reply_count=F("reply_count") + 1)
        return
    Thread.objects.filter(pk=comment.thread_id, comment_count__gt=0).update(
        comment_count=F("comment_count") - 1
    )
    Thread.objects.filter(pk=comment.thread_id).update(version=F("version") + 1)
    if comment.parent_id is not None:
        Comment.objects.filter(pk=comment.parent_id, reply_count__gt=0).update(
            reply_count=F("reply_count") - 1
        )


def _comment_went_live(
    comment: Comment,
    *,
    thread: Thread,
    mentioned: list[Person] | None = None,
    paths: tuple[str, ...] | None = None,
) -> None:
    """What a comment becoming visible to others does: its mentions and links are recorded,
    and those it names or answers are told (each only once, however often it is called)."""
    if mentioned is None or paths is None:
        _html, mentioned, paths = _render(comment.body)
    author = comment.author
    _record_mentioned(
        thread=thread,
        author=author,
        people=mentioned,
        comment=comment,
        anonymous=comment.is_anonymous,
    )
    record_backlinks(source=thread, paths=paths, comment=comment)
    if comment.parent_id is None:
        return
    answered = comment.reply_to or Comment.objects.select_related("author").get(
        pk=comment.parent_id
    )
    if answered.author_id == author.pk or not _can_see(answered.author, thread):
        return
    if Notification.objects.filter(
        kind=Notification.Kind.REPLY, comment=comment, recipient_id=answered.author_id
    ).exists():
        return
    Notification.objects.create(
        recipient_id=answered.author_id,
        kind=Notification.Kind.REPLY,
        actor=None if comment.is_anonymous else author,
        thread=thread,
        comment=comment,
    )


@transaction.atomic
def set_comment_visibility(*, comment: Comment, visibility: str) -> Comment:
    """The one way a comment's visibility changes (ItemKind.set_visibility for comments).

    Keeps `Thread.comment_count`, the parent's `reply_count` and `Thread.version` (the key of
    the cached list) right for every transition. Becoming visible does what posting a held
    comment put off (mentions, links, the reply notice), once; stopping being visible takes
    its links away (search drops it by trigger; notifications about it stop being shown).

    A hidden or removed comment about to be shown again is scanned by the PHI guard first
    (its words may have changed while nobody could see them): held instead if anything is
    found. A deleted comment stays deleted whatever its visibility (restoring it doesn't
    bring it back).
    """
    locked = Comment.objects.select_for_update().select_related("author").get(pk=comment.pk)
    old = locked.visibility
    findings: list[FieldFinding] = []
    if (
        visibility == Visibility.VISIBLE
        and old in (Visibility.HIDDEN, Visibility.REMOVED)
        and locked.deleted_at is None
    ):
        findings = guard_before_showing(locked)
        if findings:
            visibility = Visibility.HELD
    comment.visibility = visibility
    if old == visibility:
        return locked
    was_counted = old == Visibility.VISIBLE and locked.deleted_at is None
    now_counted = visibility == Visibility.VISIBLE and locked.deleted_at is None
    locked.visibility = visibility
    fields = ["visibility", "updated_at"]
    if now_counted and locked.first_shown_at is None:
        locked.first_shown_at = timezone.now()
        fields.append("first_shown_at")
    locked.save(update_fields=fields)
    comment.first_shown_at = locked.first_shown_at
    if was_counted != now_counted:
        _count_comment(locked, +1 if now_counted else -1)
    else:
        Thread.objects.filter(pk=locked.thread_id).update(version=F("version") + 1)
    if now_counted:
        thread = Thread.objects.get(pk=locked.thread_id)
        _comment_went_live(locked, thread=thread)
    elif was_counted:
        Backlink.objects.filter(source_comment=locked).delete()
    if findings:
        hold_item(obj=locked, findings=findings)
    return locked


def _same_submission(existing: Comment, *, thread: Thread, author: Person) -> Comment:
    """The comment a repeated form made, if it is this author's in this thread.

    A submission key is only a guard against double clicks: a key that made someone else's
    comment, or one in another discussion, must never hand that comment back.
    """
    if existing.author_id != author.pk or existing.thread_id != thread.pk:
        raise ValidationError(
            _("This form was already used. Reload the page and write your comment again."),
            code="key_used",
        )
    return existing


@transaction.atomic
def edit_comment(*, comment: Comment, editor: Person, body: str) -> Comment:
    """Change a comment's words, keeping the old ones as a CommentRevision. Author only."""
    if comment.author_id != editor.pk:
        raise ValidationError(_("Only the person who wrote a comment can change it."))
    held = comment.visibility == Visibility.HELD and comment.deleted_at is None
    if comment.is_deleted and not held:
        raise ValidationError(_("This comment was removed, so it can't be changed."))
    text = clean_comment_body(body)
    locked = Comment.objects.select_for_update().select_related("author").get(pk=comment.pk)
    if text == locked.body:
        return locked
    held = locked.visibility == Visibility.HELD and locked.deleted_at is None
    # A held comment's earlier words were never seen by anyone else, and a revision would
    # keep the patient information the author is editing out: none is written.
    if not held:
        CommentRevision.objects.create(comment=locked, body=locked.body, editor=editor)
    html, mentioned, paths = _render(text)
    locked.body = text
    locked.body_html = html
    if not held:
        locked.edited_at = timezone.now()
    locked.save(update_fields=["body", "body_html", "edited_at", "updated_at"])
    Thread.objects.filter(pk=locked.thread_id).update(version=F("version") + 1)
    # The guard reads the new words: held again, still held, or published (which records
    # mentions and links then, in set_comment_visibility).
    hold = recheck_after_edit(obj=locked, editor=editor)
    if hold is None and not held:
        thread = Thread.objects.get(pk=locked.thread_id)
        # Only people not mentioned before are recorded (and told); the same for links.
        _record_mentioned(
            thread=thread,
            author=editor,
            people=mentioned,
            comment=locked,
            anonymous=locked.is_anonymous,
        )
        record_backlinks(source=thread, paths=paths, comment=locked)
    record_audit(  # audit trail (issue 4): ids only, never the comment's words
        actor=None if locked.is_anonymous else editor,
        action=AuditAction.COMMENT_CHANGED,
        target=locked,
        summary=f"Comment {locked.pk} in thread {locked.thread_id} edited: body",
        data={"thread": locked.thread_id, "fields": ["body"]},
    )
    return locked


@transaction.atomic
def delete_comment(*, comment: Comment, by: Person) -> Comment:
    """Soft delete: the comment keeps its place ("Comment removed") so replies make sense.

    Precondition: the view checked `by` may delete it (permissions.check_delete_comment):
    its author, or a moderator of the subject.

    A hidden or removed comment is deleted too (already out of the counts, they stay as
    they are), so a later restore can't bring it back.
    """
    locked = Comment.objects.select_for_update().get(pk=comment.pk)
    if locked.deleted_at is not None:
        return locked
    held = locked.visibility == Visibility.HELD
    locked.deleted_at = timezone.now()
    locked.deleted_by = by
    locked.save(update_fields=["deleted_at", "deleted_by", "updated_at"])
    if held:
        # Never counted nor shown: only its hold closes. Its words stay for the author
        # (privacy.mine) until a purge.
        withdraw_hold(obj=locked, by=by)
    elif locked.visibility == Visibility.VISIBLE:
        _count_comment(locked, -1)
    else:
        # Hidden or removed: out of the counts already; the list still changes (cached).
        Thread.objects.filter(pk=locked.thread_id).update(version=F("version") + 1)
    by_author = by.pk == locked.author_id
    record_audit(  # audit trail (issue 4): ids only, never the comment's words
        actor=None if by_author and locked.is_anonymous else by,
        action=AuditAction.COMMENT_DELETED,
        target=locked,
        summary=f"Comment {locked.pk} in thread {locked.thread_id} removed"
        + (" by its author" if by_author else " by a moderator"),
        data={"thread": locked.thread_id, "by_author": by_author},
    )
    return locked


# --- Reactions --------------------------------------------------------------------------------


def _moved(counts: dict[str, int], *, remove: str | None, add: str | None) -> dict[str, int]:
    result = dict(counts)
    if remove:
        result[remove] = max(0, result.get(remove, 0) - 1)
        if not result[remove]:
            del result[remove]
    if add:
        result[add] = result.get(add, 0) + 1
    return result


def _subject_author_id(thread: Thread) -> int | None:
    """Who wrote the thread's subject (a post's author, an initiative's owner), if anyone."""
    obj = getattr(thread, thread.kind, None) if thread.kind in subjects.registered_kinds() else None
    if obj is None:
        return None
    for attribute in ("author_id", "owner_id"):
        value = getattr(obj, attribute, None)
        if isinstance(value, int):
            return value
    return None


@transaction.atomic
def react(
    *, person: Person, thread: Thread, comment: Comment | None = None, kind: str
) -> str | None:
    """Toggle `person`'s reaction to the thread's subject (or to `comment`).

    No reaction yet: add `kind`. A different kind: change to it (the counts move). The same
    kind again: take it back. Returns the person's reaction afterwards (None when removed).
    """
    if kind not in ReactionKind.values:
        raise ValidationError(_("Choose one of the reactions offered."))
    if comment is not None and comment.thread_id != thread.pk:
        raise ValidationError(_("That comment belongs to another discussion."))
    target: Thread | Comment
    if comment is None:
        target = Thread.objects.select_for_update().get(pk=thread.pk)
        if target.is_locked:
            raise ValidationError(_("This discussion is closed: reactions can't be changed."))
        existing = Reaction.objects.filter(
            person=person, thread=thread, comment__isnull=True
        ).first()
    else:
        target = Comment.objects.select_for_update().get(pk=comment.pk)
        if target.is_deleted:
            raise ValidationError(_("This comment was removed."))
        if Thread.objects.filter(pk=thread.pk, is_locked=True).exists():
            raise ValidationError(_("This discussion is closed: reactions can't be changed."))
        existing = Reaction.objects.filter(person=person, comment=target).first()

    result: str | None
    if existing is None:
        Reaction.objects.create(person=person, thread=thread, comment=comment, kind=kind)
        target.reaction_counts = _moved(target.reaction_counts, remove=None, add=kind)
        target.reaction_total += 1
        result = kind
    elif existing.kind == kind:
        existing.delete()
        target.reaction_counts = _moved(target.reaction_counts, remove=kind, add=None)
        target.reaction_total = max(0, target.reaction_total - 1)
        result = None
    else:
        previous = existing.kind
        existing.kind = kind
        existing.save(update_fields=["kind", "updated_at"])
        target.reaction_counts = _moved(target.reaction_counts, remove=previous, add=kind)
        result = kind
    target.save(update_fields=["reaction_counts", "reaction_total", "updated_at"])
    if comment is not None:
        Thread.objects.filter(pk=thread.pk).update(version=F("version") + 1)
    if existing is None:  # a new reaction, not a change of kind: batched (notifications)
        _notify_reaction(person=person, thread=thread, comment=comment)
    return result


def _notify_reaction(*, person: Person, thread: Thread, comment: Comment | None) -> None:
    """Tell the author: one unread notification per item gathers its reactions (batched)."""
    if comment is not None:
        recipient_id: int | None = comment.author_id
    else:
        recipient_id = _subject_author_id(
            Thread.objects.select_related(*subjects.subject_relations()).get(pk=thread.pk)
        )
    if recipient_id is None or recipient_id == person.pk:
        return
    recipient = Person.objects.select_related("department").filter(pk=recipient_id).first()
    if recipient is None or not _can_see(recipient, thread):
        return  # nobody is told about a discussion they may not see
    # The anonymous author of the thread's idea reacts unnamed, as they comment (decision 18).
    anonymous = writes_anonymously(thread=thread, author=person)
    record_reaction(
        recipient_id=recipient_id,
        actor=None if anonymous else person,
        thread_id=thread.pk,
        comment_id=comment.pk if comment is not None else None,
    )


# --- Mentions and backlinks -------------------------------------------------------------------


def _can_see(person: Person, thread: Thread) -> bool:
    try:
        subject_type = subjects.subject_type(thread.kind)
    except KeyError:
        return False
    return thread.pk in subject_type.visible_thread_ids(person, [thread])


def _record_mentioned(
    *,
    thread: Thread,
    author: Person,
    people: list[Person],
    comment: Comment | None,
    anonymous: bool = False,
) -> list[Mention]:
    """Store new mentions; tell each mentioned person who may see the subject, once.
    `anonymous`: written anonymously, so the notices name nobody (actor None)."""
    if not people:
        return []
    already = set(
        Mention.objects.filter(
            thread=thread, person__in=people, **_comment_filter(comment)
        ).values_list("person_id", flat=True)
    )
    created: list[Mention] = []
    for person in people:
        if person.pk in already:
            continue
        created.append(
            Mention.objects.create(thread=thread, comment=comment, person=person, author=author)
        )
    # Everyone mentioned who hasn't been told yet, not only the new mentions: someone named in
    # a draft is told when the post goes live and record_mentions is called again.
    told = set(
        Notification.objects.filter(
            kind=Notification.Kind.MENTION,
            thread=thread,
            recipient__in=people,
            **_comment_filter(comment),
        ).values_list("recipient_id", flat=True)
    )
    for person in people:
        if person.pk == author.pk or person.pk in told or not _can_see(person, thread):
            continue
        Notification.objects.create(
            recipient_id=person.pk,
            kind=Notification.Kind.MENTION,
            actor=None if anonymous else author,
            thread=thread,
            comment=comment,
        )
    return created


def _comment_filter(comment: Comment | None) -> dict[str, Any]:
    return {"comment": comment} if comment is not None else {"comment__isnull": True}


@transaction.atomic
def record_mentions(
    *,
    thread: Thread,
    author: Person,
    usernames: Iterable[str],
    comment: Comment | None = None,
) -> list[Mention]:
    """Record @mentions of active people in a post's body (or a comment) and notify them.

    Only people not already mentioned there are recorded, and nobody is told twice, so
    calling this after every save is safe. People who can't see the subject *now* (a draft,
    a narrower audience) are recorded but not told: call it again when the post goes live,
    and those not told before are told then.
    """
    wanted = sorted({u.strip().lower() for u in usernames if u and u.strip()})[:MENTION_LIMIT]
    if not wanted:
        return []
    people = list(Person.objects.active().filter(username__in=wanted).order_by("username"))
    return _record_mentioned(thread=thread, author=author, people=people, comment=comment)


def _threads_for_paths(paths: Iterable[str]) -> set[int]:
    condition = Q()
    for path in list(dict.fromkeys(paths))[:BACKLINK_LIMIT]:
        try:
            match = resolve(path.split("?", 1)[0].split("#", 1)[0])
        except Resolver404:
            continue
        target = subjects.link_target(match.view_name)
        if target is None or target[0] not in match.kwargs:
            continue
        kwarg, lookup = target
        condition |= Q(**{lookup: match.kwargs[kwarg]})
    if not condition:
        return set()
    return set(Thread.objects.filter(condition).values_list("pk", flat=True))


@transaction.atomic
def record_backlinks(
    *, source: Thread, paths: Iterable[str], comment: Comment | None = None
) -> int:
    """Record that `source` (or `comment` in it) links to the items at `paths`.

    `paths` are internal addresses ("/posts/12/"); those that don't name a discussable item
    are ignored, as are links to the source itself. Returns how many links are new.
    """
    targets = _threads_for_paths(paths) - {source.pk}
    if not targets:
        return 0
    existing = Backlink.objects.filter(target_id__in=targets, source=source)
    existing = (
        existing.filter(source_comment=comment)
        if comment is not None
        else existing.filter(source_comment__isnull=True)
    )
    new = targets - set(existing.values_list("target_id", flat=True))
    Backlink.objects.bulk_create(
        [
            Backlink(target_id=target_id, source=source, source_comment=comment)
            for target_id in sorted(new)
        ],
        ignore_conflicts=True,
    )
    return len(new)


# --- Counters ---------------------------------------------------------------------------------


def _counts_by_target(reactions: Any, key: str) -> dict[Any, dict[str, int]]:
    counts: dict[Any, dict[str, int]] = {}
    for row in reactions.values(key, "kind").annotate(n=Count("id")):
        counts.setdefault(row[key], {})[row["kind"]] = row["n"]
    return counts


@transaction.atomic
def recount_thread(*, thread: Thread) -> Thread:
    """Rebuild every stored counter of one thread and its comments from the rows."""
    locked = Thread.objects.select_for_update().get(pk=thread.pk)
    comments = Comment.objects.filter(thread=locked)
    counted = comments.filter(deleted_at__isnull=True, visibility=Visibility.VISIBLE)
    locked.comment_count = counted.count()
    subject_counts = _counts_by_target(
        Reaction.objects.filter(thread=locked, comment__isnull=True), "thread_id"
    ).get(locked.pk, {})
    locked.reaction_counts = subject_counts
    locked.reaction_total = sum(subject_counts.values())
    locked.version = F("version") + 1
    locked.save(update_fields=["comment_count", "reaction_counts", "reaction_total", "version"])
    comment_counts = _counts_by_target(
        Reaction.objects.filter(thread=locked, comment__isnull=False), "comment_id"
    )
    replies = dict(
        counted.filter(parent__isnull=False)
        .values_list("parent_id")
        .annotate(n=Count("id"))
        .values_list("parent_id", "n")
    )
    changed = []
    for comment in comments.only("id", "reaction_counts", "reaction_total", "reply_count"):
        counts = comment_counts.get(comment.pk, {})
        total = sum(counts.values())
        reply_count = replies.get(comment.pk, 0)
        if (comment.reaction_counts, comment.reaction_total, comment.reply_count) != (
            counts,
            total,
            reply_count,
        ):
            comment.reaction_counts = counts
            comment.reaction_total = total
            comment.reply_count = reply_count
            changed.append(comment)
    Comment.objects.bulk_update(
        changed, ["reaction_counts", "reaction_total", "reply_count"], batch_size=500
    )
    locked.refresh_from_db()
    return locked


def recount_discussion() -> int:
    """Recount every thread (one transaction per thread). Returns how many were recounted."""
    done = 0
    for thread in Thread.objects.order_by("pk").iterator(chunk_size=500):
        recount_thread(thread=thread)
        done += 1
    return done
