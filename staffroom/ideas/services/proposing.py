"""Proposing ideas: checking what was typed, creating an idea (guarded, routed, counted),
the author's edits, and the one way an idea's visibility changes.

The PHI guard (privacy.guard) scans every text of an idea — title, problem, proposal, the
photo's description, the attachment's name — before anyone else can see it. An idea with
possible patient information is created HELD: only its author (who can edit it out) and the
privacy officers see it, and nothing else happens until it is released or edited clean —
no reviewers told, no counts, no search document (see set_idea_visibility).

Anonymous ideas: the author is stored (moderation and the audited reveal need it) and
never shown. Nothing this module sends names them: notifications about an anonymous idea
have no actor, its mentions notify nobody, and the audit trail records no actor.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.core.models import Visibility
from staffroom.core.richtext import RenderedText, find_mentions, render_markdown
from staffroom.core.uploads import (
    CheckedAttachment,
    ProcessedImage,
    check_attachment,
    process_image,
)
from staffroom.discussion.services import new_thread, record_backlinks, record_mentions
from staffroom.ideas import stats
from staffroom.ideas.models import Campaign, Category, Idea
from staffroom.organisation.models import Department, Unit
from staffroom.privacy.guard import FieldFinding, scan_texts
from staffroom.strategy.models import Initiative

TITLE_MAX_LENGTH = 150
TEXT_MAX_LENGTH = 5000

# The labels of an idea's texts (ideas.items.idea_texts): stable English keys.
TITLE = "Title"
PROBLEM = "Problem"
PROPOSAL = "Proposal"
PHOTO_DESCRIPTION = "Photo description"
FILE_NAME = "File name"


@dataclass(frozen=True)
class IdeaWords:
    title: str
    problem: str
    proposal: str


def clean_idea_words(*, title: str, problem: str, proposal: str) -> IdeaWords:
    """Trim and check an idea's words; every problem is reported at once, per field."""
    title, problem, proposal = (
        (title or "").strip(),
        (problem or "").strip(),
        (proposal or "").strip(),
    )
    errors: dict[str, str] = {}
    if not title:
        errors["title"] = _("Give your idea a short title.")
    elif len(title) > TITLE_MAX_LENGTH:
        errors["title"] = _(
            "The title is %(length)d characters long; keep it to %(max)d or fewer."
        ) % {"length": len(title), "max": TITLE_MAX_LENGTH}
    for field, text, empty in (
        ("problem", problem, _("Say what problem you see.")),
        ("proposal", proposal, _("Say what you would change.")),
    ):
        if not text:
            errors[field] = empty
        elif len(text) > TEXT_MAX_LENGTH:
            errors[field] = _(
                "This is %(length)s characters long; keep it to %(max)s or fewer."
            ) % {"length": f"{len(text):,}", "max": f"{TEXT_MAX_LENGTH:,}"}
    if errors:
        raise ValidationError(errors)
    return IdeaWords(title=title, problem=problem, proposal=proposal)


def render_idea_text(text: str) -> RenderedText:
    """Markdown → sanitised HTML, @mentions of active people linked (as posts do)."""
    usernames = find_mentions(text)
    people: dict[str, tuple[str, str]] = {}
    if usernames:
        for person in Person.objects.active().filter(username__in=[u.lower() for u in usernames]):
            people[person.username] = (person.display_name, person.get_absolute_url())
    return render_markdown(text, people=people)


def check_where(
    *,
    person: Person,
    category: Category,
    department: Department,
    unit: Unit | None,
    campaign: Campaign | None,
) -> None:
    """The idea's category, place and campaign make sense for this person, now."""
    errors: dict[str, str] = {}
    if not category.is_active:
        errors["category"] = _("This category is no longer offered; choose another.")
    if unit is not None and unit.department_id != department.pk:
        errors["unit"] = _("This unit belongs to another department; choose one of %(name)s's.") % {
            "name": department.name
        }
    if campaign is not None:
        from staffroom.ideas.campaigns import campaign_invites

        if not campaign.is_open():
            errors["campaign"] = (
                _("This campaign closed on %(date)s: it takes no more ideas.")
                if campaign.has_closed()
                else _("This campaign opens on %(date)s.")
            ) % {
                "date": timezone.localtime(
                    campaign.closes_at if campaign.has_closed() else campaign.opens_at
                ).strftime("%d %b %Y")
            }
        elif not campaign_invites(campaign, person):
            errors["campaign"] = _("This campaign asks other staff; propose your idea on its own.")
    if errors:
        raise ValidationError(errors)


def idea_typed_texts(
    words: IdeaWords, *, photo_alt_text: str = "", attachment_name: str = ""
) -> dict[str, str]:
    texts = {TITLE: words.title, PROBLEM: words.problem, PROPOSAL: words.proposal}
    if photo_alt_text:
        texts[PHOTO_DESCRIPTION] = photo_alt_text
    if attachment_name:
        texts[FILE_NAME] = attachment_name
    return texts


def _same_submission(key: uuid.UUID, author: Person) -> Idea | None:
    """The idea this same form already made (a double click), or None for a new key. A key
    someone else used is treated as new (the form makes a fresh one each time)."""
    existing = Idea.objects.filter(submission_key=key).first()
    if existing is not None and existing.author_id == author.pk:
        return existing
    return None


def create_idea(
    *,
    author: Person,
    title: str,
    problem: str,
    proposal: str,
    category: Category,
    department: Department,
    unit: Unit | None = None,
    campaign: Campaign | None = None,
    initiative: Initiative | None = None,
    is_anonymous: bool = False,
    photo: UploadedFile | None = None,
    photo_alt_text: str = "",
    attachment: UploadedFile | None = None,
    submission_key: uuid.UUID | None = None,
) -> Idea:
    """A new idea, all or nothing. A `submission_key` already used by this author returns
    the idea it made: a double-clicked submit creates one idea.

    Clean: it is shown at once, counted, and routed to its reviewers (they are notified).
    Possible patient information: it is created HELD with a privacy hold (module doc).
    """
    if submission_key is not None:
        existing = _same_submission(submission_key, author)
        if existing is not None:
            return existing
    words = clean_idea_words(title=title, problem=problem, proposal=proposal)
    check_where(
        person=author, category=category, department=department, unit=unit, campaign=campaign
    )
    photo_alt_text = (photo_alt_text or "").strip()
    if photo is not None and not photo_alt_text:
        raise ValidationError(
            {"photo_alt_text": _("Describe what the photo shows, for colleagues who can't see it.")}
        )
    processed = process_image(photo) if photo is not None else None
    checked = check_attachment(attachment) if attachment is not None else None
    findings = scan_texts(
        idea_typed_texts(
            words,
            photo_alt_text=photo_alt_text if photo is not None else "",
            attachment_name=checked.safe_name if checked is not None else "",
        )
    )
    problem_html = render_idea_text(words.problem)
    proposal_html = render_idea_text(words.proposal)
    now = timezone.now()
    stored: list[str] = []
    try:
        with transaction.atomic():
            idea = Idea(
                author=author,
                title=words.title,
                problem=words.problem,
                problem_html=problem_html.html,
                proposal=words.proposal,
                proposal_html=proposal_html.html,
                category=category,
                department=department,
                unit=unit,
                campaign=campaign,
                initiative=initiative,
                is_anonymous=is_anonymous,
                status_changed_at=now,
                last_activity_at=now,
                response_due_at=now + timedelta(days=settings.IDEAS_FIRST_RESPONSE_DAYS),
                thread=new_thread(kind="idea"),
                submission_key=submission_key,
                visibility=Visibility.HELD if findings else Visibility.VISIBLE,
                first_shown_at=None if findings else now,
            )
            stored = _attach_files(idea, processed, photo_alt_text, checked, attachment)
            idea.save()
            if findings:
                from staffroom.privacy.services import hold_item

                hold_item(obj=idea, author=author, findings=findings)
            else:
                _went_live(idea, problem_html, proposal_html)
    except IntegrityError:
        for name in stored:
            default_storage.delete(name)
        # The same form, sent twice at the same moment: the other request made the idea.
        if submission_key is not None:
            existing = _same_submission(submission_key, author)
            if existing is not None:
                return existing
        raise
    except BaseException:
        for name in stored:
            default_storage.delete(name)
        raise
    return idea


def _attach_files(
    idea: Idea,
    processed: ProcessedImage | None,
    photo_alt_text: str,
    checked: CheckedAttachment | None,
    attachment: UploadedFile | None,
) -> list[str]:
    """Write the idea's photo and attachment to storage; returns the stored names (for the
    caller to delete if the transaction fails)."""
    stored: list[str] = []
    if processed is not None:
        idea.photo.save(processed.content.name or "photo", processed.content, save=False)
        stored.append(idea.photo.name)
        idea.photo_alt_text = photo_alt_text
    if checked is not None and attachment is not None:
        attachment.seek(0)
        idea.attachment.save(checked.safe_name, attachment, save=False)
        stored.append(idea.attachment.name)
        idea.attachment_name = checked.safe_name
        idea.attachment_content_type = checked.content_type
        idea.attachment_size_bytes = checked.size_bytes
    return stored


def _went_live(idea: Idea, *rendered: RenderedText) -> None:
    """An idea others can now see, for the first time or again: counted, linked, routed.

    Its mentions notify people only when it is signed: a mention from an anonymous idea
    would tell the person mentioned who wrote it.
    """
    stats.count_idea(idea, +1)
    for text in rendered:
        if not idea.is_anonymous:
            record_mentions(thread=idea.thread, author=idea.author, usernames=text.mentions)
        record_backlinks(source=idea.thread, paths=text.internal_paths)
    from staffroom.ideas.routing import tell_reviewers_once

    tell_reviewers_once(idea)


def _locked(idea: Idea) -> Idea:
    return Idea.objects.select_for_update().select_related("thread").get(pk=idea.pk)


@transaction.atomic
def set_idea_visibility(*, idea: Idea, visibility: str) -> Idea:
    """The one way an idea's visibility changes (core.items.ItemKind.set_visibility).

    Keeps the stored counters, the cached card (version bumped) and routing true; a hidden
    or removed idea about to be shown again is scanned first and held instead if need be.
    The search index follows by its triggers. The caller (privacy, moderation) audits why.
    """
    if visibility not in Visibility.values:
        raise ValueError(f"Unknown visibility {visibility!r}")
    current = _locked(idea)
    old = current.visibility
    findings: list[FieldFinding] = []
    if visibility == Visibility.VISIBLE and old in (Visibility.HIDDEN, Visibility.REMOVED):
        from staffroom.privacy.services import guard_before_showing

        findings = guard_before_showing(current)
        if findings:
            visibility = Visibility.HELD
    if old != visibility:
        was_counted = stats.is_counted(current)
        current.visibility = visibility
        current.version = F("version") + 1
        fields = ["visibility", "version", "updated_at"]
        if visibility == Visibility.VISIBLE and current.first_shown_at is None:
            current.first_shown_at = timezone.now()
            fields.append("first_shown_at")
        current.save(update_fields=fields)
        current.refresh_from_db(fields=["version"])
        now_counted = stats.is_counted(current)
        if now_counted and not was_counted:
            _went_live(
                current,
                render_idea_text(current.problem),
                render_idea_text(current.proposal),
            )
        elif was_counted and not now_counted:
            stats.count_idea(current, -1)
    if findings:
        from staffroom.privacy.services import hold_item

        hold_item(obj=current, findings=findings)
    idea.visibility, idea.version = current.visibility, current.version
    idea.first_shown_at, idea.updated_at = current.first_shown_at, current.updated_at
    return idea


@transaction.atomic
def edit_idea(
    *,
    idea: Idea,
    editor: Person,
    title: str,
    problem: str,
    proposal: str,
    category: Category,
    department: Department,
    unit: Unit | None = None,
    photo_alt_text: str | None = None,
) -> Idea:
    """The author changes their idea (allowed until its first response: permissions).

    The guard scans it again: an edit that brings in patient information holds it, one that
    takes it out of a held idea publishes it (privacy.services.recheck_after_edit). A shown
    idea moved to another department or category is routed again: the reviewers there who
    weren't told before are told now (routing.tell_reviewers_once).
    """
    from staffroom.ideas.permissions import check_edit_idea
    from staffroom.privacy.services import recheck_after_edit

    words = clean_idea_words(title=title, problem=problem, proposal=proposal)
    current = _locked(idea)
    check_edit_idea(editor, current)
    check_where(person=editor, category=category, department=department, unit=unit, campaign=None)
    if photo_alt_text is not None and current.photo:
        photo_alt_text = photo_alt_text.strip()
        if not photo_alt_text:
            raise ValidationError(
                {
                    "photo_alt_text": _(
                        "Describe what the photo shows, for colleagues who can't see it."
                    )
                }
            )
        current.photo_alt_text = photo_alt_text
    moved = current.department_id != department.pk
    # Another department or category brings other reviewers, who are told as new ones were.
    rerouted = moved or current.category_id != category.pk
    counted = stats.is_counted(current)
    if moved and counted:
        stats.count_idea(current, -1)
    current.title, current.problem, current.proposal = words.title, words.problem, words.proposal
    current.problem_html = render_idea_text(words.problem).html
    current.proposal_html = render_idea_text(words.proposal).html
    current.category, current.department, current.unit = category, department, unit
    now = timezone.now()
    current.edited_at = now
    current.last_activity_at = now
    current.version = F("version") + 1
    current.save()
    current.refresh_from_db()
    if moved and counted:
        stats.count_idea(current, +1)
    recheck_after_edit(obj=current, editor=editor)
    current.refresh_from_db()
    if rerouted and stats.is_counted(current):
        from staffroom.ideas.routing import tell_reviewers_once

        tell_reviewers_once(current)
    return current


def delete_files_after_commit(*names: str) -> None:
    for name in names:
        if name:
            transaction.on_commit(partial(default_storage.delete, name))
