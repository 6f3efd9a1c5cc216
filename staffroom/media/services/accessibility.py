"""Captions, transcripts and the publishing rule that asks for them (decision 28).

A video post can't be published or scheduled until its video is ready and has captions in at
least one language or a transcript, unless an administrator switched that rule off
(`MediaPolicy.captions_required`). `check_video_publishable` is the rule; the channels
services call it from `publish_post`, `schedule_post` and `restore_post`. A scheduled post goes
live by time alone, so the rule is also kept afterwards: captions or a transcript can't be
taken away from a video whose post is published or scheduled if that would leave it with
neither (`remove_captions`, `set_transcript`).

Locking: these functions lock the video's row, and the publishing services lock the post's
row and then the video's (`check_video_publishable`), so a removal and a publication of the
same post can't both pass their checks. The post is read, never locked, here: always post
then video, never the other way round, so the two can't deadlock.

Audit entries carry ids, languages and counts, never the words of captions or transcripts.
"""

from __future__ import annotations

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from staffroom.accounts.models import Person
from staffroom.audit.models import AuditAction
from staffroom.audit.services import record_audit
from staffroom.channels.models import Post
from staffroom.media.captions import (
    CAPTION_LANGUAGES,
    Cue,
    language_name,
    parse_captions,
    read_stored_vtt,
)
from staffroom.media.models import Caption, MediaPolicy, Video

__all__ = [
    "LABEL_MAX_LENGTH",
    "TRANSCRIPT_MAX_LENGTH",
    "add_captions",
    "check_video_publishable",
    "cues_for_transcript",
    "has_captions_or_transcript",
    "publish_problem",
    "remove_captions",
    "set_captions_required",
    "set_transcript",
]

TRANSCRIPT_MAX_LENGTH = 100_000
LABEL_MAX_LENGTH = 60
_LANGUAGE_CODES = {code for code, _native, _name in CAPTION_LANGUAGES}


# --- The rule ----------------------------------------------------------------------------------


def has_captions_or_transcript(video: Video) -> bool:
    return bool(video.transcript.strip()) or video.captions.exists()


def publish_problem(video: Video, *, captions_required: bool | None = None) -> str | None:
    """Why a post with this video can't be published now, in words for its editor; None when
    it can. `captions_required` defaults to the administrators' current rule."""
    status = video.status
    if status == Video.Status.UPLOADING:
        return _(
            "The video is still uploading: publish when it has uploaded and is ready, or "
            "schedule the post after it is ready."
        )
    if status == Video.Status.QUEUED:
        return _(
            "The video is waiting to be processed: publish when it is ready, or schedule the "
            "post after it is ready."
        )
    if status == Video.Status.PROCESSING:
        return _(
            "The video is still being processed (%(progress)d%%): publish when it is ready, or "
            "schedule the post after it is ready."
        ) % {"progress": video.progress}
    if status == Video.Status.FAILED:
        reason = video.failure_reason or _("no reason was given")
        return _(
            "The video couldn't be processed (%(reason)s). Try again or upload another video "
            "before publishing."
        ) % {"reason": reason.rstrip(".")}
    if captions_required is None:
        captions_required = MediaPolicy.current().captions_required
    if captions_required and not has_captions_or_transcript(video):
        return _(
            "Add captions or a transcript to the video before publishing: people who can't "
            "hear it need them."
        )
    return None


@transaction.atomic
def check_video_publishable(post: Post) -> None:
    """Raise ValidationError if `post` has a video that isn't ready, or that has neither
    captions nor a transcript while the rule asks for them. Call it with the post's row
    locked (the channels services do); it locks the video's row until the caller commits."""
    if post.video_id is None:
        return
    video = Video.objects.select_for_update().filter(pk=post.video_id).first()
    if video is None:
        return
    problem = publish_problem(video)
    if problem is not None:
        raise ValidationError(problem, code="video_not_publishable")


def _refuse_leaving_none(video: Video, *, what: str) -> None:
    """Refuse a removal that would leave the live or scheduled post of `video` with neither
    captions nor a transcript while the rule asks for them. `what` is "captions" or
    "transcript": what is about to go."""
    post = Post.objects.filter(video=video).only("pk", "status").first()
    if post is None or post.status not in (Post.Status.PUBLISHED, Post.Status.SCHEDULED):
        return
    if not MediaPolicy.current().captions_required:
        return
    if what == "captions":
        left = bool(video.transcript.strip()) or video.captions.count() > 1
    else:
        left = video.captions.exists()
    if left:
        return
    if post.status == Post.Status.SCHEDULED:
        message = _(
            "This post is scheduled: its video needs captions or a transcript when it goes "
            "live. Add a transcript or other captions first, or move the post back to draft."
        )
    else:
        message = _(
            "This post is published: its video needs captions or a transcript. Add a "
            "transcript or other captions first, or move the post back to draft."
        )
    raise ValidationError(message, code="still_needed")


# --- Captions ----------------------------------------------------------------------------------


def _locked_video(video: Video) -> Video:
    return Video.objects.select_for_update().get(pk=video.pk)


def recheck_post_of(video: Video, editor: Person) -> None:
    """Captions and the transcript are words of the post: the PHI guard reads the post again
    (channels.items.post_texts), and holds it if they name a patient."""
    from staffroom.privacy.services import recheck_after_edit

    post = Post.objects.filter(video=video).first()
    if post is not None:
        recheck_after_edit(obj=post, editor=editor)


def _bump_version(video: Video) -> None:
    Video.objects.filter(pk=video.pk).update(version=F("version") + 1, updated_at=timezone.now())
    video.refresh_from_db(fields=["version", "updated_at"])


@transaction.atomic
def add_captions(
    *,
    video: Video,
    editor: Person,
    language: str,
    label: str,
    data: bytes,
    filename: str,
) -> Caption:
    """Check a WebVTT or SRT file and store it as the video's captions in `language`,
    replacing the captions already in that language. Raises ValidationError keyed by field
    ("language", "label", "file"), the file's problems each with its line number; nothing is
    stored then."""
    errors: dict[str, list[str]] = {}
    if language not in _LANGUAGE_CODES:
        errors["language"] = [_("Choose the language the captions are in.")]
    label = " ".join((label or "").split())
    if len(label) > LABEL_MAX_LENGTH:
        errors["label"] = [
            _("Keep the name to %(max)d characters or fewer.") % {"max": LABEL_MAX_LENGTH}
        ]
    current = _locked_video(video)
    try:
        parsed = parse_captions(data, filename, duration_seconds=current.duration_seconds)
    except ValidationError as error:
        errors["file"] = error.messages
    if errors:
        raise ValidationError(errors)
    caption, created = Caption.objects.update_or_create(
        video=current,
        language=language,
        defaults={
            "label": label or language_name(language),
            "vtt": parsed.vtt,
            "cue_count": parsed.cue_count,
            "original_format": parsed.original_format,
            "uploaded_by": editor,
        },
    )
    _bump_version(current)
    video.version = current.version
    recheck_post_of(current, editor)
    record_audit(
        actor=editor,
        action=AuditAction.VIDEO_CAPTIONS_ADDED,
        target=current,
        summary=f"Video {current.pk}: captions in {language} {'added' if created else 'replaced'}",
        data={
            "video": current.pk,
            "language": language,
            "cues": parsed.cue_count,
            "format": parsed.original_format,
            "replaced": not created,
        },
    )
    return caption


@transaction.atomic
def remove_captions(*, caption: Caption, editor: Person) -> None:
    """Delete one language's captions. Refused when the video's post is published or
    scheduled and would be left with neither captions nor a transcript (module docstring)."""
    video = Video.objects.select_for_update().get(pk=caption.video_id)
    current = Caption.objects.filter(pk=caption.pk, video=video).first()
    if current is None:
        return  # already removed (a double click): nothing left to do
    _refuse_leaving_none(video, what="captions")
    cue_count, language = current.cue_count, current.language
    current.delete()
    _bump_version(video)
    recheck_post_of(video, editor)
    record_audit(
        actor=editor,
        action=AuditAction.VIDEO_CAPTIONS_REMOVED,
        target=video,
        summary=f"Video {video.pk}: captions in {language} removed",
        data={"video": video.pk, "language": language, "cues": cue_count},
    )


def cues_for_transcript(video: Video, language: str | None = None) -> list[Cue]:
    """The cues of the video's captions in `language` (or in the same language without its
    region: "es" for "es-MX"), else of its first captions; [] without captions.

    Uses `video.captions.all()`, so a prefetch (`video__captions`) avoids a query. Parsed
    cues are cached per caption and change: the stored WebVTT is read once, not per page.
    """
    captions = list(video.captions.all())
    if not captions:
        return []
    chosen = captions[0]
    if language:
        wanted = language.lower()
        base = wanted.split("-")[0]
        chosen = next(
            (c for c in captions if c.language.lower() == wanted),
            next((c for c in captions if c.language.lower().split("-")[0] == base), chosen),
        )
    key = f"media:cues:{chosen.pk}:{chosen.updated_at.timestamp()}"
    cues: list[Cue] | None = cache.get(key)
    if cues is None:
        cues = read_stored_vtt(chosen.vtt)
        cache.set(key, cues, 60 * 60 * 24)
    return cues


# --- Transcript ---------------------------------------------------------------------------------


def clean_transcript(text: str) -> str:
    """The transcript as it will be stored: line endings made plain, outer space trimmed.
    Raises ValidationError (key "transcript") when it is too long."""
    text = (text or "").replace("\r\n", "\n").replace("\r", "\n").strip()
    if len(text) > TRANSCRIPT_MAX_LENGTH:
        raise ValidationError(
            {
                "transcript": _(
                    "The transcript is %(length)s characters long; keep it to %(max)s or "
                    "fewer. Is it for this video only?"
                )
                % {"length": f"{len(text):,}", "max": f"{TRANSCRIPT_MAX_LENGTH:,}"}
            }
        )
    return text


@transaction.atomic
def set_transcript(*, video: Video, editor: Person, text: str) -> Video:
    """Replace the video's full transcript (plain text; empty removes it)."""
    text = clean_transcript(text)
    current = _locked_video(video)
    if text == current.transcript:
        return current
    if not text:
        try:
            _refuse_leaving_none(current, what="transcript")
        except ValidationError as error:
            raise ValidationError({"transcript": error.messages}) from error
    old_length = len(current.transcript)
    current.transcript = text
    current.save(update_fields=["transcript"])
    _bump_version(current)
    video.transcript, video.version = current.transcript, current.version
    recheck_post_of(current, editor)
    record_audit(
        actor=editor,
        action=AuditAction.VIDEO_TRANSCRIPT_CHANGED,
        target=current,
        summary=f"Video {current.pk}: transcript {'removed' if not text else 'changed'}",
        data={"video": current.pk, "length": len(text), "previous_length": old_length},
    )
    return current


# --- The administrators' rule -------------------------------------------------------------------


@transaction.atomic
def set_captions_required(*, admin: Person, required: bool) -> MediaPolicy:
    """Switch the captions rule on or off for every video post (the view checks that
    `admin` is an administrator). Posts already published are not touched."""
    MediaPolicy.objects.get_or_create(pk=1)  # the row exists before it is locked
    policy = MediaPolicy.objects.select_for_update().get(pk=1)
    if policy.captions_required == required:
        return policy
    policy.captions_required = required
    policy.changed_by = admin
    policy.changed_at = timezone.now()
    policy.save(update_fields=["captions_required", "changed_by", "changed_at"])
    record_audit(
        actor=admin,
        action=AuditAction.VIDEO_POLICY_CHANGED,
        target=policy,
        summary=f"Video captions rule {'on' if required else 'off'}",
        data={"captions_required": required},
    )
    return policy
