"""Addresses of the idea box. Each part of it keeps its views in its own module."""

from django.urls import include, path

app_name = "ideas"

urlpatterns = [
    path("", include("staffroom.ideas.urls_board")),
    path("", include("staffroom.ideas.urls_propose")),
    path("", include("staffroom.ideas.urls_review")),
    path("", include("staffroom.ideas.urls_campaigns")),
]
