"""A person's own data, as a ZIP: everything they wrote and everything stored about them.

Each section is a JSON file (for machines) and an HTML file (for people), and README.html
links them. The archive is written to a temporary file on disk, one section at a time and
rows in chunks, so memory stays bounded for a person with thousands of comments. Names
inside the archive are fixed: nothing a person typed becomes a path.

Only the person's own words are included in full. Where a row points at something another
person owns (the post a comment was made on), its title is named only if the person can
still see it; other people's words never appear.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from typing import IO, Any, TypeVar
from zipfile import ZIP_DEFLATED, ZipFile

from django.db.models import Prefetch
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person, RoleGrant
from staffroom.audit.models import AuditEntry
from staffroom.channels.models import ChannelFollow, FeedDelivery, Post, PostRevision, PostView
from staffroom.discussion.models import Comment, CommentRevision, Reaction, Thread
from staffroom.discussion.subjects import subject_relations, subject_summary, visible_thread_ids
from staffroom.ideas.models import Contributor, Follow, Idea, Response, Vote
from staffroom.media.models import VideoView
from staffroom.moderation.models import Flag, ModerationAction, Suspension
from staffroom.notifications.models import Notification
from staffroom.privacy.models import PrivacyHold
from staffroom.strategy.models import InitiativeResponse

CHUNK_SIZE = 500
PHOTO_EXTENSIONS = {".jpg", ".jpeg", ".png", ".gif", ".webp"}

T = TypeVar("T")
Record = dict[str, Any]


@dataclass(frozen=True)
class Section:
    """One part of the export: `name` is the file stem (fixed, never user input)."""

    name: str
    title: str
    rows: Callable[[Person], Iterator[Record]]


def _batched(items: Iterable[T], size: int) -> Iterator[list[T]]:
    batch: list[T] = []
    for item in items:
        batch.append(item)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2, default=str)


def _hidden_subject() -> str:
    return _("an item you can no longer see")


def _subjects(person: Person, threads: list[Thread]) -> dict[int, tuple[str, str] | None]:
    """Title and address of each thread's subject, or None where the person can't see it."""
    visible = visible_thread_ids(person, threads)
    return {
        thread.pk: (subject_summary(thread) if thread.pk in visible else None) for thread in threads
    }


def _subject_fields(summary: tuple[str, str] | None) -> Record:
    if summary is None:
        return {"subject_title": _hidden_subject(), "subject_url": None}
    return {"subject_title": summary[0], "subject_url": summary[1]}


# --- Sections ---------------------------------------------------------------------------------


def _profile_rows(person: Person) -> Iterator[Record]:
    me = Person.objects.select_related("job_family", "unit", "department__site", "manager").get(
        pk=person.pk
    )
    roles = [
        {
            "role": grant.get_role_display(),
            "site": grant.site.name if grant.site else None,
            "department": grant.department.name if grant.department else None,
            "granted_at": grant.created_at,
        }
        for grant in RoleGrant.objects.filter(person=me)
        .select_related("site", "department")
        .order_by("created_at", "id")
    ]
    manager = me.manager
    yield {
        "username": me.username,
        "employee_id": me.employee_id,
        "first_name": me.first_name,
        "last_name": me.last_name,
        "preferred_name": me.preferred_name,
        "email": me.email,
        "job_title": me.job_title,
        "job_family": me.job_family.name if me.job_family else None,
        "unit": me.unit.name if me.unit else None,
        "department": me.department.name if me.department else None,
        "site": me.department.site.name if me.department else None,
        "manager": f"{manager.first_name} {manager.last_name}" if manager else None,
        "shift_pattern": me.get_shift_pattern_display() or None,
        "preferred_language": me.preferred_language,
        "active": me.is_active,
        "left_on": me.left_on,
        "date_joined": me.date_joined,
        "last_login": me.last_login,
        "roles": roles,
        "has_photo": bool(me.photo),
    }


def _post_rows(person: Person) -> Iterator[Record]:
    posts = (
        Post.objects.filter(author=person)
        .select_related("channel")
        .prefetch_related(
            "tags",
            "audience_sites",
            "audience_departments",
            "audience_job_families",
            Prefetch(
                "revisions",
                queryset=PostRevision.objects.order_by("number"),
                to_attr="all_revisions",
            ),
        )
        .order_by("created_at", "id")
    )
    for post in posts.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": post.pk,
            "title": post.title,
            "summary": post.summary,
            "body_markdown": post.body,
            "status": post.status,
            "channel": post.channel.name,
            "url": post.get_absolute_url(),
            "created_at": post.created_at,
            "published_at": post.published_at,
            "edited_at": post.edited_at,
            "public": post.is_public,
            "tags": [tag.name for tag in post.tags.all()],
            "audience": {
                "sites": [site.name for site in post.audience_sites.all()],
                "departments": [d.name for d in post.audience_departments.all()],
                "job_families": [j.name for j in post.audience_job_families.all()],
            },
            "revisions": [
                {
                    "number": revision.number,
                    "title": revision.title,
                    "summary": revision.summary,
                    "body_markdown": revision.body,
                    "replaced_at": revision.created_at,
                    "replaced_by_you": revision.editor_id == person.pk,
                }
                for revision in post.all_revisions  # type: ignore[attr-defined]  # Prefetch to_attr
            ],
        }


def _post_edit_rows(person: Person) -> Iterator[Record]:
    """When the person changed a post someone else wrote (as a channel editor).

    A revision holds the words *before* the edit, which may be another person's, so only
    the time and the post are given, and the post's title only if the person can see it.
    """
    revisions = (
        PostRevision.objects.filter(editor=person)
        .exclude(post__author=person)
        .select_related("post__thread")
        .order_by("created_at", "id")
    )
    for batch in _batched(revisions.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        visible = visible_thread_ids(person, [revision.post.thread for revision in batch])
        for revision in batch:
            post = revision.post
            seen = post.thread_id in visible
            yield {
                "post_id": post.pk,
                "subject_title": post.title if seen else _hidden_subject(),
                "subject_url": post.get_absolute_url() if seen else None,
                "edited_at": revision.created_at,
            }


def _comment_rows(person: Person) -> Iterator[Record]:
    comments = (
        Comment.objects.filter(author=person)
        .select_related("thread", *subject_relations("thread__"))
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=CommentRevision.objects.order_by("created_at", "id"),
                to_attr="my_revisions",
            )
        )
        .order_by("created_at", "id")
    )
    for batch in _batched(comments.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        subjects = _subjects(person, [comment.thread for comment in batch])
        for comment in batch:
            yield {
                "id": comment.pk,
                **_subject_fields(subjects[comment.thread_id]),
                "in_reply_to_comment_id": comment.reply_to_id or comment.parent_id,
                "body_markdown": comment.body,
                "created_at": comment.created_at,
                "edited_at": comment.edited_at,
                "deleted_at": comment.deleted_at,
                "revisions": [
                    {"body_markdown": revision.body, "created_at": revision.created_at}
                    for revision in comment.my_revisions
                ],
            }


def _reaction_rows(person: Person) -> Iterator[Record]:
    reactions = (
        Reaction.objects.filter(person=person)
        .select_related("thread", *subject_relations("thread__"))
        .order_by("created_at", "id")
    )
    for batch in _batched(reactions.iterator(chunk_size=CHUNK_SIZE), CHUNK_SIZE):
        subjects = _subjects(person, [reaction.thread for reaction in batch])
        for reaction in batch:
            yield {
                "kind": reaction.kind,
                **_subject_fields(subjects[reaction.thread_id]),
                "comment_id": reaction.comment_id,
                "created_at": reaction.created_at,
            }


def _answer_rows(person: Person) -> Iterator[Record]:
    responses = (
        InitiativeResponse.objects.filter(person=person)
        .select_related("initiative")
        .order_by("created_at", "id")
    )
    for response in responses.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "initiative": str(response.initiative),
            "understanding": response.understanding,
            "support": response.support,
            "created_at": response.created_at,
            "updated_at": response.updated_at,
        }


def _follow_rows(person: Person) -> Iterator[Record]:
    follows = (
        ChannelFollow.objects.filter(person=person)
        .select_related("channel")
        .order_by("created_at", "id")
    )
    for follow in follows.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "channel": follow.channel.name,
            "following": follow.following,
            "chosen_at": follow.created_at,
        }


def _notification_rows(person: Person) -> Iterator[Record]:
    notifications = Notification.objects.filter(recipient=person).order_by("created_at", "id")
    for notification in notifications.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": notification.pk,
            "kind": notification.kind,
            "thread_id": notification.thread_id,
            "comment_id": notification.comment_id,
            "message": notification.message or None,
            "created_at": notification.created_at,
            "read_at": notification.read_at,
        }


def _read_rows(person: Person) -> Iterator[Record]:
    views = PostView.objects.filter(person=person).order_by("viewed_at", "id")
    for view in views.iterator(chunk_size=CHUNK_SIZE):
        yield {"post_id": view.post_id, "opened_at": view.viewed_at}


def _video_play_rows(person: Person) -> Iterator[Record]:
    """The videos they pressed play on, as `_read_rows` lists the posts they opened: the
    post's id (its video is gone when it is None), never its words."""
    plays = (
        VideoView.objects.filter(person=person)
        .order_by("viewed_at", "id")
        .values_list("video__post__id", "viewed_at")
    )
    for post_id, viewed_at in plays.iterator(chunk_size=CHUNK_SIZE):
        yield {"post_id": post_id, "played_at": viewed_at}


def _delivery_rows(person: Person) -> Iterator[Record]:
    deliveries = FeedDelivery.objects.filter(person=person).order_by("delivered_at", "id")
    for delivery in deliveries.iterator(chunk_size=CHUNK_SIZE):
        yield {"post_id": delivery.post_id, "sent_at": delivery.delivered_at}


def _flag_rows(person: Person) -> Iterator[Record]:
    flags = Flag.objects.filter(flagged_by=person).order_by("created_at", "id")
    for flag in flags.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "item": f"{flag.item_kind}:{flag.item_id}",
            "reason": flag.get_reason_display(),
            "note": flag.note or None,
            "status": flag.status,
            "flagged_at": flag.created_at,
        }


def _moderation_rows(person: Person) -> Iterator[Record]:
    """What moderators did about this person or what they wrote, and why (as they were told).
    Which moderator acted is left out: that is the moderator's own data."""
    actions = ModerationAction.objects.filter(subject=person).order_by("created_at", "id")
    for action in actions.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "action": action.get_action_display(),
            "item": f"{action.item_kind}:{action.item_id}" if action.item_kind else None,
            "reason": action.note or None,
            "at": action.created_at,
        }
    for suspension in Suspension.objects.filter(person=person).order_by("starts", "id"):
        yield {
            "action": _("Suspension"),
            "item": None,
            "reason": suspension.reason,
            "at": suspension.starts,
            "ends": suspension.ends,
            "lifted_at": suspension.lifted_at,
        }


def _privacy_hold_rows(person: Person) -> Iterator[Record]:
    """Items of theirs the PHI guard held: what was found (kinds), the notes, the decision.
    The words themselves are in their posts and comments (unless purged)."""
    holds = PrivacyHold.objects.filter(author=person).order_by("created_at", "id")
    for hold in holds.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "item": f"{hold.item_kind}:{hold.item_id}",
            "status": hold.get_status_display(),
            "found": sorted({finding.get("kind", "") for finding in hold.findings}),
            "your_note": hold.author_note or None,
            "decision_note": hold.decision_note or None,
            "held_at": hold.created_at,
            "decided_at": hold.decided_at,
        }


def _idea_rows(person: Person) -> Iterator[Record]:
    """Ideas they proposed, anonymous ones too (they are theirs; `anonymous` says so)."""
    ideas = (
        Idea.objects.filter(author=person)
        .select_related("category", "department", "unit", "campaign")
        .order_by("created_at", "id")
    )
    for idea in ideas.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "id": idea.pk,
            "title": idea.title,
            "problem_markdown": idea.problem,
            "proposal_markdown": idea.proposal,
            "category": idea.category.name,
            "department": idea.department.name,
            "unit": idea.unit.name if idea.unit_id and idea.unit else None,
            "campaign": idea.campaign.title if idea.campaign_id and idea.campaign else None,
            "anonymous": idea.is_anonymous,
            "status": idea.get_status_display(),
            "photo_description": idea.photo_alt_text or None,
            "attachment_name": idea.attachment_name or None,
            "url": idea.get_absolute_url(),
            "created_at": idea.created_at,
            "edited_at": idea.edited_at,
        }


def _idea_fields(person: Person, idea: Idea) -> Record:
    """An idea someone else may have proposed: its title only while it is shown (or theirs),
    and never who proposed it."""
    seen = idea.is_shown or idea.author_id == person.pk
    return {
        "idea_id": idea.pk,
        "idea_title": idea.title if seen else _hidden_subject(),
        "idea_url": idea.get_absolute_url() if seen else None,
    }


def _idea_vote_rows(person: Person) -> Iterator[Record]:
    votes = Vote.objects.filter(person=person).select_related("idea").order_by("created_at", "id")
    for vote in votes.iterator(chunk_size=CHUNK_SIZE):
        yield {**_idea_fields(person, vote.idea), "voted_at": vote.created_at}


def _idea_follow_rows(person: Person) -> Iterator[Record]:
    follows = (
        Follow.objects.filter(person=person).select_related("idea").order_by("created_at", "id")
    )
    for follow in follows.iterator(chunk_size=CHUNK_SIZE):
        yield {**_idea_fields(person, follow.idea), "followed_at": follow.created_at}


def _idea_credit_rows(person: Person) -> Iterator[Record]:
    credited = (
        Contributor.objects.filter(person=person)
        .select_related("idea")
        .order_by("created_at", "id")
    )
    for credit in credited.iterator(chunk_size=CHUNK_SIZE):
        yield {
            **_idea_fields(person, credit.idea),
            "contribution": credit.contribution or None,
            "credited_at": credit.created_at,
        }


def _idea_response_rows(person: Person) -> Iterator[Record]:
    """Their public answers as a reviewer (their own words)."""
    responses = (
        Response.objects.filter(responder=person)
        .select_related("idea")
        .order_by("created_at", "id")
    )
    for response in responses.iterator(chunk_size=CHUNK_SIZE):
        yield {
            **_idea_fields(person, response.idea),
            "from_status": response.from_status,
            "to_status": response.to_status,
            "message_markdown": response.message,
            "answered_at": response.created_at,
        }


def _sign_in_history_rows(person: Person) -> Iterator[Record]:
    entries = AuditEntry.objects.filter(actor=person).order_by("seq")
    for entry in entries.iterator(chunk_size=CHUNK_SIZE):
        yield {
            "at": entry.at,
            "action": entry.action,
            "target": f"{entry.target_type}:{entry.target_id}" if entry.target_type else None,
            "ip": entry.ip or None,
        }


def sections() -> list[Section]:
    """The export's parts, in the order README.html lists them."""
    return [
        Section("profile", _("Your profile"), _profile_rows),
        Section("posts", _("Posts you wrote"), _post_rows),
        Section("post_edits", _("Your edits to other people's posts"), _post_edit_rows),
        Section("comments", _("Your comments"), _comment_rows),
        Section("reactions", _("Your reactions"), _reaction_rows),
        Section("initiative_answers", _("Your answers on initiatives"), _answer_rows),
        Section("follows", _("Channels you chose to follow or not"), _follow_rows),
        Section("notifications", _("Your notifications"), _notification_rows),
        Section("reads", _("Posts you opened"), _read_rows),
        Section("videos_played", _("Videos you played"), _video_play_rows),
        Section("posts_sent_to_you", _("Posts sent to your private feed"), _delivery_rows),
        Section("flags", _("Things you flagged"), _flag_rows),
        Section("moderation", _("Moderation decisions about you"), _moderation_rows),
        Section("privacy_holds", _("Your items held for privacy review"), _privacy_hold_rows),
        Section("ideas", _("Ideas you proposed (anonymous ones too)"), _idea_rows),
        Section("idea_votes", _("Ideas you voted for"), _idea_vote_rows),
        Section("idea_follows", _("Ideas you follow"), _idea_follow_rows),
        Section("idea_credits", _("Ideas you are credited on"), _idea_credit_rows),
        Section("idea_responses", _("Your answers to ideas, as a reviewer"), _idea_response_rows),
        Section("sign_in_history", _("Your sign-ins and actions"), _sign_in_history_rows),
    ]


# --- Writing ---------------------------------------------------------------------------------


def _html_value(value: Any) -> Any:
    if value is None or value in ("", []):
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, dict | list):
        return format_html("<pre>{}</pre>", _dumps(value))
    return str(value)


def _html_record(record: Record) -> str:
    rows = format_html_join(
        "", "<dt>{}</dt><dd>{}</dd>", ((key, _html_value(v)) for key, v in record.items())
    )
    return format_html("<article><dl>{}</dl></article>\n", rows)


def _write_section(archive: ZipFile, person: Person, section: Section) -> int:
    """Write `<name>.json` and `<name>.html`; return the number of records."""
    count = 0
    with tempfile.TemporaryFile(mode="w+", encoding="utf-8") as html:
        html.write(
            render_to_string(
                "accounts/data_export/section_start.html",
                {"title": section.title, "person": person},
            )
        )
        with archive.open(f"{section.name}.json", "w") as raw:
            raw.write(b"[")
            for record in section.rows(person):
                text = _dumps(record)
                raw.write(((",\n" if count else "\n") + text).encode("utf-8"))
                html.write(_html_record(record))
                count += 1
            raw.write(b"\n]\n" if count else b"]\n")
        if not count:
            html.write(format_html("<p>{}</p>", _("Nothing stored.")))
        html.write(render_to_string("accounts/data_export/section_end.html", {}))
        html.seek(0)
        with archive.open(f"{section.name}.html", "w") as out:
            while chunk := html.read(64 * 1024):
                out.write(chunk.encode("utf-8"))
    return count


def _write_photo(archive: ZipFile, person: Person) -> str | None:
    if not person.photo:
        return None
    extension = os.path.splitext(person.photo.name)[1].lower()
    name = "profile-photo" + (extension if extension in PHOTO_EXTENSIONS else ".bin")
    try:
        with person.photo.open("rb") as source, archive.open(name, "w") as out:
            while chunk := source.read(64 * 1024):
                out.write(chunk)
    except OSError:
        return None
    return name


def build_personal_data_export(*, person: Person) -> IO[bytes]:
    """The person's data as a ZIP in a temporary file, positioned at the start.

    The caller closes it (a FileResponse does); the file is deleted when closed.
    """
    output = tempfile.TemporaryFile()  # noqa: SIM115  # handed to the caller, who closes it
    try:
        with (
            translation.override(person.preferred_language),
            ZipFile(output, "w", compression=ZIP_DEFLATED) as archive,
        ):
            counts = [(section, _write_section(archive, person, section)) for section in sections()]
            photo = _write_photo(archive, person)
            archive.writestr(
                "README.html",
                render_to_string(
                    "accounts/data_export/readme.html",
                    {
                        "person": person,
                        "created_at": timezone.now(),
                        "counts": counts,
                        "photo": photo,
                    },
                ).encode("utf-8"),
            )
    except BaseException:
        output.close()
        raise
    output.seek(0)
    return output


def export_filename(*, person: Person) -> str:
    """The download's name: a date, never anything the person typed."""
    return f"staffroom-my-data-{timezone.localdate().isoformat()}.zip"
