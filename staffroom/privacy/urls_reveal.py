"""Revealing the author of an anonymous item, and the list of reveals (decision 18)."""

from __future__ import annotations

from django.urls import URLPattern, path

from staffroom.privacy.views import reveal

urlpatterns: list[URLPattern] = [
    path("reveal/<str:kind>/<int:item_id>/", reveal.reveal, name="reveal"),
    path("reveals/", reveal.reveal_list, name="reveals"),
]
