"""Writing posts: create, edit, publish, schedule, archive, pin; their images and files.

Every function is one change of state: keyword-only, atomic, raising ValidationError with a
message an editor understands. Views check who may act (channels.permissions.check_*) first;
these functions only check that the change itself makes sense.

Counting: `Channel.post_count` counts posts whose status is published or scheduled (a
scheduled post goes live by time alone, with no job to bump the count then) and that are
VISIBLE (core.models.Visibility), so it changes only when a post moves into or out of those
two statuses while visible, or changes visibility (`set_post_visibility`) while in them.

The PHI guard (privacy.guard): every text of a post — title, summary, body, each image's
description and each attached file's name (channels.items.post_texts) — is scanned when the
post is created and re-checked after every change of them. A post found to hold possible
patient information is saved HELD whatever its status, drafts included: a draft is seen by
every editor of the channel, and the guard keeps patient information from everyone but its
author and the privacy officers. A held post is not counted, records no mentions or
backlinks and notifies nobody; it can still be published or scheduled, and goes live when
it is released (`set_post_visibility` then does what publishing skipped). Edits of a held
post keep no PostRevision: nobody else saw those words, and a revision would keep them. Any
other edit (of a hidden post too, by a moderator or anyone) keeps one. A hidden or removed
post about to be shown again is scanned first, and held instead if anything is found
(privacy.services.guard_before_showing).

`first_shown_at` is when others could first see the post (live and visible: its publication
time, or the moment it became visible if later). A draft is not shown; a scheduled post gets
its future time, taken back if it goes back to draft (or out of sight) before that time. It
is kept once passed, whatever happens later: the exposure report reads it.

Mentions and backlinks are recorded when a visible post becomes published or scheduled, on
every edit of such a post, and when a published or scheduled post becomes visible; never
for drafts or held posts (discussion.services.record_mentions notifies only
people who can see the post at that moment, and only for new mentions). For a scheduled
post they are recorded at scheduling time: "Mentioned in" lists are filtered by what the
reader may see, so nothing leaks early. Known gap: a person mentioned in a post that goes
live by its schedule (rather than "Publish now") gets the Mention row but no notification,
because nothing runs at that moment.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import PurePath
from typing import Literal

from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Max
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction  # audit trail (issue 4)
from staffroom.audit.services import record_audit  # audit trail (issue 4)
from staffroom.channels.items import (
    BODY,
    FILE_NAME,
    IMAGE_DESCRIPTION,
    SUMMARY,
    TAGS,
    TITLE,
    post_texts,
    tag_text,
)
from staffroom.channels.models import Channel, Post, PostAttachment, PostImage, PostRevision, Tag
from staffroom.core.models import Visibility
from staffroom.core.richtext import RenderedText, find_mentions, render_markdown
from staffroom.core.uploads import check_attachment, process_image
from staffroom.discussion.services import new_thread, record_backlinks, record_mentions
from staffroom.media.services.accessibility import check_video_publishable  # video (issue 7)
from staffroom.notifications.channel_posts import post_went_live
from staffroom.organisation.models import Department, JobFamily, Site
from staffroom.privacy.guard import FieldFinding, scan_texts
from staffroom.strategy.models import Initiative

Action = Literal["draft", "publish", "schedule"]

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
BODY_MAX_LENGTH = 50_000
MAX_TAGS = 10
TAG_MAX_LENGTH = 60
ALT_TEXT_MAX_LENGTH = 250
# A channel's top stays a top: more than three pinned posts and nothing stands out.
MAX_PINNED_PER_CHANNEL = 3
MAX_IMAGES_PER_POST = 20
MAX_ATTACHMENTS_PER_POST = 10

_COUNTED = (Post.Status.PUBLISHED, Post.Status.SCHEDULED)


@dataclass(frozen=True)
class PostWords:
    """Title, summary and body, trimmed and checked."""

    title: str
    summary: str
    body: str


# --- Checking what was typed -------------------------------------------------------------


def clean_words(*, title: str, summary: str, body: str) -> PostWords:
    """Trim and check the words of a post; every problem is reported at once, per field."""
    title = (title or "").strip()
    summary = (summary or "").strip()
    body = (body or "").strip()
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give the post a title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _(
            "The title is %(length)d characters long; keep it to %(max)d or fewer."
        ) % {"length": len(title), "max": TITLE_MAX_LENGTH}
    if len(summary) > SUMMARY_MAX_LENGTH:
        errors["summary"] = _(
            "The summary is %(length)d characters long; keep it to %(max)d or fewer."
        ) % {"length": len(summary), "max": SUMMARY_MAX_LENGTH}
    if not body:
        errors["body"] = _("Write something in the body of the post.")
    elif len(body) > BODY_MAX_LENGTH:
        errors["body"] = _(
            "The body is %(length)s characters long; keep it to %(max)s or fewer "
            "(split it into several posts, or attach a document)."
        ) % {"length": f"{len(body):,}", "max": f"{BODY_MAX_LENGTH:,}"}
    if errors:
        raise ValidationError(errors)
    return PostWords(title=title, summary=summary, body=body)


def normalise_tags(tags: Iterable[str]) -> list[tuple[str, str]]:
    """(slug, name) pairs, duplicates removed, order kept. Raises for too many or too long."""
    result: dict[str, str] = {}
    for raw in tags:
        name = " ".join((raw or "").split()).lstrip("#")
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                {
                    "tags": _("The tag “%(tag)s…” is too long: keep tags to %(max)d characters.")
                    % {"tag": name[:20], "max": TAG_MAX_LENGTH}
                }
            )
        slug = slugify(name)[:TAG_MAX_LENGTH]
        if not slug:
            raise ValidationError(
                {"tags": _("The tag “%(tag)s” has no letters or digits.") % {"tag": name}}
            )
        result.setdefault(slug, name)
    if len(result) > MAX_TAGS:
        raise ValidationError(
            {
                "tags": _("Use at most %(max)d tags (you gave %(count)d).")
                % {"max": MAX_TAGS, "count": len(result)}
            }
        )
    return list(result.items())


def parse_tags(text: str) -> list[str]:
    """Tags as typed in one field, separated by commas."""
    return [part.strip() for part in (text or "").split(",") if part.strip()]


def check_publish_at(publish_at: datetime | None) -> datetime:
    if publish_at is None:
        raise ValidationError({"publish_at": _("Choose when the post should go live.")})
    if timezone.is_naive(publish_at):
        publish_at = timezone.make_aware(publish_at)
    if publish_at <= timezone.now():
        raise ValidationError(
            {
                "publish_at": _(
                    "Choose a time in the future to schedule the post, or publish it now."
                )
            }
        )
    return publish_at


def check_alt_text(alt_text: str, *, file_name: str = "") -> str:
    alt_text = " ".join((alt_text or "").split())
    if not alt_text:
        raise ValidationError(
            {
                "alt_text": _(
                    "Describe the image for people who can't see it (for example “Ward 7 team "
                    "holding their award”)."
                )
            }
        )
    if len(alt_text) > ALT_TEXT_MAX_LENGTH:
        raise ValidationError(
            {
                "alt_text": _("Keep the description to %(max)d characters or fewer.")
                % {"max": ALT_TEXT_MAX_LENGTH}
            }
        )
    if file_name:
        name = PurePath(file_name).name.lower()
        if alt_text.lower() in {name, PurePath(name).stem}:
            raise ValidationError(
                {"alt_text": _("Describe what the image shows, not its file name.")}
            )
    return alt_text


# --- Rendering, mentions, backlinks -------------------------------------------------------


def render_body(body: str) -> RenderedText:
    """The body as sanitised HTML, with @mentions of active people linked to their pages."""
    usernames = find_mentions(body)
    people: dict[str, tuple[str, str]] = {}
    if usernames:
        for person in Person.objects.active().filter(username__in=[u.lower() for u in usernames]):
            people[person.username] = (person.display_name, person.get_absolute_url())
    return render_markdown(body, people=people)


# Called where `post_went_live` is, in the same transaction; apps register in ready().
after_post_went_live: list[Callable[[Post], object]] = []


def _record_links(post: Post, rendered: RenderedText, author: Person) -> None:
    if post.status not in _COUNTED or post.visibility != Visibility.VISIBLE:
        return
    record_mentions(thread=post.thread, author=author, usernames=rendered.mentions)
    record_backlinks(source=post.thread, paths=rendered.internal_paths)
    post_went_live(post)  # its channel's followers who asked are told (once per post)
    for callback in after_post_went_live:  # chat cards (staffroom.chat)
        callback(post)


def _set_tags(post: Post, tags: Sequence[str]) -> None:
    pairs = normalise_tags(tags)
    existing = {t.slug: t for t in Tag.objects.filter(slug__in=[slug for slug, _n in pairs])}
    for slug, name in pairs:
        if slug not in existing:
            existing[slug], _created = Tag.objects.get_or_create(slug=slug, defaults={"name": name})
    post.tags.set([existing[slug] for slug, _n in pairs])


def _set_audience(
    post: Post,
    sites: Iterable[Site],
    departments: Iterable[Department],
    job_families: Iterable[JobFamily],
) -> bool:
    sites, departments, job_families = list(sites), list(departments), list(job_families)
    post.audience_sites.set(sites)
    post.audience_departments.set(departments)
    post.audience_job_families.set(job_families)
    return bool(sites or departments or job_families)


def _count(channel_id: int, delta: int) -> None:
    Channel.objects.filter(pk=channel_id).update(post_count=F("post_count") + delta)


def _is_counted(status: str, visibility: str) -> bool:
    return status in _COUNTED and visibility == Visibility.VISIBLE


def _move_count(post: Post, old_status: str) -> None:
    was = _is_counted(old_status, post.visibility)
    now = _is_counted(post.status, post.visibility)
    if was != now:
        _count(post.channel_id, 1 if now else -1)


def _locked(post: Post) -> Post:
    """The post's row, locked for this transaction, so two editors can't interleave."""
    return Post.objects.select_for_update().select_related("channel", "thread").get(pk=post.pk)


def _save_status(post: Post, old_status: str, *fields: str) -> None:
    post.version = F("version") + 1
    post.save(update_fields=["status", "published_at", "pinned_at", "version", *fields])
    post.refresh_from_db(fields=["version"])
    _move_count(post, old_status)
    _sync_first_shown(post)


def _sync_first_shown(post: Post, *, became_visible: bool = False) -> None:
    """Keep `first_shown_at` true after a change of status or visibility (module doc).

    A status change shows it from its publication time; a live post that only now became
    visible (released, restored) is shown from now."""
    now = timezone.now()
    current = post.first_shown_at
    if _is_counted(post.status, post.visibility) and post.published_at is not None:
        if current is not None and current <= now:
            return  # already shown: the first time stays
        new: datetime | None = max(post.published_at, now) if became_visible else post.published_at
    else:
        if current is None or current <= now:
            return
        new = None  # it was due to go live and now won't: never shown
    if new != current:
        Post.objects.filter(pk=post.pk).update(first_shown_at=new)
        post.first_shown_at = new


# --- Posts ---------------------------------------------------------------------------------


def _same_submission(key: uuid.UUID, *, channel: Channel, author: Person) -> Post | None:
    """The post this same form already made, or None for a new key.

    A key used by someone else, or for another channel, is refused rather than answered
    with that post: a form's key is never a way to reach another person's post.
    """
    existing = Post.objects.filter(submission_key=key).first()
    if existing is None:
        return None
    if existing.author_id != author.pk or existing.channel_id != channel.pk:
        raise ValidationError(
            _("This form was already used. Reload the page and write your post again.")
        )
    return existing


def _initial_status(action: str, publish_at: datetime | None) -> tuple[str, datetime | None]:
    if action == "draft":
        return Post.Status.DRAFT, None
    if action == "publish":
        return Post.Status.PUBLISHED, timezone.now()
    if action == "schedule":
        return Post.Status.SCHEDULED, check_publish_at(publish_at)
    raise ValidationError(_("Choose whether to save a draft, publish or schedule."))


@transaction.atomic
def create_post(
    *,
    channel: Channel,
    author: Person,
    title: str,
    summary: str,
    body: str,
    tags: Sequence[str],
    audience_sites: Iterable[Site] = (),
    audience_departments: Iterable[Department] = (),
    audience_job_families: Iterable[JobFamily] = (),
    initiative: Initiative | None = None,
    action: Action = "draft",
    publish_at: datetime | None = None,
    submission_key: uuid.UUID | None = None,
    image: UploadedFile | None = None,
    alt_text: str = "",
    attachment: UploadedFile | None = None,
) -> Post:
    """A new post in `channel`: saved as a draft, published now, or scheduled; optionally
    with one image (and its description) and one attachment, all or nothing.

    A `submission_key` already used returns the post it made, unchanged: a form sent twice
    (a double click, a retried request) creates one post with its files once.

    Every text of the post is scanned by the PHI guard first: a post with possible patient
    information is created HELD (see the module docstring) and a privacy hold is opened.
    """
    if submission_key is not None:
        existing = _same_submission(submission_key, channel=channel, author=author)
        if existing is not None:
            return existing
    words = clean_words(title=title, summary=summary, body=body)
    normalise_tags(tags)  # report bad tags before writing anything
    if image is not None:
        check_alt_text(alt_text, file_name=image.name or "")
    status, published_at = _initial_status(action, publish_at)
    rendered = render_body(words.body)
    findings = scan_texts(_typed_texts(words, tags, image, alt_text, attachment))
    try:
        with transaction.atomic():
            post = Post.objects.create(
                channel=channel,
                author=author,
                title=words.title,
                summary=words.summary,
                body=words.body,
                body_html=rendered.html,
                status=status,
                published_at=published_at,
                initiative=initiative,
                thread=new_thread(kind="post"),
                submission_key=submission_key,
                visibility=Visibility.HELD if findings else Visibility.VISIBLE,
            )
    except IntegrityError:
        # The same form, sent twice at the same moment: the other request made the post.
        if submission_key is not None:
            existing = _same_submission(submission_key, channel=channel, author=author)
            if existing is not None:
                return existing
        raise
    _set_tags(post, tags)
    if _set_audience(post, audience_sites, audience_departments, audience_job_families):
        post.audience_restricted = True
        post.save(update_fields=["audience_restricted"])
    # Stored tag names can differ from the typed ones (an existing tag keeps its spelling),
    # and stored file names are made safe: the post as stored decides.
    findings = _add_new_files(post, author, image=image, alt_text=alt_text, attachment=attachment)
    held = bool(findings)
    if not held:
        if status in _COUNTED:
            _count(channel.pk, 1)
        _record_links(post, rendered, author)
    _sync_first_shown(post)
    post.refresh_from_db(fields=["version"])
    _audit(post, author, AuditAction.POST_CREATED)
    if held:
        from staffroom.privacy.services import hold_item

        hold_item(obj=post, author=author, findings=findings)
    return post


def _typed_texts(
    words: PostWords,
    tags: Sequence[str],
    image: UploadedFile | None,
    alt_text: str,
    attachment: UploadedFile | None,
) -> dict[str, str]:
    """A new post's texts as typed, labelled as channels.items.post_texts labels them, to
    scan before anything is written (file names as uploaded)."""
    typed = {TITLE: words.title, SUMMARY: words.summary, BODY: words.body}
    typed[TAGS] = tag_text(name for _slug, name in normalise_tags(tags))
    if image is not None:
        typed[f"{IMAGE_DESCRIPTION} 1"] = alt_text
    if attachment is not None:
        typed[f"{FILE_NAME} 1"] = attachment.name or ""
    return typed


def _add_new_files(
    post: Post,
    author: Person,
    *,
    image: UploadedFile | None,
    alt_text: str,
    attachment: UploadedFile | None,
) -> list[FieldFinding]:
    """Save a new post's files; return the findings in the post as stored, its visibility
    set to match.

    A stored file name is the uploaded one made safe, so the post is scanned again once the
    files are saved, and that decides. Nobody has seen the post yet: this is still "created
    so", not a change of visibility (no counts or links were made).
    """
    if attachment is not None:
        _add_attachment(post=post, editor=author, upload=attachment)
    if image is not None:
        _add_image(post=post, editor=author, upload=image, alt_text=alt_text)
    findings = scan_texts(post_texts(post))
    if bool(findings) != (post.visibility == Visibility.HELD):
        post.visibility = Visibility.HELD if findings else Visibility.VISIBLE
        post.save(update_fields=["visibility"])
    return findings


@transaction.atomic
def edit_post(
    *,
    post: Post,
    editor: Person,
    title: str,
    summary: str,
    body: str,
    tags: Sequence[str],
    audience_sites: Iterable[Site] = (),
    audience_departments: Iterable[Department] = (),
    audience_job_families: Iterable[JobFamily] = (),
    initiative: Initiative | None = None,
    expected_version: int | None = None,
) -> Post:
    """Change a post's words, tags, audience or initiative; its status stays as it is.

    The arguments are the post's whole new state: tags, audience lists and initiative
    replace the old ones (an omitted audience list means "everyone").

    The previous words are kept as a PostRevision when title, summary or body change,
    unless the post is held (nobody else saw them; a hidden post's are kept: others did).
    An edit of a live, visible post is marked (edited_at, last_edited_by).
    `expected_version` is the version the editor's form showed: if someone changed the words
    since, the edit is refused rather than silently overwriting theirs. Changed words are
    checked again by the PHI guard: a visible or hidden post that now holds patient
    information is held; a held post edited clean is published.
    """
    words = clean_words(title=title, summary=summary, body=body)
    normalise_tags(tags)
    post = _locked(post)
    audit_before = _audited_fields(post)  # audit trail (issue 4)
    words_changed = (words.title, words.summary, words.body) != (
        post.title,
        post.summary,
        post.body,
    )
    if expected_version is not None and expected_version != post.version and words_changed:
        raise ValidationError(
            _(
                "Someone else changed this post while you were editing it. Your text is "
                "below; copy it, reload the page to see their changes, then edit again."
            )
        )
    fields = ["initiative", "audience_restricted", "version"]
    was_visible = post.visibility == Visibility.VISIBLE
    if words_changed:
        if post.visibility != Visibility.HELD:
            number = (post.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
            PostRevision.objects.create(
                post=post,
                number=number,
                title=post.title,
                summary=post.summary,
                body=post.body,
                # Who replaced these words, and when: the revision list reads "replaced by".
                editor=editor,
                created_at=timezone.now(),
            )
        rendered = render_body(words.body)
        post.title, post.summary, post.body = words.title, words.summary, words.body
        post.body_html = rendered.html
        fields += ["title", "summary", "body", "body_html"]
        post.last_edited_by = editor
        fields.append("last_edited_by")
        if post.is_live and was_visible:
            # Readers see "edited" only for changes made after they could read it.
            post.edited_at = timezone.now()
            fields.append("edited_at")
    post.initiative = initiative
    post.audience_restricted = _set_audience(
        post, audience_sites, audience_departments, audience_job_families
    )
    if post.audience_restricted and post.is_public:
        # Only posts for everyone are public; lifting the audience later must not quietly
        # make it public again.
        post.is_public = False
        fields.append("is_public")
    old_tags = tag_text(post.tags.values_list("name", flat=True))
    _set_tags(post, tags)
    tags_changed = tag_text(post.tags.values_list("name", flat=True)) != old_tags
    post.version = F("version") + 1
    post.save(update_fields=fields)
    post.refresh_from_db(fields=["version"])
    if words_changed or tags_changed:
        _recheck(post, editor)  # tags are written words too (channels.items.post_texts)
    if words_changed:
        _record_links(post, rendered, editor)
    after = _audited_fields(post)
    changed = [name for name in after if after[name] != audit_before[name]]
    record_audit(  # audit trail (issue 4): which fields changed, never their words
        actor=editor,
        action=AuditAction.POST_CHANGED,
        target=post,
        summary=f"Post {post.pk} edited: {', '.join(changed)}",
        data={"channel": post.channel_id, "fields": changed},
    )
    return post


@transaction.atomic
def publish_post(*, post: Post, editor: Person) -> Post:
    """Put a draft or scheduled post live now."""
    post = _locked(post)
    if post.status == Post.Status.PUBLISHED:
        raise ValidationError(_("This post is already published."))
    if post.status == Post.Status.ARCHIVED:
        raise ValidationError(_("This post is archived: restore it first."))
    if post.video_id is not None:  # video (issue 7): ready, with captions or a transcript
        check_video_publishable(post)
    old_status = post.status
    if post.status == Post.Status.SCHEDULED and post.is_live:
        post.status = Post.Status.PUBLISHED  # its time came: keep the time it went live
    else:
        post.status, post.published_at = Post.Status.PUBLISHED, timezone.now()
    _save_status(post, old_status)
    if old_status not in _COUNTED:
        _record_links(post, render_body(post.body), editor)
    _audit(post, editor, AuditAction.POST_PUBLISHED, old_status)
    return post


@transaction.atomic
def schedule_post(*, post: Post, editor: Person, publish_at: datetime | None) -> Post:
    """Make a draft (or a post not yet live) go live at `publish_at`, in the future."""
    publish_at = check_publish_at(publish_at)
    post = _locked(post)
    if post.is_live:
        raise ValidationError(
            _("This post is already live. Move it back to draft first to schedule it again.")
        )
    if post.status == Post.Status.ARCHIVED:
        raise ValidationError(_("This post is archived: restore it first."))
    if post.video_id is not None:  # video (issue 7): ready, with captions or a transcript
        check_video_publishable(post)
    old_status = post.status
    post.status, post.published_at = Post.Status.SCHEDULED, publish_at
    _save_status(post, old_status)
    if old_status not in _COUNTED:
        _record_links(post, render_body(post.body), editor)
    _audit(post, editor, AuditAction.POST_SCHEDULED, old_status)
    return post


@transaction.atomic
def unpublish_post(*, post: Post, editor: Person) -> Post:
    """Take a published or scheduled post back to draft: nobody but editors sees it."""
    post = _locked(post)
    if post.status not in _COUNTED:
        raise ValidationError(_("Only a published or scheduled post can go back to draft."))
    old_status = post.status
    post.status, post.published_at, post.pinned_at = Post.Status.DRAFT, None, None
    post.is_public = False
    _save_status(post, old_status, "is_public")
    _audit(post, editor, AuditAction.POST_UNPUBLISHED, old_status)
    return post


@transaction.atomic
def archive_post(*, post: Post, editor: Person) -> Post:
    """Take a post out of feeds and the channel; editors can still find and restore it."""
    post = _locked(post)
    if post.status == Post.Status.ARCHIVED:
        raise ValidationError(_("This post is already archived."))
    old_status = post.status
    post.status, post.pinned_at = Post.Status.ARCHIVED, None
    post.is_public = False  # restoring brings it back internal; sharing is a fresh decision
    _save_status(post, old_status, "is_public")
    _audit(post, editor, AuditAction.POST_ARCHIVED, old_status)
    return post


@transaction.atomic
def restore_post(*, post: Post, editor: Person) -> Post:
    """Bring an archived post back as it was: published, scheduled, or a draft."""
    post = _locked(post)
    if post.status != Post.Status.ARCHIVED:
        raise ValidationError(_("Only an archived post can be restored."))
    old_status = post.status
    if post.published_at is None:
        post.status = Post.Status.DRAFT
    elif post.published_at > timezone.now():
        post.status = Post.Status.SCHEDULED
    else:
        post.status = Post.Status.PUBLISHED
    if post.video_id is not None and post.status != Post.Status.DRAFT:
        check_video_publishable(post)  # video (issue 7): its captions may have gone meanwhile
    _save_status(post, old_status)
    _audit(post, editor, AuditAction.POST_RESTORED, old_status)
    return post


@transaction.atomic
def pin_post(*, post: Post, editor: Person) -> Post:
    """Keep a live post at the top of its channel (at most MAX_PINNED_PER_CHANNEL)."""
    # Lock the channel: two editors pinning at once can't both take the last place.
    Channel.objects.select_for_update().filter(pk=post.channel_id).first()
    post = _locked(post)
    if post.pinned_at is not None:
        return post
    if post.status not in _COUNTED:
        raise ValidationError(_("Only a published or scheduled post can be pinned."))
    if post.visibility != Visibility.VISIBLE:
        raise ValidationError(_("Only a post everyone in its audience can see can be pinned."))
    pinned = Post.objects.filter(channel_id=post.channel_id, pinned_at__isnull=False).count()
    if pinned >= MAX_PINNED_PER_CHANNEL:
        raise ValidationError(
            ngettext(
                "This channel already has %(count)d pinned post: unpin it first.",
                "This channel already has %(count)d pinned posts: unpin one first.",
                MAX_PINNED_PER_CHANNEL,
            )
            % {"count": MAX_PINNED_PER_CHANNEL}
        )
    post.pinned_at = timezone.now()
    _save_status(post, post.status)
    _audit(post, editor, AuditAction.POST_PINNED)
    return post


@transaction.atomic
def unpin_post(*, post: Post, editor: Person) -> Post:
    post = _locked(post)
    if post.pinned_at is None:
        return post
    post.pinned_at = None
    _save_status(post, post.status)
    _audit(post, editor, AuditAction.POST_UNPINNED)
    return post


@transaction.atomic
def set_post_visibility(*, post: Post, visibility: str) -> Post:
    """The one way a post's visibility changes (core.items.ItemKind.set_visibility).

    Keeps true at once everything that depends on it: the channel's post count, the cached
    cards (the version is bumped), and, when a published or scheduled post becomes visible,
    the mentions, backlinks and notifications that publishing it skipped (recorded once:
    those already told are not told again). A post taken out of sight stops being public:
    sharing it again is a fresh decision. The caller (privacy, moderation) audits why.
    """
    if visibility not in Visibility.values:
        raise ValueError(f"Unknown visibility {visibility!r}")
    current = _locked(post)
    old = current.visibility
    findings: list[FieldFinding] = []
    if visibility == Visibility.VISIBLE and old in (Visibility.HIDDEN, Visibility.REMOVED):
        from staffroom.privacy.services import guard_before_showing

        # Its words may have changed while nobody could see them: held instead if need be.
        findings = guard_before_showing(current)
        if findings:
            visibility = Visibility.HELD
    if old != visibility:
        current.visibility = visibility
        fields = ["visibility", "version", "updated_at"]
        if visibility != Visibility.VISIBLE and current.is_public:
            current.is_public = False
            fields.append("is_public")
        current.version = F("version") + 1
        current.save(update_fields=fields)
        current.refresh_from_db(fields=["version"])
        was, now = _is_counted(current.status, old), _is_counted(current.status, visibility)
        if was != now:
            _count(current.channel_id, 1 if now else -1)
        if visibility == Visibility.VISIBLE:
            _record_links(current, render_body(current.body), current.author)
        _sync_first_shown(current, became_visible=True)
    if findings:
        from staffroom.privacy.services import hold_item

        hold_item(obj=current, findings=findings)
    post.visibility, post.version = current.visibility, current.version
    post.is_public, post.updated_at = current.is_public, current.updated_at
    post.first_shown_at = current.first_shown_at
    return post


def _audit(post: Post, editor: Person, action: AuditAction, old_status: str = "") -> None:
    """Audit trail (issue 4): ids and statuses only, never the post's words."""
    data: dict[str, object] = {"channel": post.channel_id, "status": post.status}
    if old_status and old_status != post.status:
        data["from_status"] = old_status
    record_audit(
        actor=editor,
        action=action,
        target=post,
        summary=f"Post {post.pk} in channel {post.channel_id}: {action.label}",
        data=data,
    )


def _audited_fields(post: Post) -> dict[str, object]:
    """Audit trail (issue 4): what an edit may change, to name (never show) what it did."""
    return {
        "title": post.title,
        "summary": post.summary,
        "body": post.body,
        "initiative": post.initiative_id,
        "audience_restricted": post.audience_restricted,
        "is_public": post.is_public,
    }


def _recheck(post: Post, editor: Person) -> None:
    """After a post's texts changed: the PHI guard holds it, updates its hold, or lets it
    go (privacy.services.recheck_after_edit); `post` then carries what that decided."""
    from staffroom.privacy.services import recheck_after_edit

    recheck_after_edit(obj=post, editor=editor)
    post.refresh_from_db(fields=["visibility", "version", "is_public", "updated_at"])


def _bump_version(post: Post) -> None:
    Post.objects.filter(pk=post.pk).update(version=F("version") + 1)
    post.refresh_from_db(fields=["version"])


def _delete_file_after_commit(name: str) -> None:
    transaction.on_commit(lambda: default_storage.delete(name))


# --- Images and attachments ----------------------------------------------------------------

_IMAGE_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


@transaction.atomic
def add_post_image(*, post: Post, editor: Person, upload: UploadedFile, alt_text: str) -> PostImage:
    """Add an image, re-encoded (resized, metadata such as GPS removed), with its description.

    The file is written to storage only after every check has passed. The description is
    a text of the post: the PHI guard checks the post again (see `edit_post`).
    """
    image = _add_image(post=post, editor=editor, upload=upload, alt_text=alt_text)
    _recheck(post, editor)
    return image


def _add_image(*, post: Post, editor: Person, upload: UploadedFile, alt_text: str) -> PostImage:
    alt_text = check_alt_text(alt_text, file_name=upload.name or "")
    if post.images.count() >= MAX_IMAGES_PER_POST:
        raise ValidationError(
            {"image": _("A post can have at most %(max)d images.") % {"max": MAX_IMAGES_PER_POST}}
        )
    upload.seek(0)
    try:
        processed = process_image(upload)
    except ValidationError as error:
        raise ValidationError({"image": error.messages}) from error
    position = (post.images.aggregate(p=Max("position"))["p"] or 0) + 1
    image = PostImage(
        post=post,
        alt_text=alt_text,
        position=position,
        uploaded_by=editor,
        width=processed.width,
        height=processed.height,
    )
    extension = _IMAGE_EXTENSIONS.get(processed.content_type, "jpg")
    image.image.save(f"{uuid.uuid4().hex}.{extension}", processed.content, save=False)
    name = image.image.name
    try:
        image.save()
    except Exception:
        default_storage.delete(name)
        raise
    _bump_version(post)
    return image


@transaction.atomic
def remove_post_image(*, post: Post, editor: Person, image: PostImage) -> None:
    if image.post_id != post.pk:
        raise ValidationError(_("That image isn't part of this post."))
    name = image.image.name
    image.delete()
    _delete_file_after_commit(name)
    _bump_version(post)
    _recheck(post, editor)


@transaction.atomic
def add_post_attachment(*, post: Post, editor: Person, upload: UploadedFile) -> PostAttachment:
    """Attach a PDF or office document, its type checked by its content, not its name.

    The file's name is a text of the post: the PHI guard checks the post again.
    """
    attachment = _add_attachment(post=post, editor=editor, upload=upload)
    _recheck(post, editor)
    return attachment


def _add_attachment(*, post: Post, editor: Person, upload: UploadedFile) -> PostAttachment:
    if post.attachments.count() >= MAX_ATTACHMENTS_PER_POST:
        raise ValidationError(
            {
                "attachment": _("A post can have at most %(max)d attachments.")
                % {"max": MAX_ATTACHMENTS_PER_POST}
            }
        )
    upload.seek(0)
    try:
        checked = check_attachment(upload)
    except ValidationError as error:
        raise ValidationError({"attachment": error.messages}) from error
    upload.seek(0)
    attachment = PostAttachment(
        post=post,
        original_name=checked.safe_name,
        content_type=checked.content_type,
        size_bytes=checked.size_bytes,
        uploaded_by=editor,
    )
    extension = checked.extension.lstrip(".")
    attachment.file.save(f"{uuid.uuid4().hex}.{extension}", upload, save=False)
    name = attachment.file.name
    try:
        attachment.save()
    except Exception:
        default_storage.delete(name)
        raise
    _bump_version(post)
    return attachment


@transaction.atomic
def remove_post_attachment(*, post: Post, editor: Person, attachment: PostAttachment) -> None:
    if attachment.post_id != post.pk:
        raise ValidationError(_("That file isn't part of this post."))
    name = attachment.file.name
    attachment.delete()
    _delete_file_after_commit(name)
    _bump_version(post)
    _recheck(post, editor)


@transaction.atomic
def recount_channel_posts() -> int:
    """Rebuild every channel's `post_count` from its posts; return how many channels changed.

    Counted as everywhere (module docstring): published or scheduled, and visible.
    """
    counted = dict(
        Post.objects.filter(status__in=_COUNTED, visibility=Visibility.VISIBLE)
        .values_list("channel_id")
        .annotate(n=Count("pk"))
        .values_list("channel_id", "n")
    )
    channels = list(Channel.objects.select_for_update().only("pk", "post_count"))
    changed = [c for c in channels if c.post_count != counted.get(c.pk, 0)]
    for channel in changed:
        channel.post_count = counted.get(channel.pk, 0)
    Channel.objects.bulk_update(changed, ["post_count"], batch_size=500)
    return len(changed)


def publish_due_posts() -> int:
    """Mark scheduled posts whose time has come as published; return how many.

    Visibility never waits for this (a scheduled post is live once `published_at` passes);
    it exists so the people mentioned in a scheduled post are notified once they can see it,
    which they couldn't when it was scheduled. The workers' clock runs it every minute
    (staffroom.jobs.upkeep). Safe to run twice at once: each post
    is taken under a row lock and only while still scheduled.
    """
    due = list(
        Post.objects.filter(
            status=Post.Status.SCHEDULED,
            published_at__lte=timezone.now(),
            # A held post stays scheduled: releasing it records its mentions.
            visibility=Visibility.VISIBLE,
        ).values_list("pk", flat=True)
    )
    published = 0
    for pk in due:
        with transaction.atomic():
            post = Post.objects.select_for_update().select_related("author", "thread").get(pk=pk)
            if not post.is_shown or post.status != Post.Status.SCHEDULED:
                continue
            post.status = Post.Status.PUBLISHED
            post.save(update_fields=["status", "updated_at"])
            _record_links(post, render_body(post.body), post.author)
            published += 1
    return published
