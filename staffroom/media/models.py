"""Videos in posts: the upload, what processing made of it, captions, and who watched.

A video belongs to one post (``Post.video``). Its files live in the default storage (local
disk, or S3-compatible object storage) under ``videos/<id>/``; deleting the video deletes that
whole folder (``media.storage.delete_video_files``). Decision 28 explains the choices.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from staffroom.core.models import BaseModel


class Video(BaseModel):
    class Status(models.TextChoices):
        UPLOADING = "uploading", _("Uploading")
        QUEUED = "queued", _("Waiting to be processed")
        PROCESSING = "processing", _("Processing")
        READY = "ready", _("Ready")
        FAILED = "failed", _("Failed")

    class Note(models.TextChoices):
        """Things processing changed or noticed that the editor should know (``notes``)."""

        NO_AUDIO = "no_audio", _("The video has no sound track: it plays silently.")
        PORTRAIT = "portrait", _("The video is upright (portrait): it keeps that shape.")
        DOWNSCALED = "downscaled", _("The video was larger than 720p and was made smaller.")
        FRAME_RATE = "frame_rate", _("The frame rate was lowered to 30 frames a second.")
        SMALL = "small", _("The video is smaller than 720p, so it isn't enlarged.")

    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.UPLOADING)

    # --- The upload (chunks under videos/<id>/upload/, see media.services.upload) ----------
    original_name = models.CharField(max_length=255)
    # The size the browser announced; the upload is complete when received_bytes reaches it.
    original_size = models.PositiveBigIntegerField()
    received_bytes = models.PositiveBigIntegerField(default=0)
    received_chunks = models.PositiveIntegerField(default=0)
    # What the first bytes say it is: "mp4", "mov" or "webm" (never the file's extension).
    container = models.CharField(max_length=10, blank=True)
    # The post this upload is meant for, set when it starts. The video becomes the post's
    # (Post.video) only once every byte is in and checked, so a refused or abandoned upload
    # never costs the post the video it has (media.services.upload).
    for_post = models.ForeignKey(
        "staffchannels.Post", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # While a chunk is being stored: until when that request holds the upload (a lease), so
    # a second copy of the same chunk waits instead of overwriting it. Expires by itself
    # when the request dies mid-store.
    receiving_until = models.DateTimeField(null=True, blank=True)
    # Kept after processing only when settings.VIDEO_KEEP_ORIGINALS is on (otherwise empty).
    original = models.FileField(upload_to="videos/originals/", blank=True, max_length=255)

    # --- Processing (media.processing, in a background job) ---------------------------------
    progress = models.PositiveSmallIntegerField(default=0)  # percent, while PROCESSING
    failure_reason = models.CharField(max_length=500, blank=True)
    notes = models.JSONField(default=list, blank=True)  # Note values
    attempts = models.PositiveSmallIntegerField(default=0)
    processing_started_at = models.DateTimeField(null=True, blank=True)
    processed_at = models.DateTimeField(null=True, blank=True)
    duration_seconds = models.FloatField(null=True, blank=True)
    source_width = models.PositiveIntegerField(null=True, blank=True)
    source_height = models.PositiveIntegerField(null=True, blank=True)
    has_audio = models.BooleanField(default=True)
    poster = models.ImageField(upload_to="videos/posters/", blank=True, max_length=255)
    # Where in the video the poster frame was taken; None when the editor uploaded a picture.
    poster_seconds = models.FloatField(null=True, blank=True)

    # --- Accessibility ------------------------------------------------------------------------
    transcript = models.TextField(_("transcript"), blank=True)

    # --- Reach (stored counters, like posts) ------------------------------------------------
    reach_count = models.PositiveIntegerField(default=0, editable=False)
    screen_plays = models.PositiveIntegerField(default=0, editable=False)

    # Bumped on every change readers can see (files, captions, transcript): cache key.
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        indexes = [models.Index(fields=["status", "updated_at"], name="video_status")]

    def __str__(self) -> str:
        return self.original_name

    @property
    def folder(self) -> str:
        """Every file of this video lives under this storage prefix."""
        return f"videos/{self.pk}/"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_final(self) -> bool:
        """Nothing will change by itself: the status page can stop asking."""
        return self.status in (self.Status.READY, self.Status.FAILED)


class VideoRendition(models.Model):
    """One H.264/AAC MP4 made from the upload, with its index at the front (fast start)."""

    class Quality(models.TextChoices):
        HD = "720p", _("720p")
        LOW = "360p", _("360p (for weak connections)")

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="renditions")
    quality = models.CharField(max_length=10, choices=Quality.choices)
    file = models.FileField(max_length=255)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size_bytes = models.PositiveBigIntegerField()

    class Meta:
        ordering = ["video", "-height"]
        constraints = [
            models.UniqueConstraint(fields=["video", "quality"], name="rendition_unique_quality"),
        ]

    def __str__(self) -> str:
        return f"{self.video_id} {self.quality}"


class Caption(BaseModel):
    """Captions in one language, stored as validated WebVTT (SRT is converted on upload)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="captions")
    language = models.CharField(_("language"), max_length=16)  # BCP 47, e.g. "en", "es"
    label = models.CharField(_("label"), max_length=60)  # what the player's menu shows
    vtt = models.TextField()
    cue_count = models.PositiveIntegerField(default=0)
    original_format = models.CharField(max_length=4)  # "srt" or "vtt"
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["video", "language"]
        constraints = [
            models.UniqueConstraint(fields=["video", "language"], name="caption_unique_language"),
        ]

    def __str__(self) -> str:
        return f"{self.video_id} {self.language}"


class VideoView(models.Model):
    """Someone pressed play. One row per person per video, ever: reach counts people."""

    person = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="+")
    viewed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["person", "video"], name="videoview_once_per_person"),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} watched {self.video_id}"


class VideoReach(models.Model):
    """People who played a video, per department (stored, like channels.PostReach)."""

    video = models.ForeignKey(Video, on_delete=models.CASCADE, related_name="reach")
    department = models.ForeignKey(
        "organisation.Department", on_delete=models.CASCADE, null=True, related_name="+"
    )
    people = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["video", "department"],
                condition=Q(department__isnull=False),
                name="videoreach_unique_department",
            ),
            models.UniqueConstraint(
                fields=["video"],
                condition=Q(department__isnull=True),
                name="videoreach_unique_no_department",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.video_id}/{self.department_id}: {self.people}"


class MediaPolicy(models.Model):
    """Organisation-wide video rules an administrator can change (one row, pk=1)."""

    captions_required = models.BooleanField(
        _("video posts need captions or a transcript before they are published"), default=True
    )
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("video policy")
        verbose_name_plural = _("video policy")

    def __str__(self) -> str:
        return "video policy"

    @classmethod
    def current(cls) -> MediaPolicy:
        """The rules in force: the saved row, or (until an administrator first sets them)
        the defaults, unsaved. Reading never writes (pages that show the rule are GETs)."""
        return cls.objects.filter(pk=1).first() or cls(pk=1)
