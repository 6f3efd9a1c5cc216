"""Django admin for channels and posts: for looking things up. Changes go through the app's
own pages, where the services keep counters, revisions and audiences right, so posts are
read-only here, and only visible ones are listed."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from staffroom.channels.models import Channel, ChannelEditor, Post, Tag
from staffroom.core.models import Visibility


class ChannelEditorInline(admin.TabularInline[ChannelEditor, Channel]):
    model = ChannelEditor
    fk_name = "channel"
    extra = 0
    autocomplete_fields = ["person"]
    readonly_fields = ["granted_by"]


@admin.register(Channel)
class ChannelAdmin(admin.ModelAdmin[Channel]):
    list_display = ["name", "kind", "slug", "is_mandatory", "is_archived", "post_count"]
    list_filter = ["kind", "is_mandatory", "is_archived"]
    search_fields = ["name", "slug"]
    readonly_fields = ["kind", "department", "post_count", "created_by"]
    inlines = [ChannelEditorInline]


@admin.register(Tag)
class TagAdmin(admin.ModelAdmin[Tag]):
    list_display = ["name", "slug"]
    search_fields = ["name", "slug"]


@admin.register(Post)
class PostAdmin(admin.ModelAdmin[Post]):
    list_display = ["title", "channel", "author", "status", "published_at", "reach_count"]
    list_filter = ["status", "channel__kind"]
    search_fields = ["title"]
    list_select_related = ["channel", "author"]
    date_hierarchy = "published_at"

    def get_queryset(self, request: HttpRequest) -> QuerySet[Post]:
        # The admin is for technical staff, not reviewers: a post withheld from its
        # readers (held, hidden, removed) is reviewed in the privacy and moderation pages.
        return super().get_queryset(request).filter(visibility=Visibility.VISIBLE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Post | None = None) -> bool:
        return False
