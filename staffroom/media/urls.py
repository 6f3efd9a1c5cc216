"""Video: the editor's page of a post's video, the chunked upload, and the files players
fetch (each checked against the post, every request)."""

from django.urls import URLPattern, URLResolver, path

from staffroom.media.views import captions, manage, screen, serve, upload

app_name = "media"

urlpatterns: list[URLPattern | URLResolver] = [
    # The editor's page for a post's video (manage.py composes the sections below).
    path("posts/<int:pk>/video/", manage.post_video, name="post_video"),
    # Upload (upload.py): start (JSON for the script, or a whole file from the plain form),
    # then GET the offset / PUT chunks.
    path("posts/<int:pk>/video/upload/", upload.start, name="upload_start"),
    path("videos/<int:video_id>/upload/", upload.chunk, name="upload_chunk"),
    # Processing (manage.py): live status fragment, retry, poster, delete.
    path("videos/<int:video_id>/status/", manage.status, name="status"),
    path("videos/<int:video_id>/retry/", manage.retry, name="retry"),
    path("videos/<int:video_id>/poster/", manage.poster, name="poster"),
    path("videos/<int:video_id>/delete/", manage.delete, name="delete"),
    # Accessibility (captions.py): captions per language, transcript, the admins' rule.
    path("videos/<int:video_id>/captions/", captions.add, name="captions_add"),
    path(
        "videos/<int:video_id>/captions/<int:caption_id>/delete/",
        captions.remove,
        name="captions_remove",
    ),
    path("videos/<int:video_id>/transcript/", captions.transcript, name="transcript"),
    path("system/video/", captions.policy, name="policy"),
    # Files (serve.py): range requests, permission checked on each.
    path("videos/<int:video_id>/<str:quality>.mp4", serve.rendition, name="rendition"),
    path("videos/<int:video_id>/poster.jpg", serve.poster, name="poster_file"),
    path("videos/<int:video_id>/captions/<int:caption_id>.vtt", serve.caption, name="caption_file"),
    # The same files for a break-room screen, by its secret address (kiosk rotation).
    path(
        "screen/<str:secret>/videos/<int:video_id>/<str:quality>.mp4",
        screen.rendition,
        name="screen_rendition",
    ),
    path(
        "screen/<str:secret>/videos/<int:video_id>/poster.jpg",
        screen.poster,
        name="screen_poster",
    ),
    path(
        "screen/<str:secret>/videos/<int:video_id>/captions/<int:caption_id>.vtt",
        screen.caption,
        name="screen_caption",
    ),
]
