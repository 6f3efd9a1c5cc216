"""Erasing a person: an administrator removes everything that describes someone, while what
they wrote stays, under "Former employee" (issue 4, personal data).

The Person row itself is kept — posts, comments, reactions and votes point at it, and threads,
counts and exposure reports must stay true — but every personal field in it is replaced by
a neutral value. Rows elsewhere that point at a person are handled by `LINKS`, one decision
per foreign key: KEEP (the row is part of a thread, a count or an accountability record and
now points at an anonymous person) or DELETE (the row only describes the person). A test
fails when a new foreign key to Person has no decision, so each new table gets one.

Not covered, on purpose: the words people wrote. Their own posts and comments are kept as
written (moderators can edit out a self-identifying signature), and others' words that name
them are theirs; only @mentions of them (a reference, not prose: the old username) become
"Former employee", in the Markdown and the rendered HTML. The audit
trail is append-only and holds ids, never names, so it needs no change.

Text others' records keep about them is cleared too: stored directory imports (the preview
sample, row errors, and a stored file not yet applied that lists them) and, on SQLite, the
search index's segments that still hold their old username
(`search.services.forget_removed_words`).
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from functools import partial
from importlib import import_module
from typing import Any

from django.apps import apps
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import F
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from staffroom.accounts.models import Person, Role, RoleGrant
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.search.services import forget_removed_words

KEEP = "keep"
DELETE = "delete"
UNLINK = "unlink"  # set the foreign key to NULL: the row is someone else's


class ErasureReason(models.TextChoices):
    """Why a person was erased. A fixed list, not free text: the reason is kept in the
    audit trail, which is permanent, and free text could name the person."""

    PERSON_ASKED = "person_asked", _("The person asked to be erased")
    LEGAL = "legal", _("A legal or regulatory obligation")
    CREATED_IN_ERROR = "created_in_error", _("The account was created by mistake")
    RETENTION = "retention", _("The retention period after leaving has passed")


# "app_label.Model.field" → (decision, why). Every foreign key to Person must be listed.
LINKS: dict[str, tuple[str, str]] = {
    # Accounts and roles
    "accounts.Person.manager": (UNLINK, "others' manager: the org chart no longer names them"),
    "accounts.RoleGrant.person": (DELETE, "what they could do; nobody holds these roles now"),
    "accounts.RoleGrant.granted_by": (KEEP, "who granted someone else's role"),
    "admin.LogEntry.user": (KEEP, "technical-admin history; object names are neutralised"),
    "audit.AuditEntry.actor": (KEEP, "the audit trail is append-only and holds ids only"),
    # Channels and posts
    "staffchannels.Channel.created_by": (KEEP, "who created a shared channel"),
    "staffchannels.ChannelEditor.person": (DELETE, "a channel role; nobody holds it now"),
    "staffchannels.ChannelEditor.granted_by": (KEEP, "who granted someone else's role"),
    "staffchannels.ChannelFollow.person": (DELETE, "their reading preferences"),
    "staffchannels.Post.author": (KEEP, "their posts stay, by 'Former employee'"),
    "staffchannels.Post.last_edited_by": (KEEP, "edit history of a kept post"),
    "staffchannels.PostRevision.editor": (KEEP, "edit history of a kept post"),
    "staffchannels.PostImage.uploaded_by": (KEEP, "part of a kept post"),
    "staffchannels.PostAttachment.uploaded_by": (KEEP, "part of a kept post"),
    "staffchannels.PostView.person": (KEEP, "reach counts and exposure reports are built from it"),
    "staffchannels.FeedDelivery.person": (KEEP, "exposure reports: who was sent a post"),
    "staffchannels.FeedToken.person": (DELETE, "a secret that only served them"),
    # Discussion
    "discussion.Comment.author": (KEEP, "their comments stay, by 'Former employee'"),
    "discussion.Comment.deleted_by": (KEEP, "who removed a comment"),
    "discussion.CommentRevision.editor": (KEEP, "edit history of a kept comment"),
    "discussion.Reaction.person": (KEEP, "reaction counts stay true"),
    "discussion.Mention.person": (DELETE, "that others named them; the links are unlinked"),
    "discussion.Mention.author": (KEEP, "part of their kept comments"),
    # Strategy
    "strategy.Initiative.owner": (KEEP, "an initiative needs an owner; an admin reassigns it"),
    "strategy.InitiativeResponse.person": (KEEP, "survey counts stay true"),
    # Notifications
    "notifications.Notification.recipient": (DELETE, "addressed to them only"),
    "notifications.Notification.actor": (KEEP, "someone else's notification"),
    # Organisation
    "organisation.DirectoryImport.uploaded_by": (KEEP, "who imported the directory"),
    "organisation.DirectoryImport.applied_by": (KEEP, "who imported the directory"),
    # Privacy and moderation: records others are accountable for
    "privacy.PrivacyPattern.created_by": (KEEP, "who configured a pattern"),
    "privacy.PrivacyHold.author": (KEEP, "a hold on a kept item"),
    "privacy.PrivacyHold.decided_by": (KEEP, "a privacy officer's decision"),
    "privacy.ExposureReport.item_author": (KEEP, "breach evidence"),
    "privacy.ExposureReport.marked_by": (KEEP, "breach evidence"),
    "privacy.ExposureReport.purged_by": (KEEP, "breach evidence"),
    "privacy.ExposureAudience.person": (KEEP, "breach evidence: who could have seen it"),
    "privacy.ExposureSighting.person": (KEEP, "breach evidence: who did see it"),
    "privacy.Tombstone.purged_by": (KEEP, "breach evidence"),
    "privacy.AuthorReveal.revealed_by": (KEEP, "a privacy officer's audited reveal"),
    "moderation.FlaggedItem.author": (KEEP, "the author of a kept item"),
    "moderation.Flag.flagged_by": (KEEP, "distinct-flagger counts stay true"),
    "moderation.ModerationAction.subject": (KEEP, "a moderator's decision on kept items"),
    "moderation.ModerationAction.moderator": (KEEP, "a moderator's decision"),
    "moderation.Suspension.person": (DELETE, "about them only; they can't sign in any more"),
    "moderation.Suspension.by": (KEEP, "a moderator's decision"),
    "moderation.Suspension.lifted_by": (KEEP, "a moderator's decision"),
    # Django's own many-to-many tables (erase_person clears them too)
    "accounts.Person_groups.person": (DELETE, "permissions; they can't sign in any more"),
    "accounts.Person_user_permissions.person": (DELETE, "permissions; as above"),
    # Ideas (issue 5)
    "ideas.Idea.author": (
        KEEP,
        "their ideas stay, by 'Former employee'; an anonymous one stays anonymous",
    ),
    "ideas.Vote.person": (KEEP, "vote counts stay true"),
    "ideas.Follow.person": (DELETE, "their reading preferences"),
    "ideas.IdeaView.person": (KEEP, "exposure reports are built from it"),
    "ideas.Contributor.person": (KEEP, "credit on a kept idea, as 'Former employee'"),
    "ideas.Response.responder": (KEEP, "a reviewer's public answer on a kept idea"),
    "ideas.Impact.recorded_by": (KEEP, "who recorded a kept idea's impact"),
    "ideas.Campaign.created_by": (KEEP, "who posed a campaign"),
    "ideas.Category_reviewers.person": (DELETE, "a reviewing role; nobody holds it now"),
    "ideas.Campaign_reviewers.person": (DELETE, "a reviewing role; nobody holds it now"),
    # Issue 6: events, chat rooms, break-room screens, email
    "events.Event.created_by": (KEEP, "who set up an event"),
    "chat.ChatHook.created_by": (KEEP, "who connected a channel's chat room"),
    "chat.ChatDelivery.requested_by": (KEEP, "who sent a test card to a channel's chat room"),
    "kiosk.Screen.created_by": (KEEP, "who set up a break-room screen"),
    "kiosk.Screen.revoked_by": (KEEP, "who switched a screen off or gave it a new address"),
    "notifications.DeliverySettings.person": (DELETE, "their notification and email choices"),
    "mail.OutboundEmail.recipient": (
        DELETE,
        "addressed to them only, with their email address; one not yet sent is never sent",
    ),
    # Issue 7: video
    "media.Video.uploaded_by": (KEEP, "part of a kept post, as its images are"),
    "media.Caption.uploaded_by": (KEEP, "part of a kept post's video"),
    "media.VideoView.person": (
        DELETE,
        (
            "which videos they played; the reach counters (Video.reach_count, VideoReach) "
            "are aggregates and stay"
        ),
    ),
    "media.MediaPolicy.changed_by": (KEEP, "who last changed an organisation-wide rule"),
}


def person_links() -> list[models.ForeignKey[Any, Any]]:
    """Every foreign key (and one-to-one) in the project that points at Person, including
    those of many-to-many tables (a campaign's reviewers): each is a link to decide."""
    return [
        field
        for model in apps.get_models(include_auto_created=True)
        for field in model._meta.get_fields()
        if isinstance(field, models.ForeignKey) and field.related_model is Person
    ]


def link_label(field: models.Field[Any, Any]) -> str:
    return f"{field.model._meta.label}.{field.name}"


@transaction.atomic
def erase_person(*, person: Person, by: Person, reason: ErasureReason | str) -> None:
    """Replace everything that describes `person` with neutral values and sign them out.

    The caller has checked that `by` is an administrator (accounts.permissions).
    """
    reason = ErasureReason(reason)
    locked = Person.objects.select_for_update().get(pk=person.pk)
    _check_may_erase(person=locked, by=by)

    old_url = locked.get_absolute_url()
    old_username = locked.username
    identity = _Identity.of(locked)
    photo_name = locked.photo.name if locked.photo else ""
    grant_ids = list(RoleGrant.objects.filter(person=locked).values_list("pk", flat=True))

    _refresh_cached_pages(locked)  # first: it finds threads through rows deleted below
    _unlink_mentions(old_url=old_url)
    _unmention_in_source(username=old_username)
    counts = _apply_link_decisions(locked)
    _neutralise_admin_history(person=locked, grant_ids=grant_ids)
    _forget_sign_in_attempts(username=old_username)
    counts.update(_scrub_directory_imports(identity))

    now = timezone.now()
    locked.username = f"erased-{secrets.token_hex(12)}"
    locked.employee_id = None  # a later import listing them creates a fresh, unlinked record
    locked.email = ""
    locked.first_name = ""
    locked.last_name = ""
    locked.preferred_name = ""
    locked.job_title = ""
    locked.job_family = None
    locked.unit = None
    locked.manager = None
    locked.shift_pattern = ""
    locked.preferred_language = Person._meta.get_field("preferred_language").get_default()
    locked.photo = ""  # the file goes after commit
    locked.is_active = False
    locked.is_staff = False
    locked.is_superuser = False
    locked.from_directory = False
    locked.left_on = None
    locked.last_login = None
    locked.date_joined = now  # when they joined could point back to them
    locked.erased_at = now
    locked.set_unusable_password()  # also ends every session (the session hash changes)
    locked.save()
    locked.groups.clear()
    locked.user_permissions.clear()
    _end_sessions(locked)
    forget_removed_words()
    person.refresh_from_db()

    if photo_name:
        storage = Person._meta.get_field("photo").storage
        transaction.on_commit(partial(storage.delete, photo_name))

    record_audit(
        actor=by,
        action=AuditAction.ERASED,
        target=locked,
        summary=f"person {locked.pk} erased",
        data={"reason": reason.value, "rows_removed_or_unlinked": counts},
    )


def _check_may_erase(*, person: Person, by: Person) -> None:
    if person.erased_at is not None:
        raise ValidationError(
            _("This person has already been erased. There is nothing more to remove."),
            code="already_erased",
        )
    if person.pk == by.pk:
        raise ValidationError(
            _("You can't erase yourself. Ask another administrator."), code="self"
        )
    is_admin = RoleGrant.objects.filter(
        person=person, role=Role.ADMINISTRATOR, site=None, department=None
    ).exists()
    if is_admin:
        others = (
            RoleGrant.objects.filter(
                role=Role.ADMINISTRATOR,
                site=None,
                department=None,
                person__is_active=True,
                person__erased_at=None,
            )
            .exclude(person=person)
            .exists()
        )
        if not others:
            raise ValidationError(
                _(
                    "This is the last administrator. Make someone else an administrator "
                    "before erasing this person."
                ),
                code="last_administrator",
            )


def _apply_link_decisions(person: Person) -> dict[str, int]:
    """Delete or unlink the rows `LINKS` says to; returns how many, by table (no words)."""
    counts: dict[str, int] = {}
    for field in person_links():
        label = link_label(field)
        decision, _why = LINKS.get(label, (KEEP, ""))
        rows = field.model._default_manager.filter(**{field.name: person})
        if decision == DELETE:
            deleted, _by_model = rows.delete()
            if deleted:
                counts[label] = deleted
        elif decision == UNLINK:
            changed = rows.update(**{field.name: None})
            if changed:
                counts[label] = changed
    return counts


def _neutralise_admin_history(*, person: Person, grant_ids: list[int]) -> None:
    """Django's admin log stores each object's name as text when it's changed there."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    neutral = _neutral_name()
    LogEntry.objects.filter(
        content_type=ContentType.objects.get_for_model(Person), object_id=str(person.pk)
    ).update(object_repr=neutral)
    if grant_ids:
        LogEntry.objects.filter(
            content_type=ContentType.objects.get_for_model(RoleGrant),
            object_id__in=[str(pk) for pk in grant_ids],
        ).update(object_repr=neutral)


def _forget_sign_in_attempts(*, username: str) -> None:
    """django-axes keeps the usernames of sign-in attempts (with addresses)."""
    from axes.models import AccessAttempt, AccessFailureLog, AccessLog

    for model in (AccessAttempt, AccessFailureLog, AccessLog):
        model.objects.filter(username__iexact=username).delete()


def _unlink_mentions(*, old_url: str) -> None:
    """Stored HTML of posts and comments links @mentions to the profile with the name shown:
    replace those links with the neutral name as plain text."""
    from staffroom.channels.models import Post
    from staffroom.discussion.models import Comment

    anchor = re.compile(r'<a class="mention" href="' + re.escape(escape(old_url)) + r'">@[^<]*</a>')
    plain = escape(_neutral_name())
    needle = f'class="mention" href="{escape(old_url)}"'
    for model in (Post, Comment):
        for pk, html in model.objects.filter(body_html__contains=needle).values_list(
            "pk", "body_html"
        ):
            model.objects.filter(pk=pk).update(body_html=anchor.sub(plain, html))
            if model is Post:
                Post.objects.filter(pk=pk).update(version=F("version") + 1)
            else:
                _bump_threads(models.Q(comments__pk=pk))


def _unmention_in_source(*, username: str) -> None:
    """The Markdown others wrote still says "@username" (their old username is their name):
    replace that one token with the neutral name, in bodies and their earlier versions, so
    the edit form, a re-render and the search index don't keep it. Nothing else is touched."""
    from staffroom.channels.models import Post, PostRevision
    from staffroom.discussion.models import Comment, CommentRevision

    # As core.richtext.MENTION_RE reads a mention: not after a word character or "@", and
    # not followed by more of a name (a trailing "." or "-" is punctuation) or by "@".
    token = re.compile(
        r"(?<![\w@])@" + re.escape(username) + r"(?![\w@])(?![.-][\w])", re.IGNORECASE
    )
    neutral = _neutral_name()
    for model in (Post, PostRevision, Comment, CommentRevision):
        rows = model.objects.filter(body__icontains=f"@{username}").values_list("pk", "body")
        for pk, body in rows:
            changed = token.sub(neutral, body)
            if changed != body:
                model.objects.filter(pk=pk).update(body=changed)


def _refresh_cached_pages(person: Person) -> None:
    """Cached comment lists and post fragments show names: bump the versions they're keyed by
    wherever the person appears."""
    from staffroom.channels.models import Post
    from staffroom.ideas.models import Idea

    Post.objects.filter(author=person).update(version=F("version") + 1)
    # Idea cards name signed authors and credited contributors (never anonymous authors).
    Idea.objects.filter(
        models.Q(author=person, is_anonymous=False) | models.Q(contributors__person=person)
    ).update(version=F("version") + 1)
    _bump_threads(
        models.Q(comments__author=person)
        | models.Q(reactions__person=person)
        | models.Q(mentions__person=person)
    )


def _bump_threads(where: models.Q) -> None:
    from staffroom.discussion.models import Thread

    ids = set(Thread.objects.filter(where).values_list("pk", flat=True))
    if ids:
        Thread.objects.filter(pk__in=ids).update(version=F("version") + 1)


def _end_sessions(person: Person) -> None:
    """Sign them out everywhere now, not only at their next request (the password hash has
    changed, so a session could not be used anyway; this also drops cached sessions)."""
    store = import_module(settings.SESSION_ENGINE).SessionStore
    live = Session.objects.filter(expire_date__gt=timezone.now())
    for session in live.iterator():
        if session.get_decoded().get(SESSION_KEY) == str(person.pk):
            store(session_key=session.session_key).delete()


@dataclass(frozen=True)
class _Identity:
    """What identifies the person in text others stored: read before the row is cleared."""

    employee_id: str
    username: str
    email: str
    names: frozenset[str]  # full names as the directory import writes them, casefolded

    @classmethod
    def of(cls, person: Person) -> _Identity:
        first, last, preferred = person.first_name, person.last_name, person.preferred_name
        names = {f"{first} {last}", f"{preferred or first} {last}", f"{preferred} {last}"}
        return cls(
            employee_id=person.employee_id or "",
            username=person.username,
            email=person.email,
            names=frozenset(n.strip().casefold() for n in names if n.strip() != last.strip()),
        )

    def tokens(self) -> list[str]:
        """Every identifier to find in free text, longest first (an email before the
        username inside it). Not one or two characters: "12" would also be a line number."""
        found = {self.employee_id, self.username, self.email, *self.names}
        return sorted((t for t in found if len(t) > 2), key=len, reverse=True)

    def is_about(self, entry: dict[str, Any]) -> bool:
        """Is this preview or error entry about them (their row), not someone else's?"""
        employee_id = str(entry.get("employee_id") or "")
        if employee_id:
            return bool(self.employee_id) and employee_id.casefold() == self.employee_id.casefold()
        return str(entry.get("name") or "").strip().casefold() in self.names


def _scrub_directory_imports(identity: _Identity) -> dict[str, int]:
    """Stored directory imports keep a sample of what each file changed (names, employee
    IDs, emails) and the file of an import not yet applied. Their own entries go; others'
    entries that name them (a manager column, an error message) get the neutral name; and a
    stored file that lists them is deleted, its import expired (upload it again).

    A file is stored only between the check and "Apply". One that names them goes: it holds
    their row, and applying what was checked before the erasure would now create them
    anew, which its preview never said. Files that don't name them stay usable."""
    from staffroom.organisation.models import DirectoryImport

    pattern = _identity_pattern(identity)
    if pattern is None:
        return {}
    neutral = _neutral_name()
    scrubbed = expired = 0
    records = DirectoryImport.objects.only("pk", "preview", "errors", "file", "status")
    for record in records.iterator():
        preview = _scrubbed_preview(record.preview, identity, pattern, neutral)
        # An error keeps its line (the file's problem isn't theirs), without their identifiers.
        errors = _scrubbed(record.errors, pattern, neutral)
        if preview != record.preview or errors != record.errors:
            DirectoryImport.objects.filter(pk=record.pk).update(preview=preview, errors=errors)
            scrubbed += 1
        if record.file and _file_mentions(record, pattern):
            _expire_directory_file(record)
            expired += 1
    counts = {}
    if scrubbed:
        counts["organisation.DirectoryImport.preview"] = scrubbed
    if expired:
        counts["organisation.DirectoryImport.file"] = expired
    return counts


def _identity_pattern(identity: _Identity) -> re.Pattern[str] | None:
    tokens = identity.tokens()
    if not tokens:
        return None
    # Whole identifiers only: "ann" must not match inside "joanne".
    alternatives = "|".join(re.escape(token) for token in tokens)
    return re.compile(rf"(?<![\w.@-])(?:{alternatives})(?![\w@-])", re.IGNORECASE)


def _scrubbed(value: Any, pattern: re.Pattern[str], neutral: str) -> Any:
    """`value` (JSON) with every mention of the person replaced by the neutral name."""
    if isinstance(value, str):
        return pattern.sub(neutral, value)
    if isinstance(value, list):
        return [_scrubbed(item, pattern, neutral) for item in value]
    if isinstance(value, dict):
        return {key: _scrubbed(item, pattern, neutral) for key, item in value.items()}
    return value


def _scrubbed_preview(
    preview: Any, identity: _Identity, pattern: re.Pattern[str], neutral: str
) -> Any:
    """The preview sample without their own entries, others' entries not naming them."""
    if not isinstance(preview, dict):
        return preview
    kept: dict[str, Any] = {}
    for key, value in preview.items():
        kept[key] = (
            [
                _scrubbed(entry, pattern, neutral)
                for entry in value
                if not (isinstance(entry, dict) and identity.is_about(entry))
            ]
            if isinstance(value, list)
            else value
        )
    return kept


def _file_mentions(record: Any, pattern: re.Pattern[str]) -> bool:
    """Does the stored file name them? An unreadable file counts as yes: it goes."""
    try:
        with record.file.open("rb") as stored:
            text = stored.read().decode("utf-8-sig", errors="replace")
    except OSError:
        return True
    return pattern.search(text) is not None


def _expire_directory_file(record: Any) -> None:
    from staffroom.organisation.models import DirectoryImport

    stored_name = record.file.name
    storage = record.file.storage
    status = record.status
    if status == DirectoryImport.Status.PREVIEWED:
        status = DirectoryImport.Status.EXPIRED
    DirectoryImport.objects.filter(pk=record.pk).update(
        file="", file_deleted_at=timezone.now(), status=status, updated_at=timezone.now()
    )
    transaction.on_commit(partial(storage.delete, stored_name))


def _neutral_name() -> str:
    # Stored text (admin log, rendered HTML) is written once, in the site's language.
    with translation.override(settings.LANGUAGE_CODE):
        return gettext("Former employee")
