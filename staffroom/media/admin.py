"""Django admin for videos: for looking things up (why did processing fail, how large are
the files). Changes go through the video page, where the services delete files, audit and
re-queue, so everything here is read-only."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.http import HttpRequest

from staffroom.media.models import Caption, MediaPolicy, Video, VideoRendition


class _ReadOnly:
    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class RenditionInline(_ReadOnly, admin.TabularInline[VideoRendition, Video]):
    model = VideoRendition
    extra = 0
    fields = ["quality", "width", "height", "size_bytes", "file"]
    readonly_fields = ["quality", "width", "height", "size_bytes", "file"]


class CaptionInline(_ReadOnly, admin.TabularInline[Caption, Video]):
    model = Caption
    extra = 0
    fields = ["language", "label", "cue_count", "original_format", "created_at"]
    readonly_fields = ["language", "label", "cue_count", "original_format", "created_at"]


@admin.register(Video)
class VideoAdmin(_ReadOnly, admin.ModelAdmin[Video]):
    list_display = [
        "original_name",
        "status",
        "progress",
        "duration_seconds",
        "attempts",
        "created_at",
        "processed_at",
    ]
    list_filter = ["status"]
    search_fields = ["original_name", "failure_reason"]
    readonly_fields = [
        field.name for field in Video._meta.get_fields() if getattr(field, "concrete", False)
    ]
    inlines = [RenditionInline, CaptionInline]


@admin.register(MediaPolicy)
class MediaPolicyAdmin(_ReadOnly, admin.ModelAdmin[MediaPolicy]):
    list_display = ["captions_required", "changed_by", "changed_at"]
