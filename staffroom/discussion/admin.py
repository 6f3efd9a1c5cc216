"""The technical admin: read-mostly views of discussions. Changes go through the services
(the site's own pages), so counters and notifications stay right; here only the lock of a
thread can be changed. Comments withheld from their readers are not listed."""

from __future__ import annotations

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest

from staffroom.core.models import Visibility
from staffroom.discussion.models import Backlink, Comment, Mention, Reaction, Thread


@admin.register(Thread)
class ThreadAdmin(admin.ModelAdmin[Thread]):
    list_display = ["id", "kind", "comment_count", "reaction_total", "is_locked", "created_at"]
    list_filter = ["kind", "is_locked"]
    fields = ["kind", "is_locked", "comment_count", "reaction_counts", "reaction_total", "version"]
    readonly_fields = ["kind", "comment_count", "reaction_counts", "reaction_total", "version"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Comment)
class CommentAdmin(admin.ModelAdmin[Comment]):
    list_display = ["id", "thread", "author", "depth", "created_at", "edited_at", "deleted_at"]
    list_select_related = ["thread", "author"]
    search_fields = ["body", "author__username"]
    raw_id_fields = ["thread", "author", "parent", "root", "reply_to", "deleted_by"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Comment]:
        # The admin is for technical staff, not reviewers: a comment withheld from its
        # readers (held, hidden, removed) is reviewed in the privacy and moderation pages.
        return super().get_queryset(request).filter(visibility=Visibility.VISIBLE)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Reaction)
class ReactionAdmin(admin.ModelAdmin[Reaction]):
    list_display = ["id", "person", "thread", "comment", "kind", "created_at"]
    list_select_related = ["person"]
    raw_id_fields = ["person", "thread", "comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


@admin.register(Mention)
class MentionAdmin(admin.ModelAdmin[Mention]):
    list_display = ["id", "person", "author", "thread", "comment", "created_at"]
    raw_id_fields = ["person", "author", "thread", "comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False


@admin.register(Backlink)
class BacklinkAdmin(admin.ModelAdmin[Backlink]):
    list_display = ["id", "source", "target", "source_comment", "created_at"]
    raw_id_fields = ["source", "target", "source_comment"]

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False
