"""The propose part of the idea box: the proposal form, similar ideas while typing, and the
author's edits."""

from django.urls import URLPattern, URLResolver, path

from staffroom.ideas.views import propose

urlpatterns: list[URLPattern | URLResolver] = [
    path("new/", propose.propose, name="propose"),
    path("similar/", propose.similar, name="similar"),
    path("<int:pk>/edit/", propose.edit, name="edit"),
]
