"""Held items: the author's view and the privacy officers' queue."""

from __future__ import annotations

from django.urls import URLPattern, path

from staffroom.privacy.views import holds

urlpatterns: list[URLPattern] = [
    path("", holds.queue, name="queue"),
    path("mine/", holds.my_holds, name="my_holds"),
    path("holds/<int:hold_id>/", holds.hold, name="hold"),
    path("holds/<int:hold_id>/release/", holds.release, name="release"),
    path("holds/<int:hold_id>/remove/", holds.remove, name="remove"),
    path("holds/<int:hold_id>/send/", holds.send, name="send_for_review"),
    path("holds/<int:hold_id>/delete/", holds.delete, name="delete_held"),
]
